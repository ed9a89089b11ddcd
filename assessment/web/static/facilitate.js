// Live workshop pages: fetch the summary JSON every few seconds and update the numbers, tables
// and charts in place. The server renders the same numbers first, so the page reads without JS.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-summary-url");
  var INTERVAL = 4000;
  var INK = "#1b2a41", PRIMARY = "#1d4e89", BAND = "rgba(29, 78, 137, 0.16)", GRID = "#d5dbe3";
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
  // The page's words and decimal separator, rendered by the template with gettext: no English here.
  var textNode = document.getElementById("live-text");
  var T = textNode ? JSON.parse(textNode.textContent) : {};
  var DECIMAL = root.getAttribute("data-decimal") || ".";

  function say(message, values) {
    return String(message || "").replace(/%\((\w+)\)s/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }
  function fmt(value, digits) {
    if (value === null || value === undefined) { return "\u2013"; }
    return Number(value).toFixed(digits === undefined ? 1 : digits).replace(".", DECIMAL);
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }
  function setText(id, text) {
    var node = document.getElementById(id);
    if (node && node.textContent !== String(text)) { node.textContent = text; }
  }
  function replace(id, node) {
    var old = document.getElementById(id);
    if (!old) { return; }
    node.id = id;
    old.parentNode.replaceChild(node, old);
  }

  function verdict(s) {
    var p = el("p", { "class": "verdict" });
    if (!s.n) { p.textContent = s.published ? s.published.note : T.no_answers; return p; }
    var c = s.classification;
    p.appendChild(el("strong", { text: c.label }));
    var weakest = c.bottleneck ? s.dimensions[c.bottleneck].label : null;
    var rest = "";
    if (c.held_back) { rest = ": " + say(T.held_back, { area: weakest }); }
    else if (weakest) { rest = ". " + say(T.weakest, { area: weakest }); }
    if (c.provisional) { rest += " " + T.provisional; }
    p.appendChild(document.createTextNode(rest));
    return p;
  }

  function statsTable(s) {
    var body = el("tbody");
    s.dimension_order.forEach(function (id) {
      var d = s.dimensions[id];
      var agreement = d.rwg === null
        ? el("td", {}, [el("span", { "class": "muted", text: d.agreement_reason || "\u2013" })])
        : el("td", {}, [document.createTextNode(fmt(d.rwg, 2) + " "),
                        el("span", { "class": "badge agree-" + d.agreement, text: (T.agreement || {})[d.agreement] || d.agreement })]);
      body.appendChild(el("tr", {}, [
        el("th", { scope: "row", text: d.label }),
        el("td", { "class": "num", text: String(d.n) }),
        el("td", { "class": "num", text: fmt(d.mean) }),
        el("td", { "class": "num", text: fmt(d.median) }),
        el("td", { "class": "num", text: fmt(d.sd) }),
        el("td", { "class": "num", text: fmt(d.min) }),
        el("td", { "class": "num", text: fmt(d.max) }),
        agreement
      ]));
    });
    var table = document.getElementById("stats-table");
    table.replaceChild(body, table.tBodies[0]);
  }

  function gap(s) {
    var g = s.perception_gap;
    var box = el("div");
    if (g.withheld) { box.appendChild(el("p", { "class": "withheld", text: g.reason })); return box; }
    var body = el("tbody");
    s.dimension_order.filter(function (id) { return id in g.dimensions; }).forEach(function (id) {
      var row = g.dimensions[id];
      var gapText = row.gap === null ? T.withheld : (row.gap >= 0 ? "+" : "") + fmt(row.gap);
      body.appendChild(el("tr", {}, [
        el("th", { scope: "row", text: s.dimensions[id].label }),
        el("td", { "class": "num", text: fmt(row.leaders) }),
        el("td", { "class": "num", text: fmt(row.others) }),
        el("td", { "class": "num", text: gapText })
      ]));
    });
    var head = el("thead", {}, [el("tr", {}, [
      el("th", { scope: "col", text: T.area }),
      el("th", { scope: "col", "class": "num", text: say(T.leadership, { n: g.subgroups.leaders }) }),
      el("th", { scope: "col", "class": "num", text: say(T.others, { n: g.subgroups.others }) }),
      el("th", { scope: "col", "class": "num", text: T.gap })
    ])]);
    box.appendChild(el("div", { "class": "table-wrap" }, [el("table", { "class": "data-table" }, [head, body])]));
    box.appendChild(el("p", { "class": "hint", text: T.gap_hint }));
    return box;
  }

  function prompts(s) {
    var list = el("ol", { "class": "prompts" });
    if (!s.prompts.length) {
      list.appendChild(el("li", { "class": "muted prompt-none", text: T.no_prompts }));
      return list;
    }
    s.prompts.forEach(function (p) {
      var most = Math.max.apply(null, p.distribution.map(function (o) { return o.count; })) || 1;
      var body = el("tbody");
      p.distribution.forEach(function (o) {
        var bar = el("span", { "class": "bar" });
        bar.style.width = (100 * o.count / most).toFixed(1) + "%";
        body.appendChild(el("tr", {}, [
          el("th", { scope: "row", text: o.label }),
          el("td", { "class": "bar-cell" }, [bar]),
          el("td", { "class": "num", text: String(o.count) })
        ]));
      });
      list.appendChild(el("li", { "class": "prompt" }, [
        el("p", { "class": "prompt-text" }, [
          document.createTextNode(p.text + " "),
          el("span", { "class": "muted", text: "(" + say(T.prompt_figures, { area: s.dimensions[p.dimension].label, sd: fmt(p.sd, 2), n: p.n }) + ")" })
        ]),
        el("table", { "class": "bars" }, [el("caption", { "class": "visually-hidden", text: say(T.answers_to, { question: p.text }) }), body])
      ]));
    });
    return list;
  }

  function layout(extra) {
    var base = {
      font: { family: FONT, color: INK, size: 13 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      margin: { l: 48, r: 48, t: 24, b: 32 }, showlegend: true,
      legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.12 }
    };
    Object.keys(extra).forEach(function (k) { base[k] = extra[k]; });
    return base;
  }

  function charts(s) {
    if (!window.Plotly) { return; }
    var empty = !s.n;
    Array.prototype.forEach.call(document.querySelectorAll("[data-empty-note]"), function (note) {
      note.hidden = !empty;
    });
    ["radar", "distribution"].forEach(function (id) { document.getElementById(id).hidden = empty; });
    if (empty) { return; }
    var ids = s.dimension_order;
    var narrow = document.getElementById("radar").clientWidth < 420;
    // Long area names on two lines, so the radar's outer labels fit a phone screen.
    function wrap(label) {
      if (label.length <= 12 || label.indexOf(" ") < 0) { return label; }
      var cut = label.lastIndexOf(" ", Math.ceil(label.length / 2) + 3);
      if (cut <= 0) { cut = label.indexOf(" "); }
      return label.slice(0, cut) + "<br>" + label.slice(cut + 1);
    }
    var labels = ids.map(function (id) { return wrap(s.dimensions[id].label); });
    var closedLabels = labels.concat(labels.slice(0, 1));
    function closed(key) {
      var values = ids.map(function (id) { var v = s.dimensions[id][key]; return v === null ? null : Math.round(v * 10) / 10; });
      return values.concat(values.slice(0, 1));
    }
    var radar = [
      { type: "scatterpolar", r: closed("max"), theta: closedLabels, name: T.range, mode: "lines",
        line: { color: "rgba(29, 78, 137, 0.45)", width: 1 }, fill: "toself", fillcolor: BAND,
        hovertemplate: say(T.hover_highest, { area: "%{theta}", value: "%{r:.0f}" }) + "<extra></extra>" },
      { type: "scatterpolar", r: closed("min"), theta: closedLabels, name: T.lowest, mode: "lines", showlegend: false,
        line: { color: "rgba(29, 78, 137, 0.45)", width: 1 }, fill: "toself", fillcolor: "#ffffff",
        hovertemplate: say(T.hover_lowest, { area: "%{theta}", value: "%{r:.0f}" }) + "<extra></extra>" },
      { type: "scatterpolar", r: closed("mean"), theta: closedLabels, name: T.mean, mode: "lines+markers",
        line: { color: PRIMARY, width: 3 }, marker: { size: 7 },
        hovertemplate: say(T.hover_mean, { area: "%{theta}", value: "%{r:.1f}" }) + "<extra></extra>" }
    ];
    Plotly.react("radar", radar, layout({
      margin: narrow ? { l: 64, r: 64, t: 36, b: 28 } : { l: 90, r: 90, t: 36, b: 32 },
      font: { family: FONT, color: INK, size: narrow ? 11 : 13 },
      polar: { radialaxis: { range: [0, 100], tickvals: [20, 40, 60, 80, 100], gridcolor: GRID, angle: 54,
                             tickangle: 54, tickfont: { size: 10 } },
               angularaxis: { gridcolor: GRID, direction: "clockwise", rotation: 90 } }
    }), { displayModeBar: false, responsive: true });
    var boxes = ids.slice().reverse().map(function (id) {
      var d = s.dimensions[id];
      return { type: "box", orientation: "h", name: d.label, x: d.values, boxpoints: "all",
               jitter: 0.5, pointpos: 0, marker: { color: PRIMARY, size: 6, opacity: 0.65 },
               line: { color: INK, width: 1.5 }, fillcolor: "rgba(29, 78, 137, 0.10)",
               hovertemplate: "%{x:.0f}<extra>" + d.label + "</extra>" };
    });
    Plotly.react("distribution", boxes, layout({
      showlegend: false, xaxis: { range: [-3, 103], title: { text: T.score_axis }, gridcolor: GRID, zeroline: false },
      yaxis: { automargin: true }, margin: { l: 16, r: 16, t: 16, b: 48 }
    }), { displayModeBar: false, responsive: true });
  }

  function update(s) {
    setText("count-started", s.started);
    setText("count-complete", s.complete);
    if (s.published) { setText("published-note", s.published.note); }
    var roles = document.getElementById("role-counts");
    if (roles && s.role_counts) {
      setText("role-counts", s.role_counts.map(function (r) {
        return say(T.role_count, { role: r.label, count: r.withheld ? roles.getAttribute("data-fewer") : r.n });
      }).join(" \u00b7 "));
    }
    if (document.getElementById("stats-table")) {
      setText("overall", fmt(s.scores.overall, 0));
      setText("stage", s.stage ? s.stage.label : "\u2013");
      replace("verdict", verdict(s));
      statsTable(s);
      replace("gap", gap(s));
      replace("prompts", prompts(s));
      charts(s);
    }
  }

  var last = null;
  var busy = false, again = false;
  function fetchSummary() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (text) {
        var note = document.getElementById("updated");
        if (note) { note.textContent = say(T.updated, { time: new Date().toLocaleTimeString(T.locale || undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" }) }); }
        if (text !== last) {
          last = text;
          try { update(JSON.parse(text)); } catch (e) { if (window.console) { console.error(e); } }
        }
      })
      .catch(function () {
        var note = document.getElementById("updated");
        if (note) { note.textContent = T.paused; }
      })
      .then(function () {
        busy = false;
        if (again) { again = false; fetchSummary(); }
      });
  }
  // Pushed: every event (someone started or finished, a new snapshot, a close) fetches the
  // summary at once; it is that fetch that moves the snapshot on (rule 13), and the room hears of
  // it. Without the stream, the summary is polled every few seconds as before.
  function start() {
    if (window.roomPush && root.getAttribute("data-events-url")) {
      window.roomPush(root.getAttribute("data-events-url"), function () { fetchSummary(); }, { pollEvery: INTERVAL });
    } else {
      (function poll() { fetchSummary(); window.setTimeout(poll, INTERVAL); })();
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
