// Planning runs: the quick period buttons of the list's form and the calendar's view tabs on
// the run page (a static file: the Content-Security-Policy allows no inline script).
(function () {
  var form = document.getElementById("run-form");
  document.querySelectorAll("#run-form .quick").forEach(function (b) {
    b.addEventListener("click", function () {
      form.elements["period_start"].value = b.dataset.start;
      form.elements["period_end"].value = b.dataset.end;
      form.elements["period_end"].dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  document.querySelectorAll("#plan-calendar .cal-tab").forEach(function (b) {
    b.addEventListener("click", function () {
      document.querySelectorAll("#plan-calendar .cal-tab").forEach(function (o) {
        var on = o === b;
        o.setAttribute("aria-pressed", on ? "true" : "false");
        o.classList.toggle("outline", !on);
      });
      document.querySelectorAll("#plan-calendar .timeline").forEach(function (t) {
        t.hidden = t.dataset.view !== b.dataset.view;
      });
    });
  });
})();
