// The actor network (cytoscape.js): node size by events, colour by kind, edge width by weight; zoom with the
// wheel or the buttons; a click on an actor opens its page. Data from <script id="network-data">.
(function () {
  "use strict";
  var el = document.getElementById("network-graph");
  var src = document.getElementById("network-data");
  if (!el || !src || typeof cytoscape === "undefined") { return; }
  var data = JSON.parse(src.textContent);
  var colours = { person: "#2563eb", country: "#16a34a", organization: "#d97706", group: "#9333ea" };
  var ids = {};
  var elements = data.nodes.map(function (n) {
    ids[n.id] = true;
    return { data: { id: n.id, label: n.name || n.name_ar || n.id, events: n.events || 1,
                     colour: colours[n.kind] || "#6b7280", focus: n.focus ? 1 : 0 } };
  });
  data.edges.forEach(function (e, i) {
    if (!ids[e.source] || !ids[e.target]) { return; }
    elements.push({ data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight,
                            label: Object.keys(e.types || {}).join(" ") } });
  });
  var cy = cytoscape({
    container: el, elements: elements, wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 6,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 10,
        width: "mapData(events, 1, 30, 14, 60)", height: "mapData(events, 1, 30, 14, 60)",
        "text-valign": "bottom", "text-margin-y": 3 } },
      { selector: "node[focus = 1]", style: { "border-width": 3, "border-color": "#111827" } },
      { selector: "edge", style: { width: "mapData(weight, 1, 20, 1, 8)", "line-color": "#9ca3af",
        "curve-style": "bezier", "target-arrow-shape": "triangle", "target-arrow-color": "#9ca3af",
        label: "data(label)", "font-size": 7, color: "#6b7280" } }
    ],
    // an actor's own graph (a star: the actor and its counterparts) in rings around it; the whole network
    // force-directed
    layout: data.focus ? { name: "concentric", animate: false, minNodeSpacing: 90,
                           concentric: function (n) { return n.data("focus") ? 2 : 1; }, levelWidth: function () { return 1; } }
                       : { name: "cose", animate: false, randomize: false, nodeRepulsion: 40000, idealEdgeLength: 110,
                           componentSpacing: 60, nodeOverlap: 20 }
  });
  if (data.focus) { cy.edges().style("target-arrow-shape", "none"); }  // counterparts either way round
  cy.on("tap", "node", function (evt) {
    window.location.href = "/actors/" + encodeURIComponent(evt.target.id());
  });
  function zoom(f) {
    cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: el.clientWidth / 2, y: el.clientHeight / 2 } });
  }
  var zin = document.getElementById("zoom-in"), zout = document.getElementById("zoom-out"),
      zfit = document.getElementById("zoom-fit");
  if (zin) { zin.addEventListener("click", function () { zoom(1.25); }); }
  if (zout) { zout.addEventListener("click", function () { zoom(0.8); }); }
  if (zfit) { zfit.addEventListener("click", function () { cy.fit(undefined, 20); }); }
  // the type boxes show or hide the edges at once (the form above filters on the server)
  var boxes = document.querySelectorAll("#edge-types input[type=checkbox]");
  function showTypes() {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    cy.edges().forEach(function (e) {
      var keep = String(e.data("label")).split(" ").some(function (t) { return on[t]; });
      e.style("display", keep ? "element" : "none");
    });
    el.setAttribute("data-visible-edges", String(cy.edges().filter(function (e) {
      return e.style("display") !== "none"; }).length));
  }
  boxes.forEach(function (b) { b.addEventListener("change", showTypes); });
  showTypes();
  el.setAttribute("data-nodes", String(cy.nodes().length));
  window.marsadGraph = cy;  // for the browser tests and the console
})();
