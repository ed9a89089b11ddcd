/* Comparison charts: the data come from the page's <script type="application/json"> block, so
   the page needs no inline script (a strict Content-Security-Policy is planned). */
(function () {
  "use strict";
  var source = document.getElementById("comparison-data");
  if (!source || !window.Plotly) { return; }
  var data = JSON.parse(source.textContent);
  // The page's words and decimal separator, rendered by the template with gettext.
  var words = document.getElementById("comparison-text");
  var T = words ? JSON.parse(words.textContent) : { axis: "", decimal: "." };
  function local(text) { return String(text).split(".").join(T.decimal); }
  var rows = data.rows.filter(function (r) { return !r.withheld; });
  if (!rows.length) { return; }
  var A = "#7a8794", B = "#1d5c8f";
  var narrow = document.getElementById("means-chart").clientWidth < 420;
  function wrap(label) {
    var words = label.split(" "), lines = [], line = "";
    words.forEach(function (w) {
      if ((line + " " + w).trim().length > (narrow ? 12 : 18)) { lines.push(line.trim()); line = w; } else { line += " " + w; }
    });
    lines.push(line.trim());
    return lines.join("<br>");
  }
  var labels = rows.map(function (r) { return wrap(r.label); });
  // Numeric positions, so the two sides sit just above and below each area's line and never hide
  // each other when their means are close.
  var ticks = rows.map(function (r, i) { return i; });
  function side(key, name, colour, offset) {
    return {
      type: "scatter", mode: "markers", name: name,
      x: rows.map(function (r) { return r["mean_" + key]; }),
      y: rows.map(function (r, i) { return i + offset; }),
      marker: { color: colour, size: 10 },
      error_x: {
        type: "data", symmetric: false, color: colour, thickness: 2, width: 4,
        array: rows.map(function (r) { return r["ci_" + key] ? r["ci_" + key][1] - r["mean_" + key] : 0; }),
        arrayminus: rows.map(function (r) { return r["ci_" + key] ? r["mean_" + key] - r["ci_" + key][0] : 0; })
      },
      // Labelled with the figures as the table shows them (rule 17), placed at full precision.
      text: rows.map(function (r) {
        var shown = r["shown_" + key], ci = r["shown_ci_" + key];
        return shown ? local(shown) + (ci ? " (" + local(ci) + ")" : "") : "";
      }),
      hovertemplate: "%{text}<extra>" + name + "</extra>"
    };
  }
  var layout = {
    margin: { l: narrow ? 90 : 130, r: 10, t: 10, b: 40 },
    xaxis: { range: [0, 100], title: { text: T.axis }, fixedrange: true },
    yaxis: { autorange: "reversed", fixedrange: true, automargin: true, tickvals: ticks, ticktext: labels,
             zeroline: false, range: [rows.length - 0.5, -0.5] },
    legend: { orientation: "h", y: -0.18 },
    font: { family: "inherit", size: narrow ? 11 : 13 },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
  };
  var config = { displayModeBar: false, responsive: true };
  Plotly.newPlot("means-chart", [side("a", data.label_a, A, -0.15), side("b", data.label_b, B, 0.15)], layout, config);
  function boxes(key, name, colour) {
    var x = [], y = [];
    rows.forEach(function (r, i) {
      (r["values_" + key] || []).forEach(function (v) { x.push(v); y.push(labels[i]); });
    });
    return {
      type: "box", orientation: "h", name: name, x: x, y: y, boxpoints: "all", jitter: 0.4, pointpos: 0,
      marker: { color: colour, size: 4, opacity: 0.6 }, line: { color: colour, width: 1.5 },
      fillcolor: "rgba(0,0,0,0)", hoverinfo: "x"
    };
  }
  var distLayout = JSON.parse(JSON.stringify(layout));
  distLayout.boxmode = "group";
  distLayout.yaxis = { autorange: "reversed", fixedrange: true, automargin: true };
  Plotly.newPlot("dist-chart", [boxes("a", data.label_a, A), boxes("b", data.label_b, B)], distLayout, config);
})();
