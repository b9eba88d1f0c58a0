/**
 * The map service published over the sample region: its layers in draw order (first on
 * top), with topographic symbology in Esri drawingInfo and labels.
 * @module sample/sample-service
 */
import type { LayerDefinition, ServiceDefinition } from '../catalog/service-definition.js';
import { SAMPLE_EXTENT } from './crs.js';
import type { TerrainRendering } from '../terrain/terrain-renderer.js';
import { webMercatorTileInfo } from '../tiles/tiling-scheme.js';

export const SAMPLE_FOLDER = 'Topo';
export const SAMPLE_SERVICE = 'SampleRegion';
/** Relative to the data directory. */
export const SAMPLE_DIR = 'sample';
export const SAMPLE_GPKG = `${SAMPLE_DIR}/region.gpkg`;
export const SAMPLE_DEM = `${SAMPLE_DIR}/dem.tif`;

type Rgba = [number, number, number, number];
const sls = (color: Rgba, width: number, style = 'esriSLSSolid') => ({ type: 'esriSLS', style, color, width });
const sfs = (color: Rgba | null, outline: ReturnType<typeof sls> | null, style = 'esriSFSSolid') => ({ type: 'esriSFS', style, color, outline });
const sms = (color: Rgba, size: number, style = 'esriSMSCircle', outline: ReturnType<typeof sls> | null = null) => ({ type: 'esriSMS', style, color, size, angle: 0, xoffset: 0, yoffset: 0, outline });
const text = (color: Rgba, size: number, opts: { weight?: string; style?: string; halo?: number } = {}) => ({
  type: 'esriTS', color, haloSize: opts.halo ?? 1, haloColor: [255, 255, 255, 255], verticalAlignment: 'baseline', horizontalAlignment: 'left',
  font: { family: 'DejaVu Sans', size, style: opts.style ?? 'normal', weight: opts.weight ?? 'normal', decoration: 'none' },
});
const uv = (field: string, infos: [string, string, unknown][], defaultSymbol: unknown = null) => ({
  type: 'uniqueValue', field1: field, field2: null, field3: null, fieldDelimiter: ', ', defaultSymbol, defaultLabel: defaultSymbol ? 'Other' : null,
  uniqueValueInfos: infos.map(([value, label, symbol]) => ({ value, label, description: '', symbol })),
});
const simple = (symbol: unknown, label = '') => ({ type: 'simple', symbol, label, description: '' });

const WATER: Rgba = [0, 112, 192, 255];
const WATER_FILL: Rgba = [190, 225, 245, 255];

const COMMON_ALIASES: Record<string, string> = {
  F_CODE: 'Feature code', NAM: 'Name', TYPE: 'Type', CLASS: 'Class', ZVH: 'Elevation (m)', POP: 'Population',
};

function layer(id: number, name: string, table: string, drawing: LayerDefinition['drawingInfo'], extra: Partial<LayerDefinition> = {}): LayerDefinition {
  return {
    id, name, type: 'Feature Layer', source: { type: 'geopackage', path: SAMPLE_GPKG, table },
    drawingInfo: { transparency: 0, labelingInfo: null, ...drawing }, fieldAliases: COMMON_ALIASES, defaultVisibility: true, minScale: 0, maxScale: 0,
    ...extra,
  };
}

/** A raster layer over the sample DEM, drawn by a terrain rendering. */
function terrain(id: number, name: string, raster: TerrainRendering, transparency: number, defaultVisibility: boolean): LayerDefinition {
  return {
    id, name, type: 'Raster Layer', raster: { path: SAMPLE_DEM, ...raster },
    drawingInfo: { transparency }, defaultVisibility, minScale: 0, maxScale: 0,
  };
}

const SHEET_RENDERER = simple(sfs(null, sls([200, 0, 0, 255], 1.2)), 'Sheet');
const sheetLabels = [{ labelPlacement: 'esriServerPolygonPlacementAlwaysHorizontal', labelExpression: '[NRN]', useCodedValues: false, where: null, minScale: 0, maxScale: 0, symbol: text([200, 0, 0, 255], 9, { weight: 'bold' }) }];

