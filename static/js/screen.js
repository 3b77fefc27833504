// The leadership screen (一屏统览): one request to /screen/data.json, then again every few
// minutes (data-refresh seconds). Charts are ECharts, drawn once and updated in place; the map
// is a scatter on the county seats' longitude and latitude (no tiles: the intranet is offline).
(function () {
  "use strict";
  var root, words, last = null, charts = {}, timer = null;
  var C = { text: "#e6edf7", muted: "#8fa3bf", grid: "#2a3a52", blue: "#4fa3ff", teal: "#3ccfb4",
            gold: "#f5b942", red: "#ff6b5b", violet: "#a98bff" };
  var BIG = 18;

  function $(id) { return document.getElementById(id); }
  function wan(v) { return Number(v) / 10000; }
  function yi(v) { return fmt(Number(v) / 1e8, 2); }  // 亿元: short enough to read across a room
  function fmt(n, digits) {
    return Number(n).toLocaleString("zh-CN", { maximumFractionDigits: digits || 0,
                                               minimumFractionDigits: digits || 0 });
  }
  function text(id, value) { var el = $(id); if (el) el.textContent = value; }
  function narrow() { return window.innerWidth < 700; }
  function font() { return narrow() ? 12 : BIG; }

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: "canvas" });
    return charts[id];
  }

  function axis(extra) {
    var base = { axisLine: { lineStyle: { color: C.grid } }, axisLabel: { color: C.muted, fontSize: font() },
                 splitLine: { lineStyle: { color: C.grid } } };
    for (var k in extra) base[k] = extra[k];
    return base;
  }

  function kpis(d) {
    var f = d.figures;
    text("k-projects", fmt(f.projects.count));
    text("k-aid", yi(f.projects.aid));
    text("k-disbursed", yi(f.flows["拨付"]));
    var rate = f.project_indicators.overall["资金拨付率"];
    text("k-rate", rate === null || rate === undefined ? "—" : rate + "%");
    text("k-posted", fmt(f.postings.count));
    text("k-orders", f.orders.fulfilment_rate === null ? "—" : f.orders.fulfilment_rate + "%");
    text("k-sold", yi(f.sales.sold));
    text("k-deals", yi(f.deals.signed));
  }

  // Equal distances on the ground are equal on the screen: a degree of longitude at Haixi's
  // latitude (about 37°N) is cos 37° of a degree of latitude, and the ranges are widened to the
  // panel's shape rather than stretched to it.
  function mapRanges(pts, width, height) {
    var k = Math.cos(37.3 * Math.PI / 180);
    var lons = pts.map(function (p) { return p.lon; }), lats = pts.map(function (p) { return p.lat; });
    var x0 = Math.min.apply(null, lons), x1 = Math.max.apply(null, lons);
    var y0 = Math.min.apply(null, lats), y1 = Math.max.apply(null, lats);
    var lonSpan = (x1 - x0) + 0.6, latSpan = (y1 - y0) + 0.6;
    if (lonSpan * k / latSpan > width / height) latSpan = lonSpan * k * height / width;
    else lonSpan = latSpan * width / (height * k);
    var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    return { x: [cx - lonSpan / 2, cx + lonSpan / 2], y: [cy - latSpan / 2, cy + latSpan / 2] };
  }

  function drawMap(d) {
    var pts = d.map, maxAid = 1, small = narrow();
    if (!pts.length) return;
    pts.forEach(function (p) { if (p.aid_wan > maxAid) maxAid = p.aid_wan; });
    var seat = pts.filter(function (p) { return p.code === "632802"; })[0];
    var el = $("c-map"), pad = { left: small ? 20 : 60, right: small ? 70 : 200, top: 20, bottom: 20 };
    var r = mapRanges(pts, Math.max(el.clientWidth - pad.left - pad.right, 50),
                      Math.max(el.clientHeight - pad.top - pad.bottom, 50));
    chart("c-map").setOption({
      grid: pad,
      tooltip: { trigger: "item", textStyle: { fontSize: font() },
        formatter: function (x) {
          var p = x.data.p;
          return p.name + "（" + p.seat + "）<br>" + words.projects + " " + p.projects +
            "<br>" + words.aid + " " + fmt(p.aid_wan) + (p.paired_city ? "<br>" + p.paired_city + " → " + p.name : "");
        } },
      xAxis: { type: "value", show: false, min: r.x[0], max: r.x[1] },
      yAxis: { type: "value", show: false, min: r.y[0], max: r.y[1] },
      series: [
        { type: "lines", coordinateSystem: "cartesian2d", silent: true, z: 1,
          lineStyle: { color: "#35507a", width: 2, type: "dashed" },
          data: seat ? pts.filter(function (p) { return p !== seat; }).map(function (p) {
            return { coords: [[seat.lon, seat.lat], [p.lon, p.lat]] }; }) : [] },
        { type: "scatter", z: 3,
          data: pts.map(function (p) {
            return { value: [p.lon, p.lat], p: p,
                     symbol: p === seat ? "diamond" : "circle",
                     symbolSize: (small ? 8 : 16) + (small ? 18 : 46) * Math.sqrt(p.aid_wan / maxAid),
                     // The prefecture seat's label below it: 大柴旦 and 天峻 sit on its sides.
                     label: { position: p === seat ? "bottom" : "right" } };
          }),
          itemStyle: { color: C.blue, opacity: 0.85, borderColor: "#cfe4ff", borderWidth: 2 },
          label: { show: true, distance: 8, color: C.text,
                   fontSize: small ? 10 : 19, lineHeight: small ? 13 : 25,
                   formatter: function (x) {
                     var p = x.data.p;
                     // A phone shows the names only; a tap on a seat tells the rest.
                     if (small) return "{n|" + p.name + "}";
                     return "{n|" + p.name + "} {c|" + p.paired_city + "}\n" +
                       fmt(p.aid_wan) + words.wan + " · " + p.projects + words.pieces;
                   },
                   rich: { n: { fontSize: small ? 12 : 24, fontWeight: "bold", color: "#fff" },
                           c: { fontSize: small ? 10 : 16, color: C.muted } } } }
      ]
    });
  }

  function drawTrend(d) {
    var t = d.trend, small = narrow();
    chart("c-trend").setOption({
      color: [C.blue, C.teal, C.gold, C.violet],
      tooltip: { trigger: "axis", textStyle: { fontSize: font() } },
      legend: { top: 0, textStyle: { color: C.text, fontSize: font() }, itemWidth: small ? 14 : 24 },
      grid: { left: small ? 44 : 80, right: small ? 34 : 50, top: small ? 56 : 70, bottom: 30 },
      xAxis: axis({ type: "category", data: t.years.map(String) }),
      yAxis: [axis({ type: "value" }),
              axis({ type: "value", splitLine: { show: false }, minInterval: 1 })],
      series: [
        { name: words.aid, type: "bar", data: t.aid_wan, barMaxWidth: 40 },
        { name: words.disbursed, type: "bar", data: t["拨付_wan"], barMaxWidth: 40 },
        { name: words.sold, type: "line", data: t.sold_wan, symbolSize: 10, lineStyle: { width: 4 } },
        { name: words.projects, type: "line", yAxisIndex: 1, data: t.projects, symbolSize: 10,
          lineStyle: { width: 3, type: "dashed" } }
      ]
    });
  }

  function drawSales(d) {
    var s = d.figures.sales, monthly = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    Object.keys(s.by_month || {}).forEach(function (k) {
      s.by_month[k].forEach(function (v, i) { monthly[i] += Number(v); });
    });
    var run = 0, cumulative = monthly.map(function (v) { run += v; return Math.round(run / 100) / 100; });
    var now = new Date(), year = Number(root.dataset.year);
    if (year === now.getFullYear()) cumulative = cumulative.slice(0, now.getMonth() + 1);
    var target = s.target ? wan(s.target) : null, small = narrow();
    var series = [{ name: words.cumulative, type: "line", data: cumulative, areaStyle: { opacity: 0.25 },
                    symbolSize: 8, lineStyle: { width: 4 }, color: C.teal }];
    if (target !== null) {
      series.push({ name: words.target, type: "line", data: [], color: C.gold,
        markLine: { symbol: "none", lineStyle: { color: C.gold, width: 3, type: "dashed" },
                    label: { color: C.gold, fontSize: font(), position: "insideStartTop",
                             formatter: words.target + " " + fmt(target) + words.wan +
                               (s.target_rate ? "（" + s.target_rate + "%）" : "") },
                    data: [{ yAxis: target }] } });
    }
    chart("c-sales").setOption({
      tooltip: { trigger: "axis", textStyle: { fontSize: font() } },
      legend: { top: 0, textStyle: { color: C.text, fontSize: font() } },
      grid: { left: small ? 50 : 90, right: small ? 16 : 30, top: 50, bottom: 30 },
      xAxis: axis({ type: "category", data: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"].map(function (m) { return m + "月"; }) }),
      yAxis: axis({ type: "value", max: target !== null ? function (v) { return Math.max(v.max, target) * 1.08; } : null }),
      series: series
    }, true);
  }

  function drawOrders(d) {
    var rows = d.figures.orders.by_county || {}, names = Object.keys(rows), small = narrow();
    chart("c-orders").setOption({
      title: { show: !names.length, text: words.none, left: "center", top: "middle",
               textStyle: { color: C.muted, fontSize: font() + 4, fontWeight: "normal" } },
      color: [C.violet, C.teal],
      tooltip: { trigger: "axis", textStyle: { fontSize: font() } },
      legend: { top: 0, textStyle: { color: C.text, fontSize: font() } },
      grid: { left: small ? 30 : 50, right: 16, top: 50, bottom: small || names.length > 6 ? 70 : 40 },
      xAxis: axis({ type: "category", data: names,
                    axisLabel: { color: C.muted, fontSize: font(), interval: 0,
                                 rotate: small || names.length > 6 ? 30 : 0 } }),
      yAxis: axis({ type: "value", minInterval: 1 }),
      series: [
        { name: words.posted, type: "bar", data: names.map(function (n) { return rows[n].posted; }), barMaxWidth: 34 },
        { name: words.served, type: "bar", data: names.map(function (n) { return rows[n].served; }), barMaxWidth: 34,
          label: { show: !small, position: "top", color: C.text, fontSize: font() } }
      ]
    }, true);
  }

  function fill(listId, items, render) {
    var list = $(listId);
    list.textContent = "";
    if (!items.length) { list.appendChild($("t-empty").content.cloneNode(true)); return; }
    items.forEach(function (item) { list.appendChild(render(item)); });
    // A wall display does not scroll: rows that would be cut off are left out.
    while (list.children.length > 1 && list.scrollHeight > list.clientHeight + 2) {
      list.removeChild(list.lastChild);
    }
  }

  function li(parts) {
    var el = document.createElement("li");
    parts.forEach(function (p) {
      var span = document.createElement("span");
      span.className = p[0];
      span.textContent = p[1];
      el.appendChild(span);
    });
    return el;
  }

  function lists(d) {
    text("alert-count", d.alerts.count);
    fill("alert-list", d.alerts.top, function (a) {
      return li([["sc-tag sc-tag-" + a.kind, a.label], ["sc-what", a.county + " · " + a.project],
                 ["sc-why", a.message]]);
    });
    var r = d.rotations;
    text("rotation-count", r.count);
    fill("rotation-list", r.items, function (x) {
      return li([[x.successor ? "sc-tag sc-tag-ok" : "sc-tag sc-tag-gap", x.successor ? words.successor : words.gap],
                 ["sc-what", x.host], ["sc-why", x.end + " · " + x.days_left + " " + words.days]]);
    });
  }

  function status(message, failed) {
    var el = $("sc-status");
    el.textContent = message;
    el.classList.toggle("sc-failed", !!failed);
  }

  function show(d) {
    last = d;
    kpis(d);
    drawMap(d);
    drawTrend(d);
    drawSales(d);
    drawOrders(d);
    lists(d);
    status(words.updated + " " + d.generated);
  }

  function load() {
    // No redirect following: a session that ran out answers a redirect to the sign-in page,
    // and the whole page is reloaded there instead of parsing a login form as data.
    fetch(root.dataset.url, { credentials: "same-origin", redirect: "manual",
                              headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.type === "opaqueredirect" || r.status === 401 || r.status === 403) {
          window.location.reload();
          throw new Error("signed out");
        }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(show)
      .catch(function () { status(words.failed, true); })
      .then(schedule);
  }

  function schedule() {
    var seconds = Math.max(60, Number(root.dataset.refresh) || 240);
    clearTimeout(timer);
    timer = setTimeout(load, seconds * 1000);
  }

  function clock() {
    var now = new Date();
    text("sc-clock", now.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false,
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }));
  }

  function start() {
    root = $("screen");
    if (!root || !window.echarts) return;
    words = $("i18n").dataset;
    clock();
    setInterval(clock, 15000);
    load();
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
      if (last) show(last);  // label sizes follow the width
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
