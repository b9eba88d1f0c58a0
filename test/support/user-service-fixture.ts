/**
 * A small map service over a user's own data, made with GDAL the way a user would make it: a
 * GeoPackage of places and roads written by ogr2ogr from GeoJSON (reprojected to WGS 84 / UTM
 * zone 56S, EPSG:32756) and a Float32 DEM written by gdal_translate from an ASCII grid, around
 * Sydney (33.9°S 151.2°E), stored straight into a catalog beside them as `Sydney/Harbour`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceDefinition } from '../../src/catalog/service-definition.js';
import { SqliteCatalogStore } from '../../src/catalog/sqlite-catalog-store.js';

const run = promisify(execFile);

export const USER_FOLDER = 'Sydney';
export const USER_SERVICE = 'Harbour';
export const USER_SRID = 32756;
/** The DEM's extent (EPSG:32756): the TM50 sheet 3400S15100E and some ground around it. */
export const USER_DEM_EXTENT = { xmin: 305000, ymin: 6225000, xmax: 350000, ymax: 6275000 };
const CELL = 125;

/** Places (lon, lat) with a type and population, so sheets can be named by them. */
const PLACES: [string, string, number, number, number][] = [
  ['Harbourside', 'City', 250000, 151.2, -33.87],
  ['Parkview', 'Town', 12000, 151.05, -33.8],
  ['Southbay', 'Village', 900, 151.1, -33.97],
  ['Westridge', 'Village', 1500, 150.9, -33.85],
];

/** A service definition over the fixture's files. */
export function userServiceDefinition(options: { dem?: boolean } = {}): ServiceDefinition {
  const label = { labelPlacement: 'esriServerPointLabelPlacementAboveRight', labelExpression: '[NAME]', useCodedValues: false, where: null, minScale: 0, maxScale: 0,
    symbol: { type: 'esriTS', color: [0, 0, 0, 255], haloSize: 1, haloColor: [255, 255, 255, 255], verticalAlignment: 'baseline', horizontalAlignment: 'left', font: { family: 'DejaVu Sans', size: 9, style: 'normal', weight: 'normal', decoration: 'none' } } };
  return {
    serviceName: USER_SERVICE, folder: USER_FOLDER, type: 'MapServer', spatialReference: { wkid: USER_SRID, latestWkid: USER_SRID },
    capabilities: ['Map', 'Query', 'Data'],
    layers: [
      { id: 0, name: 'Places', type: 'Feature Layer', source: { type: 'geopackage', path: 'user/harbour.gpkg', table: 'places' }, displayField: 'NAME', defaultVisibility: true,
        drawingInfo: { renderer: { type: 'simple', symbol: { type: 'esriSMS', style: 'esriSMSSquare', color: [0, 0, 0, 255], size: 6, angle: 0, xoffset: 0, yoffset: 0, outline: null } }, labelingInfo: [label] } },
      { id: 1, name: 'Roads', type: 'Feature Layer', source: { type: 'geopackage', path: 'user/harbour.gpkg', table: 'roads' }, defaultVisibility: true,
        drawingInfo: { renderer: { type: 'simple', symbol: { type: 'esriSLS', style: 'esriSLSSolid', color: [200, 30, 30, 255], width: 2 } } } },
      ...(options.dem === false ? [] : [
        { id: 2, name: 'Hillshade', type: 'Raster Layer' as const, raster: { path: 'user/dem.tif', render: 'hillshade' as const }, drawingInfo: { transparency: 50 }, defaultVisibility: true },
        { id: 3, name: 'Elevation (DEM)', type: 'Raster Layer' as const, raster: { path: 'user/dem.tif', render: 'dem' as const }, defaultVisibility: false },
      ]),
    ],
  };
}

/**
 * Makes a data directory with `user/harbour.gpkg`, `user/dem.tif` and a catalog holding the
 * service (and, with `dem: false`, the same service without its raster layers as `Sydney/NoDem`).
 */
export async function makeUserDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quadrangle-user-'));
  const dir = join(dataDir, 'user');
  mkdirSync(dir);
  const gpkg = join(dir, 'harbour.gpkg');
  const places = {
    type: 'FeatureCollection',
    features: PLACES.map(([NAME, TYPE, POP, lon, lat]) => ({ type: 'Feature', properties: { NAME, TYPE, POP }, geometry: { type: 'Point', coordinates: [lon, lat] } })),
  };
  const roads = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { CLASS: 'Primary' }, geometry: { type: 'LineString', coordinates: [[150.95, -33.95], [151.05, -33.9], [151.2, -33.87]] } },
      { type: 'Feature', properties: { CLASS: 'Minor' }, geometry: { type: 'LineString', coordinates: [[151.05, -33.8], [151.1, -33.97]] } },
    ],
  };
  writeFileSync(join(dir, 'places.geojson'), JSON.stringify(places));
  writeFileSync(join(dir, 'roads.geojson'), JSON.stringify(roads));
  await run('ogr2ogr', ['-f', 'GPKG', '-t_srs', `EPSG:${USER_SRID}`, '-nln', 'places', gpkg, join(dir, 'places.geojson')]);
  await run('ogr2ogr', ['-f', 'GPKG', '-update', '-t_srs', `EPSG:${USER_SRID}`, '-nln', 'roads', gpkg, join(dir, 'roads.geojson')]);

  // Rolling hills rising inland (to the west), as an ASCII grid turned into a tiled Float32 GeoTIFF.
  const e = USER_DEM_EXTENT;
  const cols = (e.xmax - e.xmin) / CELL, rows = (e.ymax - e.ymin) / CELL;
  const lines = [`ncols ${cols}`, `nrows ${rows}`, `xllcorner ${e.xmin}`, `yllcorner ${e.ymin}`, `cellsize ${CELL}`, 'NODATA_value -9999'];
  for (let r = 0; r < rows; r++) {
    const y = e.ymax - (r + 0.5) * CELL;
    const row: string[] = [];
    for (let c = 0; c < cols; c++) {
      const x = e.xmin + (c + 0.5) * CELL;
      const z = 20 + ((e.xmax - x) / 45000) * 300 + 80 * Math.sin(x / 2500) * Math.cos(y / 3100) + 30 * Math.sin((x + y) / 1300);
      row.push(Math.max(0, z).toFixed(1));
    }
    lines.push(row.join(' '));
  }
  writeFileSync(join(dir, 'dem.asc'), `${lines.join('\n')}\n`);
  await run('gdal_translate', ['-q', '-of', 'GTiff', '-ot', 'Float32', '-a_srs', `EPSG:${USER_SRID}`, '-co', 'TILED=YES', join(dir, 'dem.asc'), join(dir, 'dem.tif')]);

  const store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
  try {
    await store.createFolder(USER_FOLDER);
    await store.putService(userServiceDefinition());
    await store.putService({ ...userServiceDefinition({ dem: false }), serviceName: 'NoDem' });
  } finally {
    await store.close();
  }
  return dataDir;
}
