// Behaviour the pages declare with data attributes, so that no page needs inline script or
// inline style (the Content-Security-Policy allows neither):
//   <select data-autosubmit>        submits its form when changed
//   <form data-confirm="question">  asks before submitting
//   data-left / data-width="12.5"   an element's left / width in percent (the run calendar)
//   data-colour="#abc"              an element's background (chart legends)
// Delegated from the document, so content htmx swaps in later behaves the same.
(function () {
  // A fragment request that the server sent to the sign-in or the forced password change (the
  // session ended, a password to change) would swap a whole page into a corner of this one:
  // go to that page instead.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var paths = (document.body.dataset.signinPaths || "").split(" ");
    if (!xhr || !xhr.responseURL) return;
    var to = new URL(xhr.responseURL);
    if (paths.indexOf(to.pathname) >= 0) {
      event.detail.shouldSwap = false;
      if (window.location.pathname !== to.pathname) window.location.assign(to.href);
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit();
      else el.form.submit();
    }
  });

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target.closest && event.target.closest("form[data-confirm]");
      if (form && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // Styles set through the CSSOM (element.style), which the policy allows, unlike a style
  // attribute in the HTML.
  function place(root) {
    root.querySelectorAll("[data-left],[data-width],[data-colour]").forEach(function (el) {
      if (el.dataset.left) el.style.left = el.dataset.left + "%";
      if (el.dataset.width) el.style.width = el.dataset.width + "%";
      if (el.dataset.colour) el.style.background = el.dataset.colour;
    });
  }
  function init() {
    place(document);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      place(event.target);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
