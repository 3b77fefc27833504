// Consumption-aid statistics charts: the data comes from the figures module through a
// json_script block. Amounts are 万元 strings exact to the 分; ECharts gets numbers.
(function () {
  function num(list) { return list.map(function (v) { return v === null ? null : Number(v); }); }

  function draw() {
    var el = document.getElementById("sales-data");
    if (!el || !window.echarts || !window.DuikouCharts) return;
    var data = JSON.parse(el.textContent);
    var palette = ["#1f5c99", "#2f9e8f", "#e0a030", "#c8553d", "#7a5195", "#8c8c8c"];
    var unit = "万元";
    var charts = [];
    var monthlyEl = document.getElementById("chart-monthly");
    var narrow = monthlyEl.clientWidth < 480;

    var monthly = DuikouCharts.init(monthlyEl, data.by_month);
    if (monthly) monthly.setOption({
      color: palette,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " " + unit; } },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 64, right: 16, top: 40, bottom: 56 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: unit },
      series: data.by_month.map(function (s) {
        return { name: s.name, type: "bar", stack: "kind", data: num(s.data), barMaxWidth: 40 };
      })
    });
    charts.push(monthly);

    var product = DuikouCharts.init(document.getElementById("chart-product"), data.by_product);
    if (product) product.setOption({
      color: ["#2f9e8f"],
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " " + unit; } },
      grid: { left: 110, right: 24, top: 16, bottom: 32 },
      xAxis: { type: "value", name: unit },
      yAxis: { type: "category", data: data.by_product.names.slice().reverse(),
               axisLabel: { width: 100, overflow: "truncate" } },
      series: [{ type: "bar", data: num(data.by_product.values.slice().reverse()), barMaxWidth: 24 }]
    });
    charts.push(product);

    var city = DuikouCharts.init(document.getElementById("chart-city"), data.by_city);
    if (city) city.setOption({
      color: palette,
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + p.value + " " + unit + "（" + p.percent + "%）"; } },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", radius: ["38%", "66%"], center: ["50%", "44%"],
        label: { show: !narrow, formatter: "{b}" },
        data: data.by_city.map(function (d) { return { name: d.name, value: Number(d.value) }; })
      }]
    });
    charts.push(city);

    DuikouCharts.resizeWith(charts);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
