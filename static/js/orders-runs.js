// Planning runs: the quick period buttons of the list's form; on the run page the calendar's
// view tabs, its width (days), the detail line a tapped bar shows, and the manual edits'
// expert lists regrouped for the chosen demand's skill (a static file: the
// Content-Security-Policy allows no inline script).
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
      document.querySelectorAll("#plan-calendar .timeline-box").forEach(function (t) {
        t.hidden = t.dataset.view !== b.dataset.view;
      });
    });
  });

  // A day gets at least --day-px pixels: a long period scrolls sideways inside its box
  // instead of squeezing its bars into slivers.
  document.querySelectorAll("#plan-calendar .timeline[data-days]").forEach(function (t) {
    t.style.setProperty("--days", t.dataset.days);
  });

  var detail = document.getElementById("cal-detail");
  function show(bar) {
    if (!detail || !bar.title) return;
    detail.textContent = bar.title;
    detail.classList.remove("muted");
    document.querySelectorAll("#plan-calendar .bar.picked").forEach(function (o) {
      o.classList.remove("picked");
    });
    bar.classList.add("picked");
  }
  document.querySelectorAll("#plan-calendar .bar[tabindex]").forEach(function (bar) {
    bar.addEventListener("click", function () { show(bar); });
    bar.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        show(bar);
      }
    });
  });

  // Manual edits: the experts who have the chosen demand's skill first, the others marked.
  function regroup(demandSelect, expertSelect) {
    var chosen = demandSelect.options[demandSelect.selectedIndex];
    var skill = chosen ? chosen.dataset.skill : "";
    var keep = expertSelect.value;
    var options = Array.prototype.slice.call(expertSelect.querySelectorAll("option[data-skills]"));
    var match = [], other = [];
    options.forEach(function (o) {
      var has = o.dataset.skills.split("|").indexOf(skill) !== -1;
      o.textContent = o.dataset.label + (has ? "" : expertSelect.dataset.mark);
      (has ? match : other).push(o);
    });
    expertSelect.querySelectorAll("optgroup").forEach(function (g) { g.remove(); });
    [[match, expertSelect.dataset.groupMatch], [other, expertSelect.dataset.groupOther]].forEach(
      function (pair) {
        if (!pair[0].length) return;
        var g = document.createElement("optgroup");
        g.label = pair[1];
        pair[0].forEach(function (o) { g.appendChild(o); });
        expertSelect.appendChild(g);
      }
    );
    // keep the choice when it suits the new demand (or is “unchanged”), else the first expert
    // with the skill
    var kept = keep === "" ? !expertSelect.required : match.some(function (o) { return o.value === keep; });
    if (kept) expertSelect.value = keep;
    else if (match.length) expertSelect.value = match[0].value;
    else expertSelect.selectedIndex = 0;
  }
  document.querySelectorAll("#plan-edit form").forEach(function (f) {
    var demand = f.querySelector("select[data-skill-source]");
    var expert = f.querySelector("select[data-expert-choice]");
    if (!demand || !expert) return;
    demand.addEventListener("change", function () { regroup(demand, expert); });
  });
})();
