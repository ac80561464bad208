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

// The people picker (discipline.forms.PersonPicker): choosing a result adds the person as a
// hidden input beside their name (one only, unless the picker takes several), × takes
// them off; arrows move between the search box and the results, Escape closes them.
(function () {
  "use strict";
  function pickerOf(element) {
    return element.closest ? element.closest("[data-picker]") : null;
  }
  function options(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll("[data-picker-choose]"));
  }
  function close(picker) {
    picker.querySelector(".picker__results").innerHTML = "";
  }
  function choose(picker, button) {
    var chosen = picker.querySelector(".picker__chosen");
    var name = picker.dataset.name;
    var value = button.dataset.value;
    if (chosen.querySelector('input[value="' + value + '"]')) {
      close(picker);
      return;
    }
    if (!picker.hasAttribute("data-multiple")) {
      chosen.innerHTML = "";
    }
    var item = document.createElement("li");
    item.className = "picker__chip";
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    var label = document.createElement("span");
    label.textContent = button.dataset.label;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "picker__remove";
    remove.setAttribute("data-picker-remove", "");
    remove.setAttribute("aria-label", (chosen.dataset.removeLabel || "×") + " " + button.dataset.label);
    remove.textContent = "×";
    item.appendChild(input);
    item.appendChild(label);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(remove);
    chosen.appendChild(item);
    var search = picker.querySelector('input[type="search"]');
    search.value = "";
    close(picker);
    search.focus();
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var picker = pickerOf(target);
    if (!picker) {
      return;
    }
    var option = target.closest("[data-picker-choose]");
    if (option) {
      choose(picker, option);
      return;
    }
    var remove = target.closest("[data-picker-remove]");
    if (remove) {
      remove.closest("li").remove();
      picker.querySelector('input[type="search"]').focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var picker = pickerOf(target);
    if (!picker) {
      return;
    }
    var list = options(picker);
    var search = picker.querySelector('input[type="search"]');
    var index = list.indexOf(target);
    if (event.key === "Escape") {
      close(picker);
      search.focus();
    } else if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      list[Math.min(index + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      (index === 0 ? search : list[index - 1]).focus();
    } else if (event.key === "Enter" && target === search) {
      event.preventDefault(); // Enter in the search box never sends the whole form
      if (list.length === 1) {
        choose(picker, list[0]);
      }
    }
  });
})();
