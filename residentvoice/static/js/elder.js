// Elder mode (长辈版): loaded only in elder mode.  Progressive enhancement —
// without it a [data-confirm] form simply submits, and tables stack without
// their column names.
(function () {
  "use strict";

  // No pop-ups (MIIT 2021): a form that asks "are you sure?" asks on the page,
  // right below its button, with two large buttons.
  function askInline(form, question) {
    var next = form.nextElementSibling;
    if (next && next.classList.contains("confirm-inline")) {
      next.querySelector("button").focus();
      return;
    }
    var body = document.body;
    var panel = document.createElement("div");
    panel.className = "confirm-inline";
    panel.setAttribute("role", "group");
    var text = document.createElement("p");
    text.textContent = question;
    text.setAttribute("tabindex", "-1");
    panel.appendChild(text);
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "button primary";
    yes.textContent = body.getAttribute("data-confirm-yes") || "OK";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "button secondary";
    no.textContent = body.getAttribute("data-confirm-no") || "Cancel";
    yes.addEventListener("click", function () {
      form.setAttribute("data-confirmed", "1");
      panel.remove();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
    no.addEventListener("click", function () {
      panel.remove();
      var button = form.querySelector("button, [type=submit]");
      if (button) { button.focus(); }
    });
    var actions = document.createElement("div");
    actions.className = "actions";
    actions.appendChild(yes);
    actions.appendChild(no);
    panel.appendChild(actions);
    form.parentNode.insertBefore(panel, form.nextSibling);
    text.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (!question || form.getAttribute("data-confirmed") === "1") { return; }
    event.preventDefault();
    askInline(form, question);
  });

  // Tables become lists on a phone (elder.css): each cell is labelled with
  // its column's heading.
  function labelCells(table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        var head = heads[i] && heads[i].textContent.trim();
        if (head && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", head); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("main table").forEach(labelCells);
  });
})();
