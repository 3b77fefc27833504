// Funds page charts: the data comes from the figures module through a json_script block.
// Amounts are 万元 strings with two decimals; ECharts gets numbers.
(function () {
  function num(list) { return list.map(function (v) { return v === null ? null : Number(v); }); }

  function draw() {
    var el = document.getElementById("funds-data");
    if (!el || !window.echarts || !window.DuikouCharts) return;
    var data = JSON.parse(el.textContent);
    var palette = ["#1f5c99", "#2f9e8f", "#e0a030", "#c8553d", "#7a5195", "#58508d", "#8c8c8c", "#4b8bbe"];
    var unit = "万元";
    var charts = [];

    var catEl = document.getElementById("chart-category");
    var narrow = catEl.clientWidth < 480;
    var cat = DuikouCharts.init(catEl, data.by_category);
    if (cat) cat.setOption({
      color: palette,
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + p.value + " " + unit + "（" + p.percent + "%）"; } },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", radius: ["38%", "66%"], center: ["50%", "44%"],
        label: { show: !narrow, formatter: "{b}\n{c}" },
        data: data.by_category.map(function (d) { return { name: d.name, value: Number(d.value) }; })
      }]
    });
    charts.push(cat);

    var county = DuikouCharts.init(document.getElementById("chart-county"), data.by_county);
    var names = data.by_county.names;
    if (county) county.setOption({
      color: ["#1f5c99"],
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " " + unit; } },
      grid: { left: 56, right: 16, top: 40, bottom: 56 },
      xAxis: { type: "category", data: names,
               axisLabel: { interval: 0, rotate: names.length > 5 || narrow ? 30 : 0 } },
      yAxis: { type: "value", name: unit },
      series: [{ type: "bar", data: num(data.by_county.values), barMaxWidth: 56,
                 label: { show: !narrow, position: "top" } }]
    });
    charts.push(county);

    var monthly = DuikouCharts.init(document.getElementById("chart-monthly"), data.monthly);
    if (monthly) monthly.setOption({
      color: ["#1f5c99", "#2f9e8f", "#e0a030"],
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " " + unit; } },
      legend: { bottom: 0 },
      grid: { left: 64, right: 16, top: 40, bottom: 56 },
      xAxis: { type: "category", data: data.monthly.months, boundaryGap: false },
      yAxis: { type: "value", name: unit },
      series: data.monthly.series.map(function (s) {
        return { name: s.name, type: "line", data: num(s.data), symbolSize: 6 };
      })
    });
    charts.push(monthly);

    DuikouCharts.resizeWith(charts);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
