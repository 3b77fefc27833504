// The one way every chart script starts an ECharts chart: DuikouCharts.init(el, data) returns
// the chart, or null when there is nothing to draw. The server marks a box whose data is empty
// (templates/includes/chart.html, class "chart-empty", the words 暂无数据 inside); data a page
// narrows in the browser is checked here by the same rule as duikou/lib/charts.py.
(function () {
  var VALUE_KEYS = ["value", "values", "data", "series", "posted", "served", "items"];

  function nonzero(v) {
    if (v === null || v === undefined || typeof v === "boolean") return false;
    if (typeof v === "number") return v !== 0 && !isNaN(v);
    if (typeof v === "string") { var n = Number(v); return v.trim() !== "" && !isNaN(n) && n !== 0; }
    return hasData(v);
  }

  function hasData(data) {
    if (Array.isArray(data)) return data.some(nonzero);
    if (data && typeof data === "object") {
      return VALUE_KEYS.some(function (k) { return k in data && nonzero(data[k]); });
    }
    return nonzero(data);
  }

  function markEmpty(el) {
    var existing = echarts.getInstanceByDom && echarts.getInstanceByDom(el);
    if (existing) existing.dispose();
    el.classList.add("chart-empty");
    el.style.height = "";
    el.textContent = "";
    var note = document.createElement("p");
    note.className = "chart-empty-note";
    note.textContent = el.getAttribute("data-empty-text") || "暂无数据";
    el.appendChild(note);
  }

  // Back from 暂无数据 (a page whose filter brought data back): an empty box to draw in.
  function clearEmpty(el) {
    if (!el.classList.contains("chart-empty")) return;
    el.classList.remove("chart-empty");
    el.textContent = "";
  }

  function init(el, data) {
    if (!el || !window.echarts) return null;
    if (el.classList.contains("chart-empty")) return null;
    if (arguments.length > 1 && !hasData(data)) { markEmpty(el); return null; }
    return echarts.init(el);
  }

  // Resize the charts that were drawn (init's nulls left out) with the window.
  function resizeWith(charts) {
    var drawn = charts.filter(Boolean);
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
    return drawn;
  }

  window.DuikouCharts = { init: init, hasData: hasData, markEmpty: markEmpty, clearEmpty: clearEmpty, resizeWith: resizeWith };
})();
