#!/usr/bin/env bash
# Refresh the dashboard's vendored browser assets from the npm registry.
# The vendored files are committed so `dateline serve` works offline with no build step;
# run this only to upgrade them. Pinned versions keep the refresh reproducible.
set -euo pipefail

LEAFLET=1.9.4
MARKERCLUSTER=1.5.3
TOPOJSON_CLIENT=3.1.0
WORLD_ATLAS=2.0.2
SWAGGER_UI=5.35.0

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/src/dateline/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent \
  "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" \
  "topojson-client@$TOPOJSON_CLIENT" "world-atlas@$WORLD_ATLAS" "swagger-ui-dist@$SWAGGER_UI")
nm="$tmp/node_modules"

rm -rf "$dest" && mkdir -p "$dest/leaflet/images" "$dest/markercluster" "$dest/topojson-client" "$dest/world-atlas" \
  "$dest/swagger-ui"
cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" "$nm/leaflet/LICENSE" "$dest/leaflet/"
cp "$nm/leaflet/dist/images/"*.png "$dest/leaflet/images/"
# MarkerCluster.Default.css is left out: the dashboard draws its own cluster icons (rings of type colours).
cp "$nm/leaflet.markercluster/dist/leaflet.markercluster.js" "$nm/leaflet.markercluster/dist/MarkerCluster.css" \
  "$nm/leaflet.markercluster/MIT-LICENCE.txt" "$dest/markercluster/"
cp "$nm/topojson-client/dist/topojson-client.min.js" "$nm/topojson-client/LICENSE" "$dest/topojson-client/"
cp "$nm/world-atlas/countries-110m.json" "$nm/world-atlas/LICENSE" "$dest/world-atlas/"
# Swagger UI for the API's /docs page, so it needs no network either.
cp "$nm/swagger-ui-dist/swagger-ui-bundle.js" "$nm/swagger-ui-dist/swagger-ui.css" "$nm/swagger-ui-dist/favicon-32x32.png" \
  "$nm/swagger-ui-dist/LICENSE" "$nm/swagger-ui-dist/NOTICE" "$dest/swagger-ui/"
cat > "$dest/VERSIONS.txt" <<VERSIONS
leaflet $LEAFLET (BSD-2-Clause)
leaflet.markercluster $MARKERCLUSTER (MIT)
topojson-client $TOPOJSON_CLIENT (ISC)
world-atlas $WORLD_ATLAS (ISC; boundaries from Natural Earth, public domain)
swagger-ui-dist $SWAGGER_UI (Apache-2.0)
VERSIONS
echo "vendored into $dest"
