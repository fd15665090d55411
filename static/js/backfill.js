// Keyboard for backfilling events (journal/backfill.py): Ctrl+Enter (⌘+Enter on a Mac)
// submits the event form the focus is in; Escape cancels it: an edit form follows its Cancel
// link, the add form goes back to what it offered (the previous event's day, no time).
// Without this file the form works the same with the mouse.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest("form[data-backfill]");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var submit = form.querySelector("button.primary[type=submit]");
      if (form.requestSubmit) form.requestSubmit(submit || undefined);
      else if (submit) submit.click();
    } else if (event.key === "Escape") {
      event.preventDefault();
      var cancel = form.querySelector(".buttons a[hx-get], .buttons a[href]");
      if (cancel) cancel.click();
      else form.reset();
    }
  });
})();
