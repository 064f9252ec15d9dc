/* OSO Portal: a search box of a GET form (the admin's changelist search, the overview's
 * name search) sends its text in the URL, so a BSN typed there would end up in the
 * address bar, the browser history and the server's logs. This stops such a search
 * before it is sent and says why; the server refuses it as well (oso_portal/admin_search.py,
 * requests/filters.py) for a browser without this script. A guarded form is the admin's
 * #changelist-search, or any form that carries the message in data-no-bsn-search.
 */
(function () {
  "use strict";

  var CANDIDATE = /(^|\D)(\d{9}|\d{4}\.\d{2}\.\d{3})(?!\d)/g;

  // The eleven test as students/validators.py does it: weights 9..2 and -1, modulo 11.
  function remainder(digits) {
    var sum = 0;
    for (var i = 0; i < 8; i += 1) {
      sum += Number(digits[i]) * (9 - i);
    }
    sum -= Number(digits[8]);
    return ((sum % 11) + 11) % 11;
  }

  function holdsIdentifier(text) {
    var match;
    CANDIDATE.lastIndex = 0;
    while ((match = CANDIDATE.exec(text)) !== null) {
      var digits = match[2].replace(/\./g, "");
      // A BSN (remainder 0), or an education number (starts with 10, remainder 5).
      var rest = remainder(digits);
      if ((rest === 0 && digits !== "000000000") || (digits.indexOf("10") === 0 && rest === 5)) {
        return true;
      }
    }
    return false;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || (form.id !== "changelist-search" && !form.hasAttribute("data-no-bsn-search"))) {
      return;
    }
    var input = form.querySelector('input[name="q"]');
    if (!input || !holdsIdentifier(input.value)) {
      return;
    }
    event.preventDefault();
    var holder = form.closest("[data-no-bsn-search]");
    var note = form.querySelector("[data-no-bsn-search-note]");
    if (!note) {
      note = document.createElement("p");
      note.setAttribute("data-no-bsn-search-note", "");
      note.setAttribute("role", "alert");
      note.className = form.id === "changelist-search" ? "errornote" : "errorlist";
      form.appendChild(note);
    }
    note.textContent = holder ? holder.getAttribute("data-no-bsn-search") : "";
    input.value = "";
  });
})();
