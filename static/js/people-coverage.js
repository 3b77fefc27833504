// Rotation coverage: one row per host department, one bar per posting (ECharts custom series on
// a time axis). Data comes from the view through the json_script block "coverage-data".
(function () {
  var chart = null;

  function fmt(ms) {
    var d = new Date(ms);
    var m = d.getUTCMonth() + 1, day = d.getUTCDate();
    return d.getUTCFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (day < 10 ? "0" : "") + day;
  }

  function escape(text) {
    return String(text == null ? "" : text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  function draw(showAll) {
    var el = document.getElementById("coverage-data");
    var box = document.getElementById("coverage-chart");
    if (!el || !box || !window.echarts || !window.DuikouCharts) return;
    var data = JSON.parse(el.textContent);
    var covered = {};
    data.covered.forEach(function (id) { covered[id] = true; });
    var rows = data.rows.filter(function (r) { return showAll || covered[r.id]; });
    if (!rows.length) rows = data.rows.slice(0, 1);
    var index = {};
    rows.forEach(function (r, i) { index[r.id] = i; });
    var items = data.items.filter(function (it) { return index[it.row] !== undefined; });
    if (chart) { chart.dispose(); chart = null; }
    if (!items.length) { DuikouCharts.markEmpty(box); return; }
    DuikouCharts.clearEmpty(box);
    var narrow = box.clientWidth < 560;
    var maxLanes = 1;
    items.forEach(function (it) { if (it.lanes > maxLanes) maxLanes = it.lanes; });
    // Rows grow with the number of overlapping postings so each bar stays readable.
    var rowHeight = Math.max(narrow ? 28 : 32, Math.min(72, 13 * maxLanes + 10));
    box.style.height = Math.max(200, rows.length * rowHeight + 90) + "px";
    chart = DuikouCharts.init(box);

    var start = data.min;
    if (narrow) {
      // On a phone show the last year and a half and what is ahead; the slider reaches the rest.
      start = Math.max(data.min, data.today - 540 * 864e5);
    }

    chart.setOption({
      animation: false,
      grid: { left: narrow ? 8 : 16, right: 16, top: 12, bottom: 56, containLabel: true },
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (p) {
          var it = items[p.dataIndex];
          if (!it) return "";
          var lines = ["<b>" + escape(it.name) + "</b> · " + escape(it.kind), escape(it.period)];
          if (it.role) lines.push(escape(data.labels.role) + "：" + escape(it.role));
          lines.push(escape(data.labels.sending) + "：" + escape(it.sending));
          if (it.gap) lines.push('<span class="tip-gap">⚠ ' + escape(data.labels.gap) + "</span>");
          return lines.join("<br>");
        }
      },
      dataZoom: [
        // weakFilter: a posting that started before the window still shows its visible part.
        { type: "slider", xAxisIndex: 0, filterMode: "weakFilter", startValue: start, endValue: data.max,
          height: 18, bottom: 8,
          labelFormatter: function (v) { return fmt(v).slice(0, 7); } },
        { type: "inside", xAxisIndex: 0, filterMode: "weakFilter", zoomOnMouseWheel: "shift" }
      ],
      xAxis: {
        type: "time", min: data.min, max: data.max, position: "top",
        splitLine: { show: true, lineStyle: { color: "#eef1f5" } },
        axisLabel: { hideOverlap: true, formatter: { year: "{yyyy}", month: "{M}月", day: "{M}-{d}" } }
      },
      yAxis: {
        type: "category", inverse: true,
        data: rows.map(function (r) { return r.label; }),
        axisTick: { show: false },
        axisLabel: {
          width: narrow ? 72 : 140, overflow: "truncate",
          color: function (value, i) { return rows[i] && rows[i].gap ? "#c0392b" : "#334"; },
          formatter: function (value, i) { return (rows[i] && rows[i].gap ? "⚠ " : "") + value; }
        },
        splitLine: { show: true, lineStyle: { color: "#f1f4f8" } }
      },
      series: [{
        type: "custom",
        encode: { x: [1, 2], y: 0 },
        data: items.map(function (it, i) { return [index[it.row], it.start, it.end, it.lane, it.lanes, i]; }),
        renderItem: function (params, api) {
          var it = items[api.value(5)];
          var a = api.coord([api.value(1), api.value(0)]);
          var b = api.coord([api.value(2), api.value(0)]);
          var band = api.size([0, 1])[1] * 0.8;
          var lanes = api.value(4), lane = api.value(3);
          var h = Math.max(3, band / lanes - 1);
          var y = a[1] - band / 2 + lane * (band / lanes);
          var shape = echarts.graphic.clipRectByRect(
            { x: a[0], y: y, width: Math.max(2, b[0] - a[0]), height: h },
            { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height }
          );
          if (!shape) return null;
          var children = [{
            type: "rect", shape: shape,
            style: {
              fill: it.colour, opacity: it.open ? 0.65 : 0.92,
              stroke: it.gap ? "#c0392b" : (it.leaving ? "#b7791f" : null), lineWidth: it.gap ? 2.5 : 1.5
            }
          }];
          if (shape.width > 40 && h >= 10) {
            children.push({
              type: "text",
              style: {
                text: (it.gap ? "⚠ " : "") + it.name, x: shape.x + 4, y: y + h / 2,
                verticalAlign: "middle", fill: "#fff", font: (h >= 13 ? 12 : 10) + "px sans-serif",
                width: shape.width - 8, overflow: "truncate"
              },
              silent: true
            });
          }
          return { type: "group", children: children };
        },
        markLine: {
          silent: true, symbol: "none",
          lineStyle: { color: "#c0392b", type: "dashed" },
          label: { formatter: data.labels.today, position: "insideEndTop", color: "#c0392b" },
          data: [{ xAxis: data.today }]
        }
      }]
    });
    chart.on("click", function (p) {
      var it = items[p.dataIndex];
      if (it && it.url) window.location.href = it.url;
    });
  }

  function init() {
    var toggle = document.getElementById("show-all-rows");
    draw(toggle && toggle.checked);
    if (toggle) toggle.addEventListener("change", function () { draw(toggle.checked); });
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { if (chart) chart.resize(); }, 150);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