/** The service definition of the sample region (EPSG:32630). */
export function sampleServiceDefinition(): ServiceDefinition {
  return {
    serviceName: SAMPLE_SERVICE,
    folder: SAMPLE_FOLDER,
    type: 'MapServer',
    description: 'A generated 60 × 60 km West Highland region in UTM zone 30N: relief, hydrography derived from the terrain, settlements, transport, vegetation, boundaries and the TM25/TM50/TM100 sheet indexes.',
    serviceDescription: 'Quadrangle sample region',
    copyrightText: 'Quadrangle sample data (generated)',
    mapName: 'Layers',
    documentInfo: { Title: 'Sample region', Author: 'Quadrangle', Subject: 'Topographic base data', Keywords: 'topographic,sample,MGCP' },
    spatialReference: { wkid: 32630, latestWkid: 32630 },
    // The region itself: the full extent also holds the sheet indexes' outer sheets.
    initialExtent: { ...SAMPLE_EXTENT },
    capabilities: ['Map', 'Query', 'Data'],
    maxRecordCount: 2000,
    // Web Mercator so the cache lines up with every basemap; level 17 is about 1:4,500.
    tileInfo: webMercatorTileInfo({ maxLevel: 17 }),
    layers: [
      layer(0, 'Place names', 'place_names', {
        renderer: uv('TYPE', [
          ['City', 'City', sms([0, 0, 0, 255], 9, 'esriSMSSquare')], ['Town', 'Town', sms([0, 0, 0, 255], 7, 'esriSMSSquare')],
          ['Village', 'Village', sms([0, 0, 0, 255], 5)], ['Hamlet', 'Hamlet', sms([0, 0, 0, 255], 3)],
          ['Peak', 'Peak', sms([120, 60, 20, 255], 6, 'esriSMSTriangle')], ['Water', 'Water name', sms([0, 0, 0, 0], 1)],
        ], sms([80, 80, 80, 255], 3)),
        labelingInfo: [
          { labelPlacement: 'esriServerPointLabelPlacementAboveRight', labelExpression: '[NAM]', useCodedValues: false, where: "TYPE IN ('City', 'Town')", minScale: 0, maxScale: 0, symbol: text([0, 0, 0, 255], 11, { weight: 'bold' }) },
          { labelPlacement: 'esriServerPointLabelPlacementAboveRight', labelExpression: '[NAM]', useCodedValues: false, where: "TYPE IN ('Village', 'Hamlet', 'Locality')", minScale: 150000, maxScale: 0, symbol: text([0, 0, 0, 255], 8) },
          { labelPlacement: 'esriServerPointLabelPlacementAboveCenter', labelExpression: '[NAM]', useCodedValues: false, where: "TYPE = 'Peak'", minScale: 150000, maxScale: 0, symbol: text([100, 50, 20, 255], 8, { style: 'italic' }) },
          { labelPlacement: 'esriServerPointLabelPlacementCenterCenter', labelExpression: '[NAM]', useCodedValues: false, where: "TYPE = 'Water'", minScale: 150000, maxScale: 0, symbol: text(WATER, 9, { style: 'italic' }) },
        ],
      }, { displayField: 'NAM' }),
      layer(1, 'Spot heights', 'spot_heights', {
        renderer: simple(sms([0, 0, 0, 255], 3), 'Spot height'),
        labelingInfo: [{ labelPlacement: 'esriServerPointLabelPlacementAboveRight', labelExpression: '[ZVH]', useCodedValues: false, where: null, minScale: 60000, maxScale: 0, symbol: text([0, 0, 0, 255], 7) }],
      }, { displayField: 'ZVH', minScale: 120000 }),
      layer(2, 'Buildings', 'buildings', { renderer: simple(sfs([70, 70, 70, 255], null), 'Building') }, { minScale: 60000, fieldAliases: { ...COMMON_ALIASES, FFN: 'Feature function', HGT: 'Height (m)' } }),
      layer(3, 'Railways', 'railways', { renderer: simple(sls([0, 0, 0, 255], 1.6, 'esriSLSDash'), 'Railway') }, { displayField: 'NAM' }),
      layer(4, 'Roads', 'roads', {
        renderer: uv('CLASS', [
          ['Primary', 'Primary road', sls([200, 30, 30, 255], 2.6)], ['Secondary', 'Secondary road', sls([235, 140, 0, 255], 2)],
          ['Minor', 'Minor road', sls([110, 110, 110, 255], 1.1)], ['Street', 'Street', sls([150, 150, 150, 255], 0.8)],
        ], sls([150, 150, 150, 255], 0.6)),
        labelingInfo: [{ labelPlacement: 'esriServerLinePlacementCenterAlong', labelExpression: '[RTN]', useCodedValues: false, where: 'RTN IS NOT NULL', minScale: 250000, maxScale: 0, symbol: text([0, 0, 0, 255], 7, { weight: 'bold' }) }],
      }, { displayField: 'RTN', fieldAliases: { ...COMMON_ALIASES, RTY: 'Road type', RTN: 'Route number', WID: 'Width (m)', SURFACE: 'Surface' } }),
      layer(5, 'Watercourses', 'watercourses', {
        renderer: {
          type: 'classBreaks', field: 'ORD', classificationMethod: 'esriClassifyManual', minValue: 1, defaultSymbol: null, defaultLabel: null, backgroundFillSymbol: null,
          normalizationType: null, normalizationField: null,
          classBreakInfos: [
            { classMaxValue: 1, label: 'Stream', description: '', symbol: sls(WATER, 0.5) },
            { classMaxValue: 2, label: 'Burn', description: '', symbol: sls(WATER, 0.8) },
            { classMaxValue: 3, label: 'River', description: '', symbol: sls(WATER, 1.3) },
            { classMaxValue: 99, label: 'Major river', description: '', symbol: sls(WATER, 2) },
          ],
        },
        labelingInfo: [{ labelPlacement: 'esriServerLinePlacementAboveAlong', labelExpression: '[NAM]', useCodedValues: false, where: 'NAM IS NOT NULL', minScale: 150000, maxScale: 0, symbol: text(WATER, 8, { style: 'italic' }) }],
      }, { displayField: 'NAM', fieldAliases: { ...COMMON_ALIASES, HYP: 'Hydrologic persistence', ORD: 'Stream order', WID: 'Width (m)' } }),
      layer(6, 'Lakes', 'lakes', { renderer: simple(sfs(WATER_FILL, sls(WATER, 0.6)), 'Lake') }, { displayField: 'NAM', fieldAliases: { ...COMMON_ALIASES, AREA_KM2: 'Area (km²)' } }),
      layer(7, 'Coastline', 'coastline', { renderer: simple(sls(WATER, 0.8), 'Coastline') }),
      layer(8, 'Sea', 'sea', { renderer: simple(sfs(WATER_FILL, null), 'Sea') }, { displayField: 'NAM' }),
      // Area fills are partly transparent so the hillshade below them models the ground.
      layer(9, 'Built-up areas', 'builtup_areas', { renderer: simple(sfs([245, 200, 170, 255], sls([200, 140, 110, 255], 0.4)), 'Built-up area'), transparency: 25 }, { displayField: 'NAM' }),
      layer(10, 'Vegetation', 'vegetation', {
        renderer: uv('CLASS', [
          ['Forest', 'Forest', sfs([190, 225, 170, 255], null)], ['Scrub', 'Scrub', sfs([215, 235, 190, 255], null)],
          ['Moorland', 'Moorland', sfs([235, 230, 205, 255], null)], ['Marsh', 'Marsh', sfs([60, 130, 190, 255], null, 'esriSFSHorizontal')],
        ]),
        transparency: 40,
      }, { displayField: 'CLASS', fieldAliases: { ...COMMON_ALIASES, VEG: 'Vegetation code' } }),
      layer(11, 'Administrative boundaries', 'admin_boundaries', { renderer: simple(sls([130, 60, 150, 255], 1.5, 'esriSLSDashDot'), 'Council boundary') }, { displayField: 'NAM_LEFT' }),
      layer(12, 'Administrative areas', 'admin_areas', { renderer: simple(sfs(null, sls([130, 60, 150, 255], 0.5)), 'Council area') }, { displayField: 'NAM', defaultVisibility: false }),
      { id: 13, name: 'Sheet indexes', type: 'Group Layer', defaultVisibility: false, minScale: 0, maxScale: 0 },
      layer(14, 'TM25 sheets', 'sheets_tm25', { renderer: SHEET_RENDERER, labelingInfo: sheetLabels }, { parentLayerId: 13, displayField: 'NRN', defaultVisibility: false }),
      layer(15, 'TM50 sheets', 'sheets_tm50', { renderer: SHEET_RENDERER, labelingInfo: sheetLabels }, { parentLayerId: 13, displayField: 'NRN', defaultVisibility: false }),
      layer(16, 'TM100 sheets', 'sheets_tm100', { renderer: SHEET_RENDERER, labelingInfo: sheetLabels }, { parentLayerId: 13, displayField: 'NRN', defaultVisibility: false }),
      // Terrain at the bottom of the draw order; the shaded relief shows through the area fills above.
      terrain(17, 'Hillshade', { render: 'hillshade', azimuth: 315, altitude: 45, zFactor: 1, seaLevel: 0 }, 50, true),
      terrain(18, 'Elevation tint', { render: 'elevation' }, 0, false),
      terrain(19, 'Elevation (DEM)', { render: 'dem' }, 0, false),
    ],
  };
}
