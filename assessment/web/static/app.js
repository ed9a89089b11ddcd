/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      if (!field) return;
      var done = function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy link"; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else {
        field.select();
        try { document.execCommand("copy"); done(); } catch (e) { /* selected for manual copy */ }
      }
    });
  });

  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var figure = JSON.parse(el.getAttribute("data-figure"));
      if (el.clientWidth < 480) {
        // Phones: smaller text and margins that leave room for the spoke labels.
        figure.layout.font = Object.assign({}, figure.layout.font, { size: 11 });
        figure.layout.margin = Object.assign({}, figure.layout.margin, { l: 76, r: 76 });
      }
      window.Plotly.newPlot(el, figure.data, figure.layout, {
        displayModeBar: false,
        responsive: true,
        staticPlot: false
      }).then(function () { el.setAttribute("data-drawn", "true"); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
