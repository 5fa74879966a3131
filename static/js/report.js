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

// "Bekräfta raden" goes away once the row is confirmed, and htmx gives focus back only to an
// element with the same id: keyboard users would be left at the top of the page. Focus
// moves to the row's save button instead, which the row's new status describes.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var row = event.detail.elt;
    if (!row || !row.matches || !row.matches("article.report-row")) {
      return;
    }
    if (document.activeElement === document.body || !document.activeElement) {
      var save = document.getElementById(row.id + "-save");
      if (save) {
        save.focus();
      }
    }
  });
})();
