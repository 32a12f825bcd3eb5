#!/usr/bin/env bash
# Refresh the JavaScript libraries the web UI serves itself (nothing comes from a CDN): each package is fetched
# from the npm registry with `npm pack` at the pinned version below, and only its distribution files are copied
# into src/marsad/web/static/vendor/. Bump a version here, run the script, commit the result.
set -euo pipefail

DEST="$(cd "$(dirname "$0")/.." && pwd)/src/marsad/web/static/vendor"
PACKAGES=(
  "echarts@6.1.0"          # timeline chart
  "cytoscape@3.35.0"       # actor network graph
  "leaflet@1.9.4"          # event map
  "topojson-client@3.1.0"  # TopoJSON -> GeoJSON for the map's outline
  "world-atlas@2.0.2"      # tiles-free world outline (Natural Earth, public domain)
  "swagger-ui-dist@5.35.0" # /docs
  "redoc@2.5.4"            # /redoc (3.x bundles use import.meta: not loadable as the classic script FastAPI writes)
)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
for spec in "${PACKAGES[@]}"; do
  npm pack --silent "$spec" >/dev/null
done
for tgz in *.tgz; do
  name="${tgz%-*.tgz}"
  mkdir -p "$name" && tar xzf "$tgz" -C "$name" --strip-components=1
done

# what each package contributes: source file in the package -> file under vendor/<package>/
copy() {  # copy PACKAGE FILE...
  local pkg="$1"; shift
  mkdir -p "$DEST/$pkg"
  for f in "$@"; do
    mkdir -p "$DEST/$pkg/$(dirname "$f")"
    cp "$pkg/$f" "$DEST/$pkg/$f"
  done
  cp "$pkg/LICENSE" "$DEST/$pkg/LICENSE"
}

rm -rf "$DEST"
copy echarts dist/echarts.min.js
copy cytoscape dist/cytoscape.min.js
copy leaflet dist/leaflet.js dist/leaflet.css dist/images/marker-icon.png dist/images/marker-icon-2x.png \
  dist/images/marker-shadow.png dist/images/layers.png dist/images/layers-2x.png
copy topojson-client dist/topojson-client.min.js
copy world-atlas countries-110m.json
copy swagger-ui-dist swagger-ui-bundle.js swagger-ui.css favicon-32x32.png
copy redoc bundles/redoc.standalone.js
# ReDoc's sidebar loads a logo from cdn.redoc.ly: an empty local image instead, so that /redoc stays offline
sed -i 's|https://cdn.redoc.ly/redoc/logo-mini.svg|data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E|' \
  "$DEST/redoc/bundles/redoc.standalone.js"
if grep -q 'cdn\.redoc\.ly' "$DEST/redoc/bundles/redoc.standalone.js"; then
  echo "redoc still names cdn.redoc.ly: update the rewrite above" >&2; exit 1
fi

# the pinned versions, for the README and the tests
printf '%s\n' "${PACKAGES[@]}" > "$DEST/VERSIONS"
du -sh "$DEST"
