// A participant's end screen and question pages, told by the room's stream what changed.
(function () {
  "use strict";
  if (!window.roomPush || !window.fetch || !window.DOMParser) { return; }

  // End screen: "you and the room" and the open round come from the server's own view when told.
  var live = document.getElementById("room-live");
  if (live) {
    var partUrl = live.getAttribute("data-part-url");
    var statusNote = function (className, text) {
      var note = document.createElement("p");
      note.className = className;
      note.setAttribute("role", "status");
      note.textContent = text;
      return note;
    };
    var busy = false, again = false;
    var refetch = function () {
      // An event during a fetch fetches once more after it: the first may have missed it.
      if (busy) { again = true; return; }
      busy = true;
      fetch(partUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
          var figures = doc.getElementById("room-figures");
          var mine = document.getElementById("room-figures");
          if (figures && mine && figures.innerHTML !== mine.innerHTML) { mine.replaceWith(document.adoptNode(figures)); }
          // The round's part is swapped only when the round itself changed, so a choice being
          // made on the phone is never wiped by an unrelated event.
          var slot = doc.getElementById("round-slot");
          var old = document.getElementById("round-slot");
          if (slot && old && slot.getAttribute("data-round") !== old.getAttribute("data-round")) {
            var wasOpen = old.getAttribute("data-round") !== "none";
            old.replaceWith(document.adoptNode(slot));
            if (wasOpen && slot.getAttribute("data-round") === "none") {
              slot.appendChild(statusNote("panel round-closed", slot.getAttribute("data-closed-note")));
            }
          }
        })
        .catch(function () { /* tried again at the next event or poll */ })
        .then(function () {
          busy = false;
          if (again) { again = false; refetch(); }
        });
    };
    // What an event says by itself is shown at once; the refetch that follows brings the
    // server's view (and replaces this with it), one slow round trip later.
    var closeRoom = function () {
      var figures = document.getElementById("room-figures");
      if (!figures || figures.querySelector(".room-closed")) { return; }
      figures.insertBefore(statusNote("room-closed", figures.getAttribute("data-closed-note")), figures.firstChild);
    };
    var closeRound = function (id) {
      var slot = document.getElementById("round-slot");
      if (!slot || slot.getAttribute("data-round") !== id + ":open") { return; }
      slot.setAttribute("data-round", "none");  // what the refetch will find: it swaps nothing
      slot.textContent = "";
      slot.appendChild(statusNote("panel round-closed", slot.getAttribute("data-closed-note")));
    };
    window.roomPush(live.getAttribute("data-events-url"), function (name, data) {
      if (name === "progress" || name === "vote") { return; }
      if (name === "closed" && data && data.open === false) { closeRoom(); }
      if (name === "round" && data && data.open === false) { closeRound(data.round); }
      refetch();
    }, { pollEvery: 10000 });
  }

  // A question page: a closed workshop or wave disables the answers at once and says so.
  var form = document.querySelector("form[data-events-url]");
  if (form) {
    window.roomPush(form.getAttribute("data-events-url"), function (name, data) {
      if (name === "closed" && window.closeAnswers) { window.closeAnswers(data.open !== false ? null : "closed"); }
    }, { pollEvery: 30000 });
  }
})();
