// Progressive enhancement only: every page works without this file.
// In elder mode (长辈版) there are no pop-ups: elder.js asks on the page instead.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (!question || document.documentElement.classList.contains("elder")) { return; }
  if (!window.confirm(question)) {
    event.preventDefault();
  }
});

// A form is sent once.  A second tap while the first is on its way (a double
// tap, an impatient tap on a slow connection) would file the same ticket or
// comment twice: the server has the first request already.  So a later
// submit of the same form is held until the page is shown again (the back
// button) or ten seconds have passed (a download leaves the page in place).
// The buttons are not disabled: a disabled button's name and value would not
// be sent (a proposal's "submit" or "draft").  Listening on window, this runs
// after every other submit handler, so a form whose sending was stopped (a
// confirmation not given; elder mode asking on the page) is not marked.
window.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") {
    return;
  }
  var sent = Number(form.getAttribute("data-sent") || 0);
  if (sent && Date.now() - sent < 10000) {
    event.preventDefault();
    return;
  }
  form.setAttribute("data-sent", String(Date.now()));
  form.setAttribute("aria-busy", "true");
});
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) { return; }
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    form.removeAttribute("data-sent");
    form.removeAttribute("aria-busy");
  });
});
