// Tells the person when a partial page update fails, instead of leaving the page silently
// unchanged: a server error, a refusal, or no network (common on office connections).
(function () {
  "use strict";
  var notice = document.getElementById("htmx-error");
  if (!notice) {
    return;
  }
  function show(text) {
    notice.textContent = text;
    notice.hidden = false;
  }
  document.body.addEventListener("htmx:beforeRequest", function () {
    notice.hidden = true;
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    show(status === 403 || status === 404 ? notice.dataset.refused : notice.dataset.failed);
  });
  document.body.addEventListener("htmx:sendError", function () {
    show(notice.dataset.offline);
  });
})();
