// Progressive enhancement: a "Print" button where a page marks [data-print-label].
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print-label]").forEach(function (holder) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button primary";
    button.textContent = holder.getAttribute("data-print-label");
    button.addEventListener("click", function () { window.print(); });
    holder.insertBefore(button, holder.firstChild);
  });
});
