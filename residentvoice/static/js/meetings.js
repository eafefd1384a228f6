// Live meeting screens: poll a small HTML fragment every 3 s (paused while the
// tab is hidden) and run the speech and agenda clocks.  Without this file the
// pages still work: they have a Refresh link.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  var offset = 0;  // server clock minus this device's clock, in ms

  function readOffset() {
    var panel = box && box.querySelector("[data-now]");
    if (panel) {
      offset = Date.parse(panel.getAttribute("data-now")) - Date.now();
    }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show(el, secs) { el.textContent = Math.floor(secs / 60) + ":" + pad(secs % 60); }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("[data-elapsed-from]").forEach(function (el) {
      var from = Date.parse(el.getAttribute("data-elapsed-from"));
      if (!isNaN(from)) { show(el, Math.max(0, Math.floor((now - from) / 1000))); }
    });
    document.querySelectorAll("[data-countdown-from]").forEach(function (el) {
      var from = Date.parse(el.getAttribute("data-countdown-from"));
      var total = parseInt(el.getAttribute("data-seconds"), 10);
      var left = Math.max(0, total - Math.floor((now - from) / 1000));
      show(el, left);
      el.classList.toggle("over", left === 0);
    });
  }

  function busy() {
    // Never replace the panel under someone who is typing a motion or a count.
    var active = document.activeElement;
    if (active && box.contains(active) && /^(TEXTAREA|INPUT|SELECT)$/.test(active.tagName)) {
      return true;
    }
    var fields = box.querySelectorAll("textarea, input[type=text], input[inputmode=numeric]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value && fields[i].value !== fields[i].defaultValue) { return true; }
    }
    return false;
  }

  function poll() {
    if (document.hidden || busy()) { return; }
    var url = box.getAttribute("data-poll") + "?since=" + box.getAttribute("data-version");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        var version = response.headers.get("X-Live-Version");
        if (response.status !== 200) { return; }
        return response.text().then(function (html) {
          if (busy()) { return; }
          box.innerHTML = html;
          if (version) { box.setAttribute("data-version", version); }
          readOffset();
          tick();
        });
      })
      .catch(function () { /* offline for a moment: try again on the next beat */ });
  }

  if (box) {
    document.documentElement.classList.add("js");
    readOffset();
    window.setInterval(poll, 3000);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { poll(); }
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
