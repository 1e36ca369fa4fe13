// The unit page's little JavaScript: ids on the report's cells (so a finding links to its
// cell), the highlight of the cell a finding points at, and the charts (plotly, served by us).
(function () {
  "use strict";

  function numberCells() {
    // cell-<table>-<body row>-<column>: the column counts colspans, as the template's columns.
    document.querySelectorAll('.report section.table[id^="table-"]').forEach(function (section) {
      var table = section.id.slice("table-".length);
      section.querySelectorAll("table.grid > tbody > tr").forEach(function (tr, r) {
        var c = 0;
        Array.prototype.forEach.call(tr.children, function (td) {
          td.id = "cell-" + table + "-" + r + "-" + c;
          c += td.colSpan || 1;
        });
      });
    });
  }

  function highlight(id) {
    var target = document.getElementById(id);
    if (!target) return;
    document.querySelectorAll(".report .flagged").forEach(function (el) { el.classList.remove("flagged"); });
    target.classList.add("flagged");
    target.scrollIntoView({block: "center"});
  }

  function charts() {
    var data = document.getElementById("chart-data");
    if (!data || !window.Plotly) return;
    JSON.parse(data.textContent).forEach(function (chart, i) {
      var div = document.querySelector('[data-chart="' + i + '"]');
      if (!div) return;
      var trace;
      if (chart.kind === "treemap") {
        trace = {type: "treemap", ids: chart.ids, labels: chart.labels, parents: chart.parents, values: chart.values,
                 text: chart.texts, branchvalues: "remainder", maxdepth: 2, textinfo: "label+text",
                 hovertemplate: "%{label}<br>%{text} " + chart.unit + "<extra></extra>"};
      } else if (chart.kind === "years") {
        // one bar per item and year, grouped by year; hover shows the exact displayed amount (the
        // item's name through %{fullData.name}, not pasted into the template, where markup would count)
        trace = chart.series.map(function (serie) {
          return {type: "bar", name: serie.name, x: chart.labels, y: serie.values, text: serie.texts,
                  textposition: "none", hovertemplate: "%{fullData.name} %{x}年<br>%{text} " + chart.unit + "<extra></extra>"};
        });
      } else {
        trace = {type: "bar", x: chart.labels, y: chart.values, text: chart.texts, textposition: "auto",
                 hovertemplate: "%{x}<br>%{text} " + chart.unit + "<extra></extra>"};
      }
      // bars get a y axis with room for its labels and the legend under the plot (beside it, long
      // item names squeezed the bars); a treemap needs neither
      var bars = chart.kind !== "treemap";
      Plotly.newPlot(div, Array.isArray(trace) ? trace : [trace], {margin: {t: 10, l: bars ? 60 : 10, r: 10, b: 30}, height: 380,
                                    barmode: "group", xaxis: {type: "category"},
                                    yaxis: {automargin: true, title: {text: bars ? chart.unit : ""}},
                                    legend: {orientation: "h", x: 0, y: -0.12},
                                    font: {family: "Noto Sans CJK SC, sans-serif"}},
                     {displaylogo: false, responsive: true,
                      toImageButtonOptions: {format: "png", filename: chart.name}});
      div.dataset.ready = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    numberCells();
    document.querySelectorAll("a.cell-link").forEach(function (a) {
      a.addEventListener("click", function () { highlight(a.dataset.target); });
    });
    if (location.hash.indexOf("#cell-") === 0) highlight(location.hash.slice(1));
    charts();
  });
})();
