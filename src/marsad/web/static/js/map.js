// The event map (Leaflet) over a tiles-free world outline (Natural Earth via world-atlas, served from static/):
// one circle per place, sized by its events; its popup links to the events there.
(function () {
  "use strict";
  var el = document.getElementById("event-map");
  var src = document.getElementById("map-data");
  if (!el || !src || typeof L === "undefined") { return; }
  var data = JSON.parse(src.textContent);
  var map = L.map(el, { worldCopyJump: true, attributionControl: true }).setView([27, 35], 3);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");
  fetch("/static/vendor/world-atlas/countries-110m.json").then(function (r) { return r.json(); })
    .then(function (topo) {
      var land = topojson.feature(topo, topo.objects.countries);
      // rings cut at the antimeridian (Russia, Fiji) would draw a line across the world: their western
      // points move east of 180°; Antarctica, which wraps the pole, is left out (no events there)
      land.features = land.features.filter(function (f) { return f.properties.name !== "Antarctica"; });
      land.features.forEach(function (f) {
        var g = f.geometry;
        if (!g) { return; }
        var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
        polys.forEach(function (poly) {
          poly.forEach(function (ring, i) {
            var lons = ring.map(function (c) { return c[0]; });
            if (Math.max.apply(null, lons) - Math.min.apply(null, lons) > 270) {
              poly[i] = ring.map(function (c) { return [c[0] < 0 ? c[0] + 360 : c[0], c[1]]; });
            }
          });
        });
      });
      L.geoJSON(land, { style: { color: "#94a3b8", weight: 0.7, fillColor: "#f8fafc", fillOpacity: 1 },
                        interactive: false }).addTo(map).bringToBack();
      el.setAttribute("data-outline", "1");
    });
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var markers = [];
  data.points.forEach(function (p) {
    var types = Object.keys(p.types).map(function (t) { return esc(t) + " " + p.types[t]; }).join("<br>");
    var link = p.country ? "/events?country=" + encodeURIComponent(p.country) : "/events";
    var m = L.circleMarker([p.lat, p.lon], { radius: 5 + 3 * Math.sqrt(p.events), color: "#b91c1c",
                                             fillColor: "#ef4444", fillOpacity: 0.7, weight: 1,
                                             className: "event-marker" })
      .bindPopup("<b>" + esc(p.name_ar || p.name) + "</b> (" + esc(p.name) + ")<br>" + types +
                 '<br><a href="' + esc(link) + '">' + p.events + "</a>")
      .addTo(map);
    markers.push(m);
  });
  if (markers.length) { map.fitBounds(L.featureGroup(markers).getBounds().pad(0.15), { maxZoom: 6 }); }
  el.setAttribute("data-markers", String(markers.length));
})();
