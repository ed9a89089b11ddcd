// An open discussion round on the projector: the page is fetched again when the stream says a
// vote came in (every few seconds without it) and its figures swapped in place.
// A full reload (the old meta refresh) flashed the screen and, landing
// while the facilitator clicked "Close the round", lost the click. Without JavaScript the
// <noscript> refresh still keeps the counts moving.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.hasAttribute("data-refresh") || !window.fetch || !window.DOMParser) { return; }
  var every = 1000 * Number(main.getAttribute("data-refresh"));
  var PARTS = ["round-eyebrow", "round-sides", "agreement"];
  var stopped = false;
  // Once the facilitator sends a form, the page is theirs: no swap under the navigation.
  main.addEventListener("submit", function () { stopped = true; });

  function swap(doc) {
    var fresh = doc.getElementById("main");
    if (!fresh) { return; }
    if (!fresh.hasAttribute("data-refresh")) {
      // Closed from another screen: show the closed round whole and stop.
      stopped = true;
      main.replaceWith(document.adoptNode(fresh));
      return;
    }
    PARTS.forEach(function (id) {
      var old = document.getElementById(id);
      var now = doc.getElementById(id);
      if (old && now && old.outerHTML !== now.outerHTML) { old.replaceWith(document.adoptNode(now)); }
    });
  }

  var busy = false, again = false;
  function refetch() {
    if (stopped) { return; }
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { if (!stopped) { swap(new DOMParser().parseFromString(html, "text/html")); } })
      .catch(function () { /* a dropped fetch is tried again at the next event or tick */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refetch(); }
      });
  }
  // Pushed: a vote, the round's close or the workshop's fetches the page at once; without the
  // stream it is fetched every few seconds as before.
  var events = main.getAttribute("data-events-url");
  if (window.roomPush && events) {
    window.roomPush(events, function (name) { if (name !== "progress") { refetch(); } }, { pollEvery: every });
  } else {
    (function poll() { refetch(); if (!stopped) { window.setTimeout(poll, every); } })();
  }
})();
