// The top bar's to-do count and bell (templates/includes/topbar_notices.html): fetched once the
// page is there, so no page waits for the to-do providers' queries. Not an hx-trigger="load"
// attribute: pages and their tests tell polling by the hx-trigger attribute.
document.addEventListener("DOMContentLoaded", function () {
  var slot = document.getElementById("topbar-notices");
  if (!slot || !slot.dataset.noticesSrc || !window.htmx) {
    return;
  }
  window.htmx.ajax("GET", slot.dataset.noticesSrc, { target: slot, swap: "innerHTML" });
});
