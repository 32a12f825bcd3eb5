// The timeline chart: events per month, stacked by PLOVER type (ECharts). Data comes from
// <script type="application/json" id="timeline-data"> so that no inline script is needed (CSP script-src 'self').
(function () {
  "use strict";
  var el = document.getElementById("timeline-chart");
  var src = document.getElementById("timeline-data");
  if (!el || !src || typeof echarts === "undefined") { return; }
  var data = JSON.parse(src.textContent);
  var rtl = document.documentElement.dir === "rtl";
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    grid: { left: 40, right: 20, top: 40, bottom: 60 },
    dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
    xAxis: { type: "category", data: data.months, inverse: rtl },
    yAxis: { type: "value", minInterval: 1, position: rtl ? "right" : "left" },
    series: data.series.map(function (s) {
      return { name: s.type, type: "bar", stack: "events", data: s.counts, emphasis: { focus: "series" } };
    })
  });
  el.setAttribute("data-rendered", String(data.months.length));
  window.addEventListener("resize", function () { chart.resize(); });
})();
