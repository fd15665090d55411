// Uploads say how far they are: a progress bar with the bytes sent of the total, and the
// submit button disabled while sending. Forms posted by htmx (the incident page) get it
// through htmx's request; other forms with a file (the evidence form on its own page) are
// sent here with XMLHttpRequest. Without JavaScript the form posts as usual.
// Also: when the server asks for it ("journal:show", e.g. the log reading finished), the
// page scrolls to an element and focuses it (the new log suggestions).
// Its words come translated in the data-upload-* attributes of <body> (base.html).
(function () {
  "use strict";

  function say(name, fallback, values) {
    var key = "upload" + name.charAt(0).toUpperCase() + name.slice(1);
    return (document.body.dataset[key] || fallback).replace(/\{(\w+)\}/g, function (all, word) { return values && word in values ? values[word] : all; });
  }

  function size(bytes) {
    var units = [say("bytes", "bytes"), "KB", "MB", "GB"];
    var i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i += 1; }
    return (i === 0 ? bytes : bytes.toFixed(1)) + " " + units[i];
  }

  function hasFile(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  // The bar and its words, after the form's buttons; the words are a polite live region,
  // changed at most every 10 %, so a screen reader is not flooded.
  function progressFor(form) {
    var box = form.querySelector(".upload-progress");
    if (!box) {
      box = document.createElement("p");
      box.className = "upload-progress";
      var bar = document.createElement("progress");
      bar.max = 1;
      bar.value = 0;
      var status = document.createElement("span");
      status.setAttribute("role", "status");
      box.append(bar, " ", status);
      (form.querySelector(".buttons") || form).after(box);
    }
    var lastTenth = -1;
    return {
      update: function (loaded, total) {
        var bar = box.querySelector("progress");
        var status = box.querySelector("span");
        if (total) { bar.max = total; bar.value = loaded; } else { bar.removeAttribute("value"); }
        var tenth = total ? Math.floor((10 * loaded) / total) : -1;
        if (tenth !== lastTenth || loaded === total) {
          lastTenth = tenth;
          status.textContent = total
            ? say("sentOf", "{loaded} of {total} sent", { loaded: size(loaded), total: size(total) })
            : say("sent", "{loaded} sent", { loaded: size(loaded) });
        }
      },
      done: function (text) { box.querySelector("span").textContent = text; },
    };
  }

  function buttons(form, disabled) {
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = disabled; });
  }

  function watch(form, upload) {
    var progress = progressFor(form);
    buttons(form, true);
    upload.addEventListener("progress", function (e) { progress.update(e.loaded, e.lengthComputable ? e.total : 0); });
    upload.addEventListener("load", function () { progress.done(say("stored", "Sent. Storing it and queueing its reading…")); });
    upload.addEventListener("loadend", function () { buttons(form, false); });
  }

  // htmx's own request: watch its upload.
  document.addEventListener("htmx:beforeSend", function (event) {
    var form = event.detail.elt;
    if (form && form.tagName === "FORM" && hasFile(form)) watch(form, event.detail.xhr.upload);
  });

  // A form htmx does not post (htmx off, or no hx-post): post it here.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !hasFile(form) || !window.FormData) return;
    var byHtmx = form.hasAttribute("hx-post") && !form.closest("[hx-disable]") && window.htmx;
    if (byHtmx) return;
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.responseType = "document";
    watch(form, xhr.upload);
    xhr.addEventListener("load", function () {
      var answered = xhr.responseURL && xhr.responseURL !== (form.action || window.location.href);
      if (xhr.status < 300 && answered) {
        window.location.assign(xhr.responseURL);  // followed the redirect: go there
      } else if (xhr.response && xhr.response.body) {
        document.title = xhr.response.title;  // the form again, with what to fix
        document.body.replaceWith(document.adoptNode(xhr.response.body));
        if (window.htmx) window.htmx.process(document.body);
      }
    });
    xhr.addEventListener("error", function () { progressFor(form).done(say("failed", "Sending failed: check the connection and try again.")); });
    xhr.send(new FormData(form, event.submitter));
  });

  function show(selector) {
    var target = selector && document.querySelector(selector);
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }

  document.addEventListener("journal:show", function (event) { show(event.detail && event.detail.selector); });
})();
