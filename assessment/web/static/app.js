/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      if (!field) return;
      // The words come from the page (in its language): the button's own text and data-copied.
      var label = button.textContent;
      var done = function () {
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
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

  // A closed workshop or wave: the answers cannot be saved, so the controls say so instead of
  // promising a save that would fail (the room's stream and a refused autosave both call this).
  window.closeAnswers = function (state, message) {
    if (!form) { return; }
    var closed = state === "closed";
    form.querySelectorAll("input[type=radio], button[type=submit]").forEach(function (control) {
      control.disabled = closed;
    });
    var note = document.getElementById("closed-note");
    if (note) {
      if (message) { note.textContent = message; }
      note.hidden = !closed;
    }
    form.classList.toggle("answers-closed", closed);
  };

  function allAnswered(question) {
    return !!question.querySelector("input:checked");
  }

  // The "please answer" banner and jump link go once every flagged question has an answer.
  function clearErrorsIfDone() {
    var flagged = document.querySelectorAll(".question.has-error");
    if (flagged.length) { return; }
    document.querySelectorAll(".flash-error, .error-jump").forEach(function (node) { node.hidden = true; });
  }

  if (form && window.fetch && window.URLSearchParams) {
    var csrf = form.querySelector("input[name=csrf_token]");
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.type !== "radio" || !input.checked) return;
      var question = input.closest(".question");
      var status = question && question.querySelector(".autosave-status");
      var body = new URLSearchParams({ item: input.name, value: input.value });
      // Every status is worded by the page (data-* on the form, in the page's language).
      var say = function (name) { return form.getAttribute("data-" + name) || ""; };
      var show = function (text, bad) {
        if (!status) return;
        status.textContent = text;
        status.classList.toggle("autosave-failed", !!bad);
      };
      if (question && allAnswered(question)) {
        question.classList.remove("has-error");
        var message = question.querySelector(".error-message");
        if (message) { message.hidden = true; }
        clearErrorsIfDone();
      }
      fetch(form.getAttribute("data-autosave-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" },
        body: body
      }).then(function (r) {
        if (r.ok) {
          show(say("saved"));
          r.json().then(function (saved) {
            var counter = document.getElementById("answered-count");
            if (counter && typeof saved.answered === "number") {
              // The whole phrase, from the page's own wording (data-template, in its language).
              counter.textContent = (counter.getAttribute("data-template") || "{n}").replace("{n}", String(saved.answered));
            }
          }, function () {});
        } else if (r.status === 409) {
          r.json().then(function (refused) {
            var text = (refused && refused.error) || form.getAttribute("data-closed-message");
            show(say("not-saved").replace("{reason}", text), true);
            if (refused && refused.closed) { window.closeAnswers("closed", text); }
          }, function () { show(say("not-saved-short"), true); });
        } else {
          show(say("not-saved-yet"), true);
        }
      }, function () {
        show(say("offline"), true);
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

  // Charts: plotly's interactive chart on a wide screen; a phone keeps the server-drawn SVG that
  // is already in the page (the PDF's own chart), so it never downloads plotly.js (megabytes).
  var WIDE = "(min-width: 700px)";

  function plot() {
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var figure = JSON.parse(el.getAttribute("data-figure"));
      if (el.clientWidth < 480) {
        // Narrow plotly charts (the projector's panels): smaller text, room for spoke labels.
        figure.layout.font = Object.assign({}, figure.layout.font, { size: 11 });
        figure.layout.margin = Object.assign({}, figure.layout.margin, { l: 76, r: 76 });
      }
      var server = el.querySelector(".chart-svg");
      if (server) { server.remove(); }  // first, so plotly measures the chart's own box
      window.Plotly.newPlot(el, figure.data, figure.layout, {
        displayModeBar: false,
        responsive: true,
        staticPlot: false
      }).then(function () {
        el.setAttribute("data-drawn", "true");
      });
    });
  }

  function draw() {
    if (window.Plotly) { plot(); return; }
    var charts = document.querySelectorAll("[data-figure]");
    if (!charts.length) return;
    var source = charts[0].getAttribute("data-plotly-src");
    var wide = window.matchMedia && window.matchMedia(WIDE).matches;
    if (source && wide) {
      var script = document.createElement("script");
      script.src = source;
      script.onload = plot;
      document.head.appendChild(script);
      return;
    }
    charts.forEach(function (el) {
      if (el.querySelector(".chart-svg svg")) { el.setAttribute("data-drawn", "true"); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
