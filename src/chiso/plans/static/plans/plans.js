/* chiso — the plans pages' charts, drawn with the plotly.js bundled in the installed plotly package. */
(function () {
  "use strict";
  var COLORS = { me: "#a4161a", other: "#9fb3c8", mean: "#5b6676", best: "#1b7a43", bar: "#3a6ea5" };
  var HEALTH = { on_track: "#1b7a43", at_risk: "#d08a00", overdue: "#b3261e", done: "#3a6ea5" };

  function data() {
    var node = document.getElementById("chart-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function phone() { return window.matchMedia("(max-width: 640px)").matches; }

  function layout(d, extra) {
    var base = {
      separators: d.separators || ",.",
      margin: { l: 48, r: 12, t: 12, b: 40 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "Segoe UI, Noto Sans, Liberation Sans, Arial, sans-serif", size: 12, color: "#1c2430" },
      legend: { orientation: "h", y: -0.18 },
      hoverlabel: { namelength: -1 }
    };
    return Object.assign(base, extra || {});
  }

  var CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

  function components(el, d) {
    var c = d.components;
    var x = c.map(function (r) { return r.code; });
    var names = c.map(function (r) { return r.name; });
    function trace(key, label, color) {
      return {
        type: "bar", name: label, x: x, y: c.map(function (r) { return r[key]; }),
        marker: { color: color }, customdata: names,
        hovertemplate: "%{x} %{customdata}<br>" + label + ": %{y:.2f}<extra></extra>"
      };
    }
    Plotly.newPlot(el, [
      trace("points", d.labels.points, COLORS.me),
      trace("mean", d.labels.mean, COLORS.mean),
      trace("best", d.labels.best, COLORS.best)
    ], layout(d, { barmode: "group", yaxis: { rangemode: "tozero" } }), CONFIG);
  }

  function ranking(el, d) {
    var r = d.ranking;
    var me = r.filter(function (e) { return e.me; })[0];
    var annotations = me ? [{
      x: me.position, y: me.score, text: d.unit + " " + me.rank + "/" + d.of,
      showarrow: true, arrowhead: 0, ay: -36, ax: 0, font: { color: COLORS.me }
    }] : [];
    Plotly.newPlot(el, [{
      type: "bar",
      x: r.map(function (e) { return e.position; }),
      y: r.map(function (e) { return e.score; }),
      customdata: r.map(function (e) { return [e.name, e.rank]; }),
      marker: { color: r.map(function (e) { return e.me ? COLORS.me : COLORS.other; }) },
      hovertemplate: "%{customdata[0]}<br>" + d.labels.rank + " %{customdata[1]} · %{y:.2f}<extra></extra>"
    }], layout(d, {
      showlegend: false, annotations: annotations, bargap: 0.15,
      xaxis: { title: { text: d.labels.rank }, dtick: phone() ? 20 : 10 },
      yaxis: { title: { text: d.labels.score }, rangemode: "tozero" }
    }), CONFIG);
  }

  function agencies(el, d) {
    var traces = d.series.map(function (s) {
      return { type: "bar", orientation: "h", name: s.label, y: d.agencies, x: s.values, marker: { color: HEALTH[s.key] } };
    });
    var height = Math.max(220, 60 + 34 * d.agencies.length);
    el.style.height = height + "px";
    Plotly.newPlot(el, traces, layout(d, {
      barmode: "stack", height: height, legend: { orientation: "h", y: -0.25, traceorder: "normal" }, margin: { l: phone() ? 110 : 220, r: 12, t: 8, b: 40 },
      yaxis: { autorange: "reversed", automargin: true }, xaxis: { dtick: 1 }
    }), CONFIG);
  }

  var DRAW = { components: components, ranking: ranking, agencies: agencies };

  function draw() {
    if (typeof Plotly === "undefined") { return; }
    var d = data();
    if (!d) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var fn = DRAW[el.getAttribute("data-chart")];
      if (fn) { fn(el, d); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
