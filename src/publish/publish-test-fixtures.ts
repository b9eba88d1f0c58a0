/**
 * Test support for publishing: a user's files as GDAL writes them — a windows-1252 shapefile of
 * places in British National Grid with accented names, GeoJSON roads (sample feature codes) and
 * areas in WGS 84, a GeoPackage with two tables, a DEM made by gdal_translate from a small grid
 * whose elevations follow a known formula — and the bad inputs users bring: a text file named
 * .shp, a GeoTIFF without georeferencing.
 * @module publish/publish-test-fixtures
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { featureCollection, ogr2ogr, type TempDir } from '../ingest/gdal-test-fixtures.js';

/** The DEM's grid: 20 × 20 cells of 100 m, top-left corner at (400000, 101000) in EPSG:27700. */
export const DEM_GRID = { cols: 20, rows: 20, cell: 100, left: 400000, top: 101000 } as const;
/** Elevation of the cell in column `col`, row `row` (row 0 at the top). */
export const demValue = (col: number, row: number): number => 100 + 5 * col + 3 * row;

export const PLACES = [
  { properties: { NOM: "Château d'Eau", 'Région': 'Île-de-France', POP: 1200 }, geometry: { type: 'Point', coordinates: [400500, 100500] } },
  { properties: { NOM: 'Øresund Ærø', 'Région': 'Zürich', POP: 35 }, geometry: { type: 'Point', coordinates: [401500, 100500] } },
];
/** A road with the sample's feature code and road class, in WGS 84 (inside the DEM). */
export const ROADS = [
  { properties: { F_CODE: 'AP030', CLASS: 'Primary', RTN: 'A82', NAM: 'Great North Road' }, geometry: { type: 'LineString', coordinates: [[-1.9971, 50.8014], [-1.9886, 50.8032]] } },
];
/** A square field in British National Grid, written out as WGS 84 GeoJSON. */
export const AREA_27700 = [[401000, 99200], [401800, 99200], [401800, 99800], [401000, 99800], [401000, 99200]];

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
}

export interface PublishFixtures {
  places: string; roads: string; areas: string; gpkg: string; dem: string;
  badShp: string; demWithoutGeoreferencing: string; noPrj: string;
}

/** Writes every fixture into `dir`. */
export function writePublishFixtures(dir: TempDir): PublishFixtures {
  const src = (name: string, features: { geometry: unknown; properties?: Record<string, unknown> }[], crs?: string) => {
    const path = dir.file(`${name}.src.json`);
    writeFileSync(path, featureCollection(features, crs));
    return path;
  };
  const places = dir.file('places.shp');
  ogr2ogr(['-lco', 'ENCODING=CP1252', '-a_srs', 'EPSG:27700', places, src('places', PLACES)]);
  const noPrj = dir.file('noprj.shp');
  ogr2ogr([noPrj, src('noprj', PLACES)]);
  rmSync(noPrj.replace(/\.shp$/, '.prj'), { force: true });
  const roads = dir.file('roads.geojson');
  ogr2ogr(['-f', 'GeoJSON', roads, src('roads', ROADS)]);
  const areas = dir.file('areas.geojson');
  ogr2ogr(['-f', 'GeoJSON', '-s_srs', 'EPSG:27700', '-t_srs', 'EPSG:4326', '-lco', 'COORDINATE_PRECISION=9', areas,
    src('areas', [{ properties: { name: 'Long Field', use: 'meadow' }, geometry: { type: 'Polygon', coordinates: [AREA_27700] } }])]);
  const gpkg = dir.file('survey.gpkg');
  ogr2ogr(['-f', 'GPKG', '-a_srs', 'EPSG:27700', '-nln', 'wells', gpkg, src('wells', [{ properties: { label: 'Well 1' }, geometry: { type: 'Point', coordinates: [400700, 99500] } }])]);
  ogr2ogr(['-update', '-f', 'GPKG', '-a_srs', 'EPSG:27700', '-nln', 'hedges', gpkg, src('hedges', [{ properties: { kind: 'hawthorn' }, geometry: { type: 'LineString', coordinates: [[400100, 99100], [400900, 99900]] } }])]);

  const { cols, rows, cell, left, top } = DEM_GRID;
  const lines = [`ncols ${cols}`, `nrows ${rows}`, `xllcorner ${left}`, `yllcorner ${top - rows * cell}`, `cellsize ${cell}`, 'NODATA_value -9999'];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: cols }, (_, c) => demValue(c, r)).join(' '));
  const asc = dir.file('grid.asc');
  writeFileSync(asc, `${lines.join('\n')}\n`);
  const dem = dir.file('dem.tif');
  run('gdal_translate', ['-q', '-a_srs', 'EPSG:27700', '-ot', 'Float32', asc, dem]);
  // A baseline TIFF carries no GeoTIFF tags at all: no placement, no CRS.
  const demWithoutGeoreferencing = dir.file('plain.tif');
  run('gdal_translate', ['-q', '-co', 'PROFILE=BASELINE', '-ot', 'Float32', asc, demWithoutGeoreferencing]);

  const badShp = dir.file('notes.shp');
  writeFileSync(badShp, 'These are my notes about the survey, not a shapefile.\n');
  return { places, roads, areas, gpkg, dem, badShp, demWithoutGeoreferencing, noPrj };
}
