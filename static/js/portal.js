/* OSO Portal: small progressive enhancements, wired through data- attributes.
 * No inline script anywhere, so a Content Security Policy without
 * 'unsafe-inline' holds. Every page works without this file; it only makes
 * selecting rows quicker.
 */
(function () {
  "use strict";

  function rows(form, name) {
    return Array.prototype.slice.call(
      form.querySelectorAll('input[type="checkbox"][data-select-row="' + name + '"]')
    );
  }

  function updateSelectionState(form) {
    var header = form.querySelector("input[data-select-page]");
    var allResults = form.querySelector("input[data-select-all-results]");
    var counter = form.querySelector("[data-selection-count]");
    var name = header ? header.getAttribute("data-select-page") : null;
    if (!name && allResults) {
      name = allResults.getAttribute("data-select-all-results");
    }
    if (!name) {
      return;
    }
    var boxes = rows(form, name);
    var checked = boxes.filter(function (box) { return box.checked; }).length;
    if (header) {
      header.checked = boxes.length > 0 && checked === boxes.length;
      header.indeterminate = checked > 0 && checked < boxes.length;
    }
    if (counter) {
      var template = counter.getAttribute("data-template") || "{n}";
      if (allResults && allResults.checked) {
        counter.textContent = counter.getAttribute("data-all-text") || "";
      } else {
        counter.textContent = checked ? template.replace("{n}", String(checked)) : "";
      }
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.form;
    if (!form || !form.hasAttribute("data-selection-form")) {
      return;
    }
    var allResults = form.querySelector("input[data-select-all-results]");
    if (target.hasAttribute("data-select-page")) {
      var name = target.getAttribute("data-select-page");
      rows(form, name).forEach(function (box) { box.checked = target.checked; });
      if (!target.checked && allResults) {
        allResults.checked = false;
      }
    } else if (target.hasAttribute("data-select-all-results")) {
      rows(form, target.getAttribute("data-select-all-results")).forEach(function (box) {
        box.checked = target.checked;
      });
    } else if (target.hasAttribute("data-select-row") && !target.checked && allResults) {
      allResults.checked = false;
    }
    updateSelectionState(form);
  });

  // "Mutaties vanaf": choosing a date means that kind of request.
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.hasAttribute && target.hasAttribute("data-changed-since") && target.value) {
      var radio = target.form && target.form.querySelector('input[name="mode"][value="changes_since"]');
      if (radio) {
        radio.checked = true;
      }
    }
  });

  function hasSelection(form, name) {
    var allResults = form.querySelector("input[data-select-all-results]");
    if (allResults && allResults.checked) {
      return true;
    }
    return rows(form, name).some(function (box) { return box.checked; });
  }

  // Buttons that delete ask first; with nothing selected there is nothing to confirm,
  // so the form goes straight on and the page says to select a row first.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (!button) {
      return;
    }
    var needs = button.getAttribute("data-confirm-needs-selection");
    if (needs && button.form && !hasSelection(button.form, needs)) {
      return;
    }
    if (!window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // The print view's button (no inline script: the CSP forbids it).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      window.print();
    }
  });

  // The user menu in the header closes on a click elsewhere and on Escape.
  document.addEventListener("click", function (event) {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-user-menu][open]"), function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("details[data-user-menu][open]"), function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-selection-form]"), function (form) {
      // A selection kept after a refused action: every result, so every row shown.
      var allResults = form.querySelector("input[data-select-all-results]");
      if (allResults && allResults.checked) {
        rows(form, allResults.getAttribute("data-select-all-results")).forEach(function (box) {
          box.checked = true;
        });
      }
      updateSelectionState(form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // The requests table is swapped in by htmx when a batch finishes.
  document.addEventListener("htmx:afterSettle", function () { init(document); });
})();
