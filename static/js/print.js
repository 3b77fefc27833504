// The print header (includes/print_header.html): the page's title, and the time the page is
// printed in Beijing time (the server's time of the page is there without script).
(function () {
  "use strict";
  function pad(n) { return String(n).padStart(2, "0"); }
  function beijingNow() {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + pad(parts.hour) + ":" + parts.minute;
  }
  function fill() {
    var title = document.querySelector("[data-print-title]");
    if (title && document.title) { title.textContent = document.title; }
    var time = document.querySelector("[data-print-time]");
    if (time) {
      try { time.textContent = beijingNow(); } catch (e) { /* keep the server's time */ }
    }
  }
  document.addEventListener("DOMContentLoaded", fill);
  window.addEventListener("beforeprint", fill);
})();
