// Draws every figure of the statistics page with ECharts. Data come from the json_script block
// "insight-figures"; each chart container names its figure in data-chart. Clicking a bar, a slice
// or a point opens the list behind it (the same URL as the link in the figure's data table).
(function () {
  "use strict";
  var source = document.getElementById("insight-figures");
  if (!source || typeof echarts === "undefined") { return; }
  var figures = {};
  JSON.parse(source.textContent).forEach(function (f) { figures[f.key] = f; });
  var palette = ["#b3121b", "#d9822b", "#2f6fb0", "#3c8d5a", "#7a4fb0", "#c0a21a", "#5b6b7a", "#1a9aa0", "#a8326e", "#6d8c2a"];
  var font = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var narrow = window.matchMedia("(max-width: 576px)").matches;
  var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // Text widths as ECharts draws the labels (12 px in the charts' font).
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text) {
    measure.font = "12px " + font;
    return measure.measureText(text).width;
  }

  // A label fitted to a width in pixels, on at most `lines` lines: wrapped between words (a Chinese
  // character is a word of its own), never inside one; a label too long for its lines ends, after its
  // last whole word that fits, with an ellipsis (the tooltip and the data table give it in full).
  function fit(text, width, lines) {
    if (/^\d{4}-\d{2}$/.test(text)) { return narrow ? text.slice(2) : text; }  // months: 22-03
    var cjk = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef";
    var closing = "\uff09\u300d\u300f\u3011\u300b\u3009\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f";  // full-width closing marks: kept with the word before
    var words = text.match(new RegExp(
      "[" + cjk + "][" + closing + "]*|[^\\s" + cjk + "]+[" + closing + "]*\\s*|\\s+", "g")) || [text];
    var out = [[]];
    words.forEach(function (w) {
      var line = out[out.length - 1];
      if (!line.length || textWidth((line.join("") + w).trim()) <= width) { line.push(w); }
      else if (w.trim()) { out.push([w]); }
    });
    var shown = out.slice(0, lines).map(function (line) { return line.join("").trim(); });
    if (out.length > lines) {
      var last = out[lines - 1].slice();
      while (last.length > 1 && textWidth(last.join("").trim() + "…") > width) { last.pop(); }
      shown[lines - 1] = last.join("").trim() + "…";
    }
    return shown.join("\n");
  }

  // A vertical bar's name, wrapped within the bar's share of the chart's width (at least 4 characters).
  function wrapWidth(el, f) {
    return Math.max(52, Math.floor((el.clientWidth - 64) / Math.max(f.rows.length, 1)) - 8);
  }

  // A horizontal bar's name: a share of the chart's width, on two lines at most.
  function labelWidth(el) {
    return Math.min(220, Math.max(96, Math.floor(el.clientWidth * (narrow ? 0.42 : 0.36))));
  }

  function options(f, el) {
    var labels = f.rows.map(function (r) { return r.label; });
    var values = f.rows.map(function (r) { return r.value; });
    var base = {
      color: palette,
      textStyle: { fontFamily: font },
      tooltip: { trigger: f.chart === "pie" ? "item" : "axis", confine: true },
      animation: !narrow && !still
    };
    if (f.chart === "pie") {
      // On a phone the slice labels would collide: the legend (wrapped, not scrolled) names the slices.
      // A name longer than the chart is wide (English names run long) is cut with "…"; a tap shows it whole.
      var legendWidth = Math.max(96, el.clientWidth - 48);
      base.legend = {
        type: narrow ? "plain" : "scroll", bottom: 0, textStyle: { fontSize: 12 }, tooltip: { show: true },
        formatter: function (name) { return fit(name, legendWidth, 1); }
      };
      base.series = [{
        type: "pie", radius: narrow ? ["25%", "50%"] : ["35%", "65%"], center: ["50%", narrow ? "38%" : "45%"],
        // No unit after the count: one word cannot be both "1 item" and "3 items".
        label: { show: !narrow, formatter: "{b}\n{c}", fontSize: 12 },
        data: f.rows.map(function (r) { return { name: r.label, value: r.value }; })
      }];
      return base;
    }
    var short = function (text) { return fit(text, narrow ? 90 : 130, 1); };
    var categoryAxis = { type: "category", data: labels, axisLabel: { fontSize: 12, formatter: short } };
    var valueAxis = { type: "value", minInterval: 1, name: f.unit || "", axisLabel: { fontSize: 11 } };
    // The grid holds the axes' labels and names too (the English unit, "items", is wider than the Chinese).
    base.grid = { left: 8, right: 16, top: 28, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" };
    if (f.chart === "hbar") {
      var width = labelWidth(el);
      categoryAxis.axisLabel = {
        fontSize: 12, lineHeight: 14, formatter: function (text) { return fit(text, width, 2); }
      };
      categoryAxis.inverse = true;
      base.xAxis = valueAxis;
      base.yAxis = categoryAxis;
    } else if (f.chart === "bar" && labels.length <= 6) {
      // Every bar named: ECharts would drop a label colliding with its neighbour (a bar with no name),
      // so each label is shown (interval 0), whole, wrapped within its bar's width.
      var barWidth = wrapWidth(el, f);
      categoryAxis.axisLabel = {
        fontSize: 12, interval: 0, lineHeight: 15, formatter: function (text) { return fit(text, barWidth, 6); }
      };
      base.xAxis = categoryAxis;
      base.yAxis = valueAxis;
    } else {
      categoryAxis.axisLabel.rotate = labels.length > 6 ? 40 : 0;
      base.xAxis = categoryAxis;
      base.yAxis = valueAxis;
    }
    base.series = [{
      type: f.chart === "line" ? "line" : "bar",
      data: values,
      smooth: false,
      barMaxWidth: 28,
      label: { show: f.chart !== "line" || labels.length <= 12, position: f.chart === "hbar" ? "right" : "top", fontSize: 11 }
    }];
    return base;
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var f = figures[el.getAttribute("data-chart")];
    if (!f || !f.rows.length) { return; }
    if (f.chart === "hbar") { el.style.height = Math.max(220, 34 * f.rows.length + 60) + "px"; }
    if (f.chart === "pie" && narrow) { el.style.height = 240 + 26 * Math.ceil(f.rows.length / 3) + "px"; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(options(f, el));
    chart.on("click", function (params) {
      var row = f.rows[params.dataIndex];
      if (row && row.url) { window.location.href = row.url; }
    });
    charts.push({ chart: chart, f: f, el: el });
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) {
      c.chart.resize();
      if (c.f.chart !== "pie") { c.chart.setOption(options(c.f, c.el)); }  // labels fit the new width
    });
  });
})();
