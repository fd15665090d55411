// Dialogs filled by htmx (e.g. "New service or provider…" on "New incident"): the dialog
// opens when content is swapped into it, closes on its Cancel button, on Escape (native),
// and when the server says "journal:dialog-done" (then focus goes where it says).
// Without JavaScript the same links open ordinary pages.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = event.detail.target && event.detail.target.closest && event.detail.target.closest("dialog");
    if (dialog && !dialog.open && dialog.querySelector("form")) {
      dialog.showModal();
      var first = dialog.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-close-dialog]");
    if (button) {
      var dialog = button.closest("dialog");
      if (dialog) dialog.close();
    }
  });

  document.addEventListener("close", function (event) {
    if (event.target.tagName === "DIALOG") {
      var body = event.target.querySelector("[id$='-body']");
      if (body) body.replaceChildren();  // opened again, it asks the server for a fresh form
    }
  }, true);

  document.addEventListener("journal:dialog-done", function (event) {
    document.querySelectorAll("dialog[open]").forEach(function (dialog) { dialog.close(); });
    var focus = event.detail && event.detail.focus && document.querySelector(event.detail.focus);
    if (focus) focus.focus();
  });
})();
