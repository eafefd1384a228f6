// The site plan (issue 19 §1): tap the plan to choose a place.
// [data-plan-pick="xId yId"]: the tap's position (fractions of the picture)
// goes into two hidden inputs (the secretary marks a building or space).
// [data-plan-nearest="selectId"]: the nearest marked building is chosen in
// that select ("b:<id>") and named in words beside the plan.
(function () {
  "use strict";

  function fraction(svg, event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var inner = point.matrixTransform(svg.getScreenCTM().inverse());
    var box = svg.viewBox.baseVal;
    return {
      x: Math.min(1, Math.max(0, inner.x / box.width)),
      y: Math.min(1, Math.max(0, inner.y / box.height)),
      cx: inner.x, cy: inner.y
    };
  }

  function moveMarker(svg, at) {
    var marker = svg.querySelector(".pick-marker");
    if (marker) {
      marker.setAttribute("cx", at.cx);
      marker.setAttribute("cy", at.cy);
    }
  }

  function setupPick(svg) {
    var ids = svg.getAttribute("data-plan-pick").split(" ");
    var status = document.getElementById("pick-status");
    var chosen = document.getElementById("pick-chosen");
    svg.addEventListener("click", function (event) {
      var at = fraction(svg, event);
      document.getElementById(ids[0]).value = at.x.toFixed(4);
      document.getElementById(ids[1]).value = at.y.toFixed(4);
      moveMarker(svg, at);
      if (status && chosen) { status.textContent = chosen.textContent; }
    });
  }

  function setupNearest(svg) {
    var select = document.getElementById(svg.getAttribute("data-plan-nearest"));
    var status = document.getElementById(svg.id + "-status");
    var box = svg.viewBox.baseVal;
    svg.addEventListener("click", function (event) {
      var at = fraction(svg, event);
      var best = null, bestDistance = Infinity;
      svg.querySelectorAll("[data-building]").forEach(function (mark) {
        var dx = (parseFloat(mark.getAttribute("data-cx")) - at.x) * box.width;
        var dy = (parseFloat(mark.getAttribute("data-cy")) - at.y) * box.height;
        var distance = dx * dx + dy * dy;
        if (distance < bestDistance) { best = mark; bestDistance = distance; }
      });
      if (!best || !select) { return; }
      select.value = "b:" + best.getAttribute("data-building");
      select.dispatchEvent(new Event("change", { bubbles: true }));
      moveMarker(svg, at);
      if (status) {
        status.textContent = svg.getAttribute("data-near").replace("{n}", best.getAttribute("data-number"));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-needed").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll("[data-plan-pick]").forEach(setupPick);
    document.querySelectorAll("[data-plan-nearest]").forEach(setupNearest);
  });
}());
