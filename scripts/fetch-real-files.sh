#!/usr/bin/env bash
# Real files other software wrote, for the tests: the example data that Debian's R packages
# ship (sf: shapefiles, GeoPackages, GeoTIFFs; terra: a DEM and a shapefile; stars: rasters).
# Unpacks them under test/data/r-cran (not in git). Needs apt's package lists; no root needed.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=test/data/r-cran
[ -f "$dest/.complete" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q r-cran-sf r-cran-terra r-cran-stars >/dev/null)
rm -rf "$dest" && mkdir -p "$dest"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/x"; done
lib="$work/x/usr/lib/R/site-library"
cp -r "$lib/sf/shape" "$lib/sf/gpkg" "$lib/sf/tif" "$dest/" 2>/dev/null || true
mkdir -p "$dest/terra" "$dest/stars"
cp -r "$lib/terra/ex/." "$dest/terra/"
cp -r "$lib/stars/tif/." "$dest/stars/" 2>/dev/null || true
touch "$dest/.complete"
