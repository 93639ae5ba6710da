// Trend chart of a candidate topic: reads the daily counts from the json_script block (CSP: no inline script).
(function () {
  "use strict";
  var node = document.getElementById("trend-data");
  var box = document.getElementById("trend-chart");
  if (!node || !box || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var chart = echarts.init(box);
  chart.setOption({
    grid: { left: 32, right: 12, top: 16, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.days },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: data.label, type: "bar", data: data.counts, itemStyle: { color: "#b8312f" } }]
  });
  box.setAttribute("data-rendered", "1");
  window.addEventListener("resize", function () { chart.resize(); });
})();
