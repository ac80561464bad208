// Org chart: "expand all" / "collapse all" for the <details> tree. Without JavaScript
// the buttons stay hidden and each branch still opens and closes on its own.
(function () {
  "use strict";
  document.querySelectorAll("[data-tree-actions]").forEach(function (bar) {
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tree-toggle]");
      if (!button) {
        return;
      }
      var open = button.dataset.treeToggle === "open";
      document.querySelectorAll("#org-tree details").forEach(function (details) {
        details.open = open;
      });
    });
  });
})();
