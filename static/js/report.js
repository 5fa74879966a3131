// The report page: a field that applies to one status only ("Skäl till Ej aktuell") is
// hidden until that status is chosen. Without this script the field is always shown, its
// help text saying when it applies. Rows swapped in by htmx are handled too: the change
// listener sits on the document, and htmx:load fires for every swapped-in element.
(function () {
  "use strict";

  function progressOf(container) {
    var form = container.closest("form");
    return form ? form.querySelector("select[name$='-progress']") : null;
  }

  function sync(container) {
    var select = progressOf(container);
    if (select) {
      container.hidden = select.value !== container.dataset.shownForProgress;
    }
  }

  function syncWithin(root) {
    if (root.matches && root.matches("[data-shown-for-progress]")) {
      sync(root);
    }
    root.querySelectorAll("[data-shown-for-progress]").forEach(sync);
  }

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[name$='-progress']") && select.form) {
      select.form.querySelectorAll("[data-shown-for-progress]").forEach(sync);
    }
  });
  document.addEventListener("htmx:load", function (event) {
    syncWithin(event.target);
  });
  syncWithin(document);
})();
