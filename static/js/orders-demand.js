// The demand form's preferred-experts picker (orders/_expert_picker.html): the search box
// filters the checkbox list by name, specialty or organisation; the line beside it names the
// experts checked. Delegated from the document: htmx swaps the picker when the skill changes.
(function () {
  function norm(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function filter(picker) {
    var q = norm(picker.querySelector(".picker-search").value);
    var shown = 0;
    picker.querySelectorAll(".picker-group").forEach(function (group) {
      var inGroup = 0;
      group.querySelectorAll(".picker-item").forEach(function (item) {
        var hit = !q || norm(item.dataset.search).indexOf(q) !== -1 || item.querySelector("input").checked;
        item.hidden = !hit;
        if (hit) inGroup += 1;
      });
      group.hidden = inGroup === 0;
      shown += inGroup;
    });
    var none = picker.querySelector(".picker-none");
    if (none) none.hidden = shown > 0;
  }

  function count(picker) {
    var out = picker.querySelector(".picker-count");
    var names = [];
    picker.querySelectorAll(".picker-item input:checked").forEach(function (box) {
      var name = box.parentNode.querySelector(".picker-name").textContent;
      if (names.indexOf(name) === -1) names.push(name);
    });
    out.textContent = names.length ? out.dataset.prefix + names.join("、") : out.dataset.empty;
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches && el.matches(".picker-search")) filter(el.closest("[data-picker]"));
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches(".picker-item input")) count(el.closest("[data-picker]"));
  });
  // Enter in the search box filters; it does not submit the demand.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el.matches && el.matches(".picker-search")) {
      event.preventDefault();
      filter(el.closest("[data-picker]"));
    }
  });
})();
