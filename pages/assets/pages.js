// onair hosted pages: everything works without this script; with it, times are also shown
// in the visitor's own time zone, a form cannot be sent twice, and an embedded page tells
// its parent how tall it is.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var lang = document.documentElement.lang || "en";

  // <time datetime="…" data-local-label="Your time: ">: add the visitor's wall clock.
  document.querySelectorAll("time[data-local-label]").forEach(function (el) {
    var at = new Date(el.getAttribute("datetime"));
    if (isNaN(at)) return;
    var text = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short" }).format(at);
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var span = document.createElement("span");
    span.className = "local-time";
    span.textContent = el.getAttribute("data-local-label") + text + (zone ? " (" + zone + ")" : "");
    el.insertAdjacentElement("afterend", span);
  });

  // One submission per form: a second click while the first is on its way does nothing.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.dataset.sent) { ev.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });

  // Embedded in an iframe: tell the parent page our height so it can fit us.
  if (document.body.classList.contains("embed") && window.parent !== window) {
    var post = function () {
      window.parent.postMessage({ onair: "height", height: document.documentElement.scrollHeight }, "*");
    };
    post();
    new ResizeObserver(post).observe(document.body);
  }
});
