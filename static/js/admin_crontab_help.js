/* django-celery-beat's periodic task form: under the crontab's help text, how the chosen
 * crontab reads. A static file instead of the package's inline script (the CSP forbids
 * inline script).
 */
(function () {
  "use strict";

  function init() {
    var data = document.getElementById("readable-crontabs");
    var select = document.getElementById("id_crontab");
    var help = document.querySelector(".field-crontab .help");
    if (!data || !select || !help) {
      return;
    }
    var readable = JSON.parse(data.textContent || "{}");
    var original = help.textContent;
    var translation = document.querySelector(".field-crontab_translation");
    if (translation) {
      translation.hidden = true;
    }
    select.addEventListener("change", function () {
      var reading = readable[select.value];
      help.textContent = reading ? original + " (" + reading + ")" : original;
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
