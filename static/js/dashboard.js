// Dashboard charts: data comes from the figures module through a json_script block; a chart
// with nothing to draw says 暂无数据 (static/js/charts.js).
(function () {
  function draw() {
    var el = document.getElementById("chart-data");
    var kindEl = document.getElementById("chart-kind");
    if (!el || !kindEl || !window.echarts || !window.DuikouCharts) return;
    var data = JSON.parse(el.textContent);
    var palette = ["#1f5c99", "#2f9e8f", "#e0a030", "#c8553d", "#7a5195", "#58508d", "#8c8c8c"];
    var narrow = kindEl.clientWidth < 480;

    var kind = DuikouCharts.init(kindEl, data.pairings_by_kind);
    if (kind) kind.setOption({
      color: palette,
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", radius: ["38%", "68%"], center: ["50%", "45%"],
        label: { show: !narrow, formatter: "{b}\n{c}" },
        data: data.pairings_by_kind
      }]
    });

    var div = DuikouCharts.init(document.getElementById("chart-division"), data.pairings_by_division);
    if (div) div.setOption({
      color: ["#1f5c99"],
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: data.pairings_by_division.names,
               axisLabel: { interval: 0, rotate: data.pairings_by_division.names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.pairings_by_division.values, label: { show: true, position: "top" } }]
    });
    DuikouCharts.resizeWith([kind, div]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
