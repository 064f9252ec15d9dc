/* OSO Portal: date fields typed as dd-mm-jjjj, with the browser's own calendar to pick from.
 *
 * Each <input type="text" data-date-input> (common/dates.py) gets a calendar button
 * and a native <input type="date"> that is never shown itself: the button opens its
 * picker, and the date picked is written into the text field as dd-mm-jjjj. The text
 * field is what the form sends, so typing works the same with or without this file.
 * No inline script anywhere: the Content Security Policy forbids it.
 */
(function () {
  "use strict";

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  // "20-03-2021", "20/3/2021", "20.03.2021" or "2021-03-20" -> "2021-03-20"; else "".
  function toIso(text) {
    var value = (text || "").trim();
    var match = /^(\d{1,2})[-\/.](\d{1,2})[-\/.](\d{4})$/.exec(value);
    var year, month, day;
    if (match) {
      day = +match[1]; month = +match[2]; year = +match[3];
    } else {
      match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
      if (!match) {
        return "";
      }
      year = +match[1]; month = +match[2]; day = +match[3];
    }
    var date = new Date(year, month - 1, day);
    if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) {
      return "";
    }
    return year + "-" + pad(month) + "-" + pad(day);
  }

  function toDayFirst(iso) {
    var parts = (iso || "").split("-");
    return parts.length === 3 ? parts[2] + "-" + parts[1] + "-" + parts[0] : "";
  }

  function enhance(input) {
    if (input.hasAttribute("data-date-input-ready")) {
      return;
    }
    input.setAttribute("data-date-input-ready", "");
    var wrapper = document.createElement("span");
    wrapper.className = "date-input";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var native = document.createElement("input");
    native.type = "date";
    native.className = "date-input__native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    if (input.min) { native.min = toIso(input.min); }
    if (input.max) { native.max = toIso(input.max); }

    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-input__button";
    var label = input.getAttribute("data-picker-label") || "Kies een datum";
    button.setAttribute("aria-label", label);
    button.title = label;
    wrapper.appendChild(button);
    wrapper.appendChild(native);

    button.addEventListener("click", function () {
      native.value = toIso(input.value);
      if (typeof native.showPicker === "function") {
        try {
          native.showPicker();
          return;
        } catch (error) {
          // Not allowed here (an old browser, a frame): fall back to focusing it.
        }
      }
      native.focus();
      native.click();
    });

    native.addEventListener("change", function () {
      if (!native.value) {
        return;
      }
      input.value = toDayFirst(native.value);
      // Listeners of the text field (e.g. "Mutaties vanaf" choosing its radio) see it too.
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  }

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("input[data-date-input]"), enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function () { init(document); });
})();
