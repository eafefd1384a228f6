// Paper entry: keep the cursor where the next keystroke belongs — the serial
// field (a scanner types into it), then the options (works without it too).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.paper-entry, form.paper-find");
  if (!form) { return; }
  var name = form.getAttribute("data-focus");
  var target = form.querySelector("[name='" + name + "']:checked") ||
    form.querySelector("[name='" + name + "']");
  if (target) { target.focus(); if (target.select) { target.select(); } }
});
