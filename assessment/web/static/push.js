// The room's push: one EventSource on the element's data-events-url. Each event (and the first
// "hello", and every reconnect) calls the page's handler, which fetches what the page may show;
// the events themselves carry no figures. While the stream is down the page polls instead, so a
// proxy that buffers streams or an old browser still gets the changes, only later.
(function () {
  "use strict";
  var NAMES = ["hello", "snapshot", "round", "closed", "progress", "vote"];

  window.roomPush = function (url, onEvent, options) {
    options = options || {};
    var every = options.pollEvery || 5000;
    var timer = null, source = null, live = false;
    function poll() {
      timer = null;
      if (live) { return; }
      onEvent("poll", {});
      timer = window.setTimeout(poll, every);
    }
    // The page says whether its stream holds (for a person debugging a room, and for tests that
    // must not click before the phones listen).
    function mark(state) { document.documentElement.setAttribute("data-push", state); }
    function fallBack() {
      live = false;
      mark("polling");
      if (!timer) { timer = window.setTimeout(poll, every); }
    }
    if (!url || !window.EventSource) { fallBack(); return { live: function () { return false; } }; }
    source = new window.EventSource(url, { withCredentials: true });
    NAMES.forEach(function (name) {
      source.addEventListener(name, function (event) {
        var data = {};
        try { data = JSON.parse(event.data || "{}"); } catch (e) { data = {}; }
        if (name === "hello") {
          live = true;
          mark("live");
          if (timer) { window.clearTimeout(timer); timer = null; }
        }
        onEvent(name, data);
      });
    });
    // An error while open means the browser reconnects by itself; a closed source (a 404, a
    // server without streams) never will: both poll until the stream holds again.
    source.addEventListener("error", fallBack);
    window.addEventListener("pagehide", function () { source.close(); });
    return { live: function () { return live; } };
  };
})();
