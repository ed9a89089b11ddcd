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

  // Every answer is posted the moment it is chosen, so a reload, a dropped tab or a dead battery
  // loses nothing. Without this script the page's own Save button still saves everything.
  var form = document.querySelector("form[data-autosave-url]");
  if (form && window.fetch && window.URLSearchParams) {
    var csrf = form.querySelector("input[name=csrf_token]");
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.type !== "radio" || !input.checked) return;
      var question = input.closest(".question");
      var status = question && question.querySelector(".autosave-status");
      var body = new URLSearchParams({ item: input.name, value: input.value });
      var show = function (text, bad) {
        if (!status) return;
        status.textContent = text;
        status.classList.toggle("autosave-failed", !!bad);
      };
      fetch(form.getAttribute("data-autosave-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" },
        body: body
      }).then(function (r) {
        if (r.ok) {
          show("Saved");
          if (question) question.classList.remove("has-error");
        } else {
          show("Not saved yet: it will be saved when you press the button below.", true);
        }
      }, function () {
        show("Offline: your answer will be saved when you press the button below.", true);
      });
    });
  }

  // A page sent back with errors: take the respondent to the first missed question and put the
  // keyboard on it (the #first-error anchor already scrolls there without this script).
  // After the load: the browser's own jump to the fragment would otherwise take the focus away.
  var missed = document.querySelector(".question.has-error");
  if (missed) {
    var focusMissed = function () {
      missed.scrollIntoView({ block: "start" });
      var first = missed.querySelector("input:checked") || missed.querySelector("input");
      if (first) first.focus({ preventScroll: true });
    };
    if (document.readyState === "complete") {
      setTimeout(focusMissed, 0);
    } else {
      window.addEventListener("load", function () { setTimeout(focusMissed, 0); });
    }
  }

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
