// Orders statistics charts: posted vs served by county and by skill. The data (and the link of
// each bar to the filtered demand list) comes from the figures module through json_script.
(function () {
  function bars(el, data, labels, narrow) {
    var chart = DuikouCharts.init(el, data);
    if (!chart) return null;
    var many = data.names.length > 6;
    // On a phone a long list of names reads better as horizontal bars.
    var horizontal = narrow && many;
    var names = { type: "category", data: data.names, inverse: horizontal,
                  axisLabel: { interval: 0, rotate: horizontal || !many ? 0 : 40 } };
    var values = { type: "value", minInterval: 1 };
    if (horizontal) el.style.height = Math.max(320, 40 + data.names.length * 34) + "px";
    chart.setOption({
      color: ["#1f5c99", "#2f9e8f"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: horizontal ? { left: 8, right: 16, top: 36, bottom: 8, containLabel: true }
                       : { left: 40, right: 12, top: 36, bottom: many ? 84 : 40 },
      xAxis: horizontal ? values : names,
      yAxis: horizontal ? names : values,
      series: [
        { name: labels.posted, type: "bar", data: data.posted, barMaxWidth: 28,
          label: { show: !narrow || horizontal, position: horizontal ? "right" : "top" } },
        { name: labels.served, type: "bar", data: data.served, barMaxWidth: 28,
          label: { show: !narrow || horizontal, position: horizontal ? "right" : "top" } }
      ]
    });
    chart.resize();
    chart.on("click", function (p) {
      var url = data.links[p.dataIndex];
      if (url) window.location.href = url;
    });
    return chart;
  }

  function draw() {
    var el = document.getElementById("orders-stats-data");
    if (!el || !window.echarts || !window.DuikouCharts) return;
    var data = JSON.parse(el.textContent);
    var county = document.getElementById("chart-county");
    var narrow = county.clientWidth < 480;
    var charts = [bars(county, data.county, data.labels, narrow),
                  bars(document.getElementById("chart-skill"), data.skill, data.labels, narrow)];
    DuikouCharts.resizeWith(charts);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
