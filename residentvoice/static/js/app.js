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
