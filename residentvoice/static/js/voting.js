// Paper entry: keep the cursor where the next keystroke belongs (works without it too).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.paper-entry");
  if (!form) { return; }
  var target = form.querySelector("[name='" + form.getAttribute("data-focus") + "']");
  if (target) { target.focus(); if (target.select) { target.select(); } }
});
