/* The plan page, enhanced: autosave on every change (the same form, posted whole, answered with
   JSON) and up/down buttons that reorder the steps. Without this file the Save button posts the
   form and every feature still works. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-plan-autosave]");
  document.documentElement.classList.add("js");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector(".plan-status");
  var version = form.querySelector("input[name=version]");
  var list = form.querySelector("[data-plan-steps]");
  var timer = null;
  var stopped = false;
  // What the page says, in its language (plans/edit.html renders it with gettext).
  var T = JSON.parse(form.getAttribute("data-text"));

  function say(text, bad) {
    status.textContent = text;
    status.classList.toggle("autosave-failed", !!bad);
  }

  function renumber() {
    list.querySelectorAll("[data-plan-step]").forEach(function (row, n) {
      row.querySelector("[data-plan-position]").value = n + 1;
    });
  }

  function save() {
    if (stopped) return;
    var data = new FormData(form);
    ["new-title", "new-owner", "new-due", "new-note"].forEach(function (name) { data.delete(name); });
    say(T.saving);
    fetch(window.location.pathname, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new URLSearchParams(data)
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }).then(function (answer) {
      if (answer.status === 200) {
        version.value = answer.body.version;
        form.setAttribute("data-saved-version", answer.body.version);
        say(T.saved);
      } else if (answer.status === 409) {
        stopped = true;
        say(T.stale, true);
      } else if (answer.status === 422) {
        say(T.invalid.replace("%(problems)s", answer.body.errors.map(function (e) { return e.item + " " + e.message; }).join("; ")), true);
      } else {
        say(T.unsaved, true);
      }
    }, function () {
      say(T.offline, true);
    });
  }

  function later() {
    if (!stopped) say(T.pending);
    clearTimeout(timer);
    timer = setTimeout(save, 600);
  }

  form.addEventListener("change", function (event) {
    if (event.target.name && event.target.name.indexOf("new-") === 0) return;
    if (event.target.name && /-status$/.test(event.target.name)) {
      event.target.closest("[data-plan-step]").classList.toggle("plan-step-dropped", event.target.value === "dropped");
    }
    later();
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest("[data-plan-move]");
    if (!button) return;
    var row = button.closest("[data-plan-step]");
    var other = button.getAttribute("data-plan-move") === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!other) return;
    if (button.getAttribute("data-plan-move") === "up") list.insertBefore(row, other);
    else list.insertBefore(other, row);
    renumber();
    button.focus();
    later();
  });
})();
