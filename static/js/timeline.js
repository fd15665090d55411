// The incident page's timeline with htmx (the page works without this file):
// - tells the server which row the timeline starts with, so a changed row is put in its place;
// - moves focus into an inline form when it opens, and to the row (or section) the server
//   names after a save, delete, add or cancel ("journal:focus", in HX-Trigger-After-Settle);
// - Escape cancels an inline edit;
// - a row's log context lines are loaded when its "with its neighbours" is opened;
// - the "Add event" button (sticky on phones) moves focus into the add form.
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]), select, textarea";

  function rowsList() {
    return document.getElementById("timeline-rows");
  }

  function focusOn(element) {
    if (!element) return;
    if (!element.matches("a, button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  // The first row shown, other than the one being changed (its id goes in X-Timeline-First).
  document.addEventListener("htmx:configRequest", function (evt) {
    var list = rowsList();
    if (!list) return;
    var trigger = evt.detail.triggeringEvent;
    var source = (trigger && trigger.submitter) || evt.detail.elt;
    var own = source && source.closest ? source.closest("li.event") : null;
    var rows = list.querySelectorAll(":scope > li.event");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i] !== own) {
        evt.detail.headers["X-Timeline-First"] = rows[i].id.replace("event-", "");
        return;
      }
    }
  });

  // An inline form just opened in a row, or came back with errors: focus its first field
  // (the first one with an error, if any).
  document.addEventListener("htmx:afterSettle", function (evt) {
    var target = evt.detail.target;
    if (!target || !target.closest) return;
    var form = target.matches("form.evidence-form") ? target : target.querySelector("form.evidence-form");
    if (!form || !form.closest("li.event, article.notice, article.contact, article.log, #add-event-slot")) return;
    if (form.closest("#add-event-slot") && !form.querySelector(".errorlist")) return;
    focusOn(form.querySelector("[aria-invalid=true]") || form.querySelector(FIELDS));
  });

  document.addEventListener("journal:focus", function (evt) {
    var id = evt.detail && evt.detail.id;
    if (id) focusOn(document.getElementById(id));
  });

  // Escape in an inline edit: its Cancel link puts the row back (and focus on it).
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape" || !evt.target.closest) return;
    var form = evt.target.closest("li.event form.evidence-form");
    var cancel = form && form.querySelector("a[data-cancel]");
    if (cancel) {
      evt.preventDefault();
      cancel.click();
    }
  });

  // Log context lines, fetched the first time a row's details are opened.
  document.addEventListener(
    "toggle",
    function (evt) {
      var details = evt.target;
      if (!details.matches || !details.matches("li.event details.context") || !details.open) return;
      var list = rowsList();
      var row = details.closest("li.event");
      if (details.dataset.loaded || !list || !list.dataset.eventsUrl || !window.htmx) return;
      details.dataset.loaded = "1";
      var url = list.dataset.eventsUrl + row.id.replace("event-", "") + "/context/";
      window.htmx.ajax("GET", url, { target: details.querySelector(".lines"), swap: "innerHTML" });
    },
    true
  );

  document.addEventListener("click", function (evt) {
    var jump = evt.target.closest && evt.target.closest("a.add-event-jump");
    if (!jump) return;
    var add = document.getElementById("add-event");
    if (!add) return;
    evt.preventDefault();
    add.open = true;
    add.scrollIntoView({ block: "start" });
    focusOn(add.querySelector(FIELDS));
  });
})();
