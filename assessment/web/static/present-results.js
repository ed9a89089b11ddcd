// Results mode on the projector: the disputed questions one at a time, with Previous/Next
// buttons and the arrow keys (or Page Up/Down from a presenter's clicker). Without this script
// every question is listed one after another.
(function () {
  "use strict";
  // Pushed: someone finishing fetches the summary (which moves the snapshot on when it may); a
  // new snapshot brings the figures in while the page still waits for them, and otherwise says
  // newer ones are there, so the slide being discussed never changes under the room.
  var main = document.getElementById("main");
  if (main && window.roomPush && window.fetch && main.getAttribute("data-events-url")) {
    window.roomPush(main.getAttribute("data-events-url"), function (name) {
      if (name === "progress") {
        fetch(main.getAttribute("data-summary-url"), { credentials: "same-origin" }).catch(function () {});
      } else if (name === "snapshot" || name === "closed") {
        if (main.getAttribute("data-shown") !== "true") { window.location.reload(); return; }
        var newer = document.getElementById("rm-newer");
        if (newer) { newer.hidden = false; }
      }
    }, { pollEvery: 15000 });
  }
})();
(function () {
  "use strict";
  // The overview is the first slide, then each disputed question: one screen at a time, so a
  // 720 px projector never scrolls.
  var steps = Array.prototype.slice.call(document.querySelectorAll("[data-slide]"));
  var questions = steps.filter(function (step) { return step.hasAttribute("data-step"); }).length;
  var nav = document.querySelector("[data-step-nav]");
  if (steps.length < 2 || !nav) { return; }
  var status = nav.querySelector("[data-step-status]");
  var prev = nav.querySelector("[data-step-prev]");
  var next = nav.querySelector("[data-step-next]");
  var current = 0;
  function show(n) {
    current = Math.max(0, Math.min(steps.length - 1, n));
    steps.forEach(function (step, i) { step.hidden = i !== current; });
    var question = current - (steps.length - questions);
    // The words come from the template (data-overview, data-question), in the page's language.
    status.textContent = question < 0
      ? nav.getAttribute("data-overview")
      : nav.getAttribute("data-question").replace("%(n)s", question + 1).replace("%(total)s", questions);
    document.documentElement.classList.toggle("rm-on-question", question >= 0);
    prev.disabled = current === 0;
    next.disabled = current === steps.length - 1;
  }
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  document.addEventListener("keydown", function (event) {
    if (event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) { return; }
    if (event.key === "ArrowRight" || event.key === "PageDown") { show(current + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft" || event.key === "PageUp") { show(current - 1); event.preventDefault(); }
  });
  nav.hidden = false;
  show(0);
})();
