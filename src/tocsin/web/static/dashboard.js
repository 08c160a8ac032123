// Draws the timeline charts of the dashboard from /api/v1/timeline (no inline script: CSP).
"use strict";
(function () {
  const index = document.getElementById("chart-index");
  const types = document.getElementById("chart-types");
  const status = document.getElementById("chart-status");
  if (!index || !types) return;
  fetch(index.dataset.timeline, { credentials: "same-origin" })
    .then((r) => { if (!r.ok) throw new Error("timeline: HTTP " + r.status); return r.json(); })
    .then((data) => {
      const buckets = data.buckets;
      if (!buckets.length) { status.textContent = "No dated events yet."; return; }
      const x = buckets.map((b) => b.start);
      const layout = (title) => ({ title: { text: title }, margin: { t: 40, r: 10, b: 40, l: 40 },
                                   height: 260, barmode: "stack", showlegend: true });
      const config = { displaylogo: false, responsive: true };
      window.Plotly.newPlot(index, [{ x: x, y: buckets.map((b) => b.index), type: "scatter",
        mode: "lines+markers", name: "escalation index" }],
        layout("Escalation index per " + data.by), config);
      const names = Array.from(new Set(buckets.flatMap((b) => Object.keys(b.counts)))).sort();
      window.Plotly.newPlot(types, names.map((n) => ({ x: x, y: buckets.map((b) => b.counts[n] || 0),
        type: "bar", name: n })), layout("Events by type per " + data.by), config);
      index.dataset.drawn = "1";
    })
    .catch((err) => { status.textContent = String(err); });
})();
