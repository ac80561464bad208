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

// "Chọn tất cả": a checkbox with data-select-all="<name>" ticks or clears every checkbox
// of that name tied to its form (the bulk actions of the scoring page).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!all.matches || !all.matches("input[data-select-all]")) {
      return;
    }
    var selector = 'input[type="checkbox"][name="' + all.dataset.selectAll + '"]';
    var form = all.form ? all.form.id : "";
    document.querySelectorAll(selector).forEach(function (box) {
      if (!form || box.getAttribute("form") === form || box.form === all.form) {
        box.checked = all.checked;
      }
    });
  });
})();
