// People list: an ID number typed into the text search never leaves the page by GET (it would
// land in the URL, the browser history and the server's access log). It is moved to the
// POST lookup form instead.
(function () {
  function looksLikeId(value) {
    // Six digits in a row already start an ID number (its address code); names never do.
    return /\d{6}/.test(value.replace(/[\s\u3000]/g, ""));
  }

  function init() {
    var filters = document.getElementById("people-filters");
    var lookup = document.getElementById("id-lookup");
    var hint = document.getElementById("id-hint");
    if (!filters) return;
    var q = filters.querySelector("input[name=q]");
    function guard(event) {
      if (q && looksLikeId(q.value)) {
        event.preventDefault();
        if (hint) hint.hidden = false;
        if (lookup) {
          var target = lookup.querySelector("input[name=id_number]");
          target.value = q.value.trim();
          q.value = "";
          target.focus();
        }
        return false;
      }
      if (hint) hint.hidden = true;
      return true;
    }
    // htmx asks before every request; a run of digits is stopped here.
    filters.addEventListener("htmx:confirm", function (event) {
      if (q && looksLikeId(q.value)) guard(event);
    });
    filters.addEventListener("submit", guard);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
