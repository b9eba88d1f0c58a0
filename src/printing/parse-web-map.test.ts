import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_WEB_MAP_MAX_BYTES, parseWebMap } from './parse-web-map.js';
import { PrintRequestError, type WebMap, type WebMapLayer } from './web-map.js';

type Json = Record<string, unknown>;

const EXTENT = { xmin: 280000, ymin: 5500000, xmax: 310000, ymax: 5520000 };
const WEB_MERCATOR = { wkid: 102100, latestWkid: 3857 };

function parse(value: unknown): { webMap: WebMap; warnings: string[] } {
  return parseWebMap(JSON.stringify(value));
}

/** A valid web map with `extra` keys added at the top level. */
function withMap(extra: Json = {}): Json {
  return { mapOptions: { extent: EXTENT }, ...extra };
}

/** The details of the PrintRequestError parsing `value` (JSON text, or a value to stringify) throws. */
function problems(value: unknown, options?: { maxBytes?: number }): string[] {
  try {
    parseWebMap(typeof value === 'string' ? value : JSON.stringify(value), options);
  } catch (error) {
    assert.ok(error instanceof PrintRequestError, `expected a PrintRequestError, got ${String(error)}`);
    assert.equal(error.message, error.details.join(' '));
    return error.details;
  }
  assert.fail('the web map was accepted');
}

function operational(...layers: unknown[]): WebMapLayer[] {
  return parse(withMap({ operationalLayers: layers })).webMap.operationalLayers;
}

function basemap(...layers: unknown[]): WebMapLayer[] {
  return parse(withMap({ baseMap: { title: 'Base', baseMapLayers: layers } })).webMap.baseMapLayers;
}

const MAP_SERVER = 'https://maps.example.org/arcgis/rest/services/Topo/Region/MapServer';

// --- the text itself -------------------------------------------------------------------------

test('text that is not JSON names the parser error', () => {
  const [detail, ...rest] = problems('{"mapOptions": }');
  assert.deepEqual(rest, []);
  let expected = '';
  try { JSON.parse('{"mapOptions": }'); } catch (error) { expected = (error as Error).message; }
  assert.equal(detail, `Web_Map_as_JSON is not valid JSON: ${expected}`);
});

test('text larger than the limit is refused before parsing; UTF-8 bytes count', () => {
  const padding = ' '.repeat(DEFAULT_WEB_MAP_MAX_BYTES);
  assert.deepEqual(problems(`{"mapOptions": {}}${padding}`), ['Web_Map_as_JSON is larger than 10 MB']);
  const text = JSON.stringify(withMap({ layoutOptions: { titleText: 'ü'.repeat(100) } }));
  const bytes = Buffer.byteLength(text, 'utf8');
  assert.equal(bytes, text.length + 100);
  assert.deepEqual(problems(text, { maxBytes: bytes - 1 }), [`Web_Map_as_JSON is larger than ${bytes - 1} bytes`]);
  assert.equal(parseWebMap(text, { maxBytes: bytes }).webMap.layout.titleText, 'ü'.repeat(100));
  assert.deepEqual(problems(`${text}${' '.repeat(2048)}`, { maxBytes: 2048 }), ['Web_Map_as_JSON is larger than 2 KB']);
});

test('empty text and JSON that is not an object are refused', () => {
  assert.deepEqual(problems(''), ['Web_Map_as_JSON is required']);
  assert.deepEqual(problems('   '), ['Web_Map_as_JSON is required']);
  assert.deepEqual(problems('[]'), ['Web_Map_as_JSON must be a JSON object']);
  assert.deepEqual(problems('null'), ['Web_Map_as_JSON must be a JSON object']);
  assert.deepEqual(problems('"web map"'), ['Web_Map_as_JSON must be a JSON object']);
});

// --- mapOptions ------------------------------------------------------------------------------

test('a web map with only an extent takes every default', () => {
  const { webMap, warnings } = parse(withMap());
  assert.deepEqual(warnings, []);
  assert.deepEqual(webMap, {
    mapOptions: {
      extent: EXTENT, extentSr: null, scale: null, rotation: 0, spatialReference: WEB_MERCATOR,
      time: null, background: [255, 255, 255, 255], showAttribution: false,
    },
    operationalLayers: [], baseMapLayers: [], baseMapTitle: '', dpi: 96, outputSize: [800, 1100],
    layout: {
      titleText: '', authorText: '', copyrightText: '',
      scaleBar: { metricUnit: 'esriKilometers', metricLabel: '', nonMetricUnit: 'esriMiles', nonMetricLabel: '' },
      customTextElements: {}, legendLayers: null, hiddenElements: [],
    },
  });
});

test('mapOptions and its extent are required', () => {
  assert.deepEqual(problems({}), ['mapOptions is required']);
  assert.deepEqual(problems({ mapOptions: null }), ['mapOptions is required']);
  assert.deepEqual(problems({ mapOptions: [1] }), ['mapOptions must be an object']);
  assert.deepEqual(problems({ mapOptions: {} }), ['mapOptions.extent is required']);
  assert.deepEqual(problems({ mapOptions: { extent: { xmin: 0, ymin: 0, xmax: '5', ymax: 5 } } }),
    ['mapOptions.extent must be an envelope {xmin, ymin, xmax, ymax} of numbers']);
});

test('an extent with no size or turned inside out is refused', () => {
  for (const extent of [{ xmin: 5, ymin: 0, xmax: 5, ymax: 10 }, { xmin: 0, ymin: 10, xmax: 5, ymax: 0 }]) {
    assert.deepEqual(problems({ mapOptions: { extent } }), ['mapOptions.extent must have xmin < xmax and ymin < ymax']);
  }
});

test('unknown spatial references are named by their path', () => {
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, spatialReference: { wkid: 999999 } } }),
    ['mapOptions.spatialReference: unknown wkid 999999']);
  assert.deepEqual(problems({ mapOptions: { extent: { ...EXTENT, spatialReference: { wkid: 999999 } } } }),
    ['mapOptions.extent.spatialReference: unknown wkid 999999']);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, spatialReference: {} } }),
    ['mapOptions.spatialReference: spatial reference needs a wkid or wkt']);
});

test('the output SR is mapOptions.spatialReference, else the extent\'s, else the first basemap layer\'s, else Web Mercator', () => {
  const utm = { wkid: 32632, latestWkid: 32632 };
  const baseMap = { baseMapLayers: [{ url: MAP_SERVER, spatialReference: { wkid: 25832 } }] };
  let o = parse({ mapOptions: { extent: { ...EXTENT, spatialReference: { wkid: 32632 } }, spatialReference: { wkid: 4326 } }, baseMap }).webMap.mapOptions;
  assert.deepEqual(o.spatialReference, { wkid: 4326, latestWkid: 4326 });
  assert.deepEqual(o.extentSr, utm);
  o = parse({ mapOptions: { extent: { ...EXTENT, spatialReference: { wkid: 32632 } } }, baseMap }).webMap.mapOptions;
  assert.deepEqual(o.spatialReference, utm);
  o = parse({ mapOptions: { extent: EXTENT }, baseMap }).webMap.mapOptions;
  assert.deepEqual(o.spatialReference, { wkid: 25832, latestWkid: 25832 });
  assert.equal(o.extentSr, null);
  // A hidden basemap layer is not the first one drawn.
  const hiddenFirst = { baseMapLayers: [{ url: MAP_SERVER, visibility: false, spatialReference: { wkid: 25832 } }, { url: MAP_SERVER }] };
  assert.deepEqual(parse({ mapOptions: { extent: EXTENT }, baseMap: hiddenFirst }).webMap.mapOptions.spatialReference, WEB_MERCATOR);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT }, baseMap: { baseMapLayers: [{ url: MAP_SERVER, spatialReference: { wkid: 999999 } }] } }),
    ['baseMap.baseMapLayers[0].spatialReference: unknown wkid 999999']);
});

test('102100 and 3857 are the same SR; latestWkid and wkt are read', () => {
  const o = parse({ mapOptions: { extent: { ...EXTENT, spatialReference: { wkid: 102100, latestWkid: 3857 } } } }).webMap.mapOptions;
  assert.deepEqual(o.extentSr, WEB_MERCATOR);
  assert.deepEqual(parse({ mapOptions: { extent: EXTENT, spatialReference: { wkid: 3857 } } }).webMap.mapOptions.spatialReference, { wkid: 3857, latestWkid: 3857 });
  assert.deepEqual(parse({ mapOptions: { extent: EXTENT, spatialReference: { latestWkid: 3857 } } }).webMap.mapOptions.spatialReference, { wkid: 3857, latestWkid: 3857 });
  const wkt = 'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],UNIT["Meter",1.0]]';
  assert.deepEqual(parse({ mapOptions: { extent: EXTENT, spatialReference: { wkt } } }).webMap.mapOptions.spatialReference, { wkt });
});

test('scale, rotation and showAttribution are read and checked', () => {
  const o = parse({ mapOptions: { extent: EXTENT, scale: 50000, rotation: -15.5, showAttribution: true } }).webMap.mapOptions;
  assert.equal(o.scale, 50000);
  assert.equal(o.rotation, -15.5);
  assert.equal(o.showAttribution, true);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, scale: 0 } }), ['mapOptions.scale must be a number greater than 0']);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, scale: -1 } }), ['mapOptions.scale must be a number greater than 0']);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, rotation: '45' } }), ['mapOptions.rotation must be a number']);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, showAttribution: 'yes' } }), ['mapOptions.showAttribution must be true or false']);
});

test('time: an instant becomes [t, t]; a null end is open', () => {
  const time = (t: unknown) => parse({ mapOptions: { extent: EXTENT, time: t } }).webMap.mapOptions.time;
  assert.deepEqual(time([1199145600000]), [1199145600000, 1199145600000]);
  assert.deepEqual(time([1199145600000, 1230768000000]), [1199145600000, 1230768000000]);
  assert.deepEqual(time([1199145600000, null]), [1199145600000, Infinity]);
  assert.deepEqual(time([null, 1230768000000]), [-Infinity, 1230768000000]);
  assert.equal(time([null, null]), null);
  assert.equal(time(null), null);
  const rule = 'mapOptions.time must be [t] or [t0, t1] with times in epoch milliseconds';
  for (const bad of [[], [1, 2, 3], ['2020-01-01'], 1199145600000]) {
    assert.deepEqual(problems({ mapOptions: { extent: EXTENT, time: bad } }), [rule]);
  }
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, time: [2, 1] } }), ['mapOptions.time must not end before it starts']);
});

test('background: mapOptions.background, else the top-level one, else opaque white', () => {
  const background = (value: Json) => parse(value).webMap.mapOptions.background;
  assert.deepEqual(background({ mapOptions: { extent: EXTENT, background: { color: [10, 20, 30, 128] } } }), [10, 20, 30, 128]);
  assert.deepEqual(background({ mapOptions: { extent: EXTENT }, background: { color: [240, 240, 240, 255] } }), [240, 240, 240, 255]);
  assert.deepEqual(background({ mapOptions: { extent: EXTENT, background: { color: [1, 2, 3] } }, background: { color: [9, 9, 9] } }), [1, 2, 3, 255]);
  assert.deepEqual(background({ mapOptions: { extent: EXTENT, background: {} } }), [255, 255, 255, 255]);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, background: { color: [0, 0, 256, 255] } } }),
    ['mapOptions.background.color must be [r, g, b, a] with each value from 0 to 255']);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT }, background: { color: 'white' } }),
    ['background.color must be [r, g, b, a] with each value from 0 to 255']);
  assert.deepEqual(problems({ mapOptions: { extent: EXTENT, background: '#fff' } }),
    ['mapOptions.background must be an object {"color": [r, g, b, a]}']);
});

test('reportOptions is ignored with a warning; unknown keys are ignored silently', () => {
  const { webMap, warnings } = parse(withMap({ reportOptions: { reportTemplate: 'x' }, somethingElse: 1, version: '1.6' }));
  assert.deepEqual(warnings, ['reportOptions is not supported and was ignored']);
  assert.deepEqual(webMap.mapOptions.extent, EXTENT);
});

// --- layers ----------------------------------------------------------------------------------

test('layerType names the kind', () => {
  const cases: [string, string][] = [
    ['ArcGISMapServiceLayer', 'mapService'], ['ArcGISTiledMapServiceLayer', 'tiledMapService'],
    ['ArcGISFeatureLayer', 'featureLayer'], ['ArcGISImageServiceLayer', 'imageService'],
    ['ArcGISTiledImageServiceLayer', 'tiledImageService'], ['WMS', 'wms'], ['CSV', 'csv'],
  ];
  for (const [layerType, kind] of cases) {
    const [layer] = operational({ layerType, url: 'https://maps.example.org/service' });
    assert.equal(layer?.kind, kind, layerType);
    assert.equal(layer?.typeName, undefined);
  }
  assert.equal(operational({ layerType: 'WebTiledLayer', urlTemplate: 'https://t.example.org/{level}/{col}/{row}.png' })[0]?.kind, 'webTiled');
  assert.equal(operational({ layerType: 'OpenStreetMap' })[0]?.kind, 'openStreetMap');
});

test('the older type key names the kind, case-insensitively', () => {
  assert.equal(operational({ type: 'wms', url: 'https://wms.example.org/wms' })[0]?.kind, 'wms');
  assert.equal(operational({ type: 'WMS', url: 'https://wms.example.org/wms' })[0]?.kind, 'wms');
  assert.equal(operational({ type: 'wmts', url: 'https://wmts.example.org/wmts', layer: 'topo' })[0]?.kind, 'wmts');
  assert.equal(operational({ type: 'image', extent: EXTENT, imageData: 'iVBORw0KGgo=' })[0]?.kind, 'image');
  assert.equal(operational({ type: 'csv', url: 'https://data.example.org/points.csv' })[0]?.kind, 'csv');
  assert.equal(operational({ type: 'webtiledlayer', templateUrl: 'https://t.example.org/{level}/{col}/{row}.png' })[0]?.kind, 'webTiled');
  assert.equal(basemap({ type: 'OpenStreetMap' })[0]?.kind, 'openStreetMap');
  assert.equal(basemap({ type: 'openstreetmap', url: 'https://tiles.example.org/{level}/{col}/{row}.png' })[0]?.kind, 'openStreetMap');
});

test('vector tiles, WFS, KML and Bing are kept as unsupported with their type name', () => {
  const layers = operational(
    { type: 'VectorTileLayer', styleUrl: 'https://vt.example.org/style.json' },
    { layerType: 'WFS', url: 'https://wfs.example.org/wfs' },
    { type: 'kml', url: 'https://kml.example.org/doc.kml' },
    { type: 'BingMapsAerial', key: 'k', culture: 'en-US' },
  );
  assert.deepEqual(layers.map((l) => [l.kind, l.typeName]), [
    ['unsupported', 'VectorTileLayer'], ['unsupported', 'WFS'], ['unsupported', 'kml'], ['unsupported', 'BingMapsAerial'],
  ]);
  assert.deepEqual(basemap({ type: 'BingMapsRoad' }, { type: 'BingMapsHybrid' }).map((l) => l.typeName), ['BingMapsRoad', 'BingMapsHybrid']);
});

test('without layerType or type: featureCollection, else the url tells the kind', () => {
  const fc = { layers: [] };
  assert.equal(operational({ featureCollection: fc })[0]?.kind, 'featureCollection');
  assert.equal(operational({ url: MAP_SERVER })[0]?.kind, 'mapService');
  assert.equal(operational({ url: `${MAP_SERVER}/` })[0]?.kind, 'mapService');
  assert.equal(operational({ url: `${MAP_SERVER}/3` })[0]?.kind, 'featureLayer');
  assert.equal(operational({ url: 'https://maps.example.org/arcgis/rest/services/Parcels/FeatureServer/0?foo=1' })[0]?.kind, 'featureLayer');
  assert.equal(operational({ url: 'https://maps.example.org/arcgis/rest/services/Ortho/ImageServer' })[0]?.kind, 'imageService');
  assert.equal(operational({ url: 'https://maps.example.org/arcgis/rest/services/topo/mapserver' })[0]?.kind, 'mapService');
  // A basemap layer given only by a MapServer url is read as a cached service.
  assert.equal(basemap({ url: MAP_SERVER })[0]?.kind, 'tiledMapService');
  assert.equal(basemap({ url: `${MAP_SERVER}/2` })[0]?.kind, 'featureLayer');
  assert.equal(basemap({ layerType: 'ArcGISMapServiceLayer', url: MAP_SERVER })[0]?.kind, 'mapService');
});

test('an ArcGISFeatureLayer with a featureCollection and no url is a feature collection', () => {
  const fc = { layers: [{ layerDefinition: { name: 'pts', geometryType: 'esriGeometryPoint' }, featureSet: { features: [] } }] };
  assert.equal(operational({ layerType: 'ArcGISFeatureLayer', featureCollection: fc })[0]?.kind, 'featureCollection');
  assert.equal(operational({ layerType: 'ArcGISFeatureLayer', featureCollection: fc, url: `${MAP_SERVER}/1` })[0]?.kind, 'featureLayer');
});

test('a layer whose kind cannot be told is an error naming its path', () => {
  assert.deepEqual(problems(withMap({ operationalLayers: [{ url: MAP_SERVER }, { url: 'https://tiles.example.org/topo?token=secret' }] })),
    ["operationalLayers[1]: the layer type cannot be told from url 'https://tiles.example.org/topo'; give layerType or type"]);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ layerType: 'GroupLayer', id: 'g' }] })),
    ["operationalLayers[0].layerType 'GroupLayer' is not a known layer type"]);
  assert.deepEqual(problems(withMap({ baseMap: { baseMapLayers: [{ type: 'mystery', id: 'm' }] } })),
    ["baseMap.baseMapLayers[0].type 'mystery' is not a known layer type"]);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ type: 42 }] })), ['operationalLayers[0].type must be a string']);
  // An unknown layerType with a url that tells the kind is drawn from the url.
  assert.equal(operational({ layerType: 'SomethingNew', url: MAP_SERVER })[0]?.kind, 'mapService');
});

test('a layer with nothing that could tell its kind is skipped with a warning', () => {
  // The JavaScript SDK sends {id} alone for a KML layer showing nothing.
  const { webMap, warnings } = parse(withMap({ operationalLayers: [{ id: 'kml1' }, { url: MAP_SERVER }] }));
  assert.deepEqual(webMap.operationalLayers.map((l) => l.id), ['layer1']);
  assert.deepEqual(warnings, ["Layer 'kml1' (operationalLayers[0]) was skipped: it has no layerType, type, url or featureCollection"]);
});

test('hidden layers are left out without a warning, even when they would not parse', () => {
  const { webMap, warnings } = parse(withMap({
    operationalLayers: [{ url: MAP_SERVER, visibility: false }, { url: MAP_SERVER, visibility: true }, { layerType: 'nonsense', opacity: 7, visibility: false }],
    baseMap: { baseMapLayers: [{ url: MAP_SERVER, visibility: false }, { url: MAP_SERVER }] },
  }));
  assert.deepEqual(warnings, []);
  assert.deepEqual(webMap.operationalLayers.map((l) => l.id), ['layer1']);
  assert.deepEqual(webMap.baseMapLayers.map((l) => l.id), ['basemap1']);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ url: MAP_SERVER, visibility: 'no' }] })), ['operationalLayers[0].visibility must be true or false']);
});

test('common keys take their defaults', () => {
  const json = { url: MAP_SERVER };
  const [layer] = operational(json);
  assert.deepEqual(layer, {
    kind: 'mapService', id: 'layer0', title: 'layer0', url: MAP_SERVER,
    opacity: 1, minScale: 0, maxScale: 0, customParameters: {}, json,
  });
  assert.equal(basemap({ url: MAP_SERVER })[0]?.id, 'basemap0');
});

test('common keys are read: ids as strings, title, token, opacity, scale range, custom parameters', () => {
  const json = {
    id: 7, title: 'Topographic base', url: MAP_SERVER, token: 'abc', opacity: 0.5, minScale: 100000, maxScale: 1000,
    customParameters: { key: 'k1', year: 2024, flag: true }, visibleLayers: [0, 2],
  };
  const [layer] = operational(json);
  assert.deepEqual(layer, {
    kind: 'mapService', id: '7', title: 'Topographic base', url: MAP_SERVER, token: 'abc', opacity: 0.5,
    minScale: 100000, maxScale: 1000, customParameters: { key: 'k1', year: '2024', flag: 'true' }, json,
  });
  assert.equal(operational({ id: 'topo', url: MAP_SERVER })[0]?.title, 'topo');
  assert.equal(operational({ id: 'topo', title: '', url: MAP_SERVER })[0]?.title, 'topo');
  assert.equal(operational({ id: '', url: MAP_SERVER })[0]?.id, 'layer0');
});

test('the client\'s layer object is kept whole in json', () => {
  const sent = { id: 'wms', type: 'wms', url: 'https://wms.example.org/wms', version: '1.3.0', visibleLayers: ['roads'], styles: [''], customLayerParameters: { a: 1 } };
  const [layer] = operational(sent);
  assert.deepEqual(layer?.json, sent);
});

test('urls are passed on as sent: the fetcher judges schemes and hosts', () => {
  assert.equal(operational({ url: 'file:///etc/passwd/MapServer' })[0]?.url, 'file:///etc/passwd/MapServer');
  assert.equal(operational({ type: 'wms', url: 'gopher://x.example.org/wms' })[0]?.url, 'gopher://x.example.org/wms');
  assert.deepEqual(problems(withMap({ operationalLayers: [{ type: 'wms', url: 5 }] })),
    ['operationalLayers[0].url must be a string', 'operationalLayers[0].url is required for a WMS layer']);
});

test('bad common keys are named by their path', () => {
  const layers = [{ url: MAP_SERVER }, { url: MAP_SERVER }, { url: MAP_SERVER, opacity: 1.5 }];
  assert.deepEqual(problems(withMap({ operationalLayers: layers })), ['operationalLayers[2].opacity must be a number from 0 to 1']);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ url: MAP_SERVER, opacity: '0.5' }] })), ['operationalLayers[0].opacity must be a number from 0 to 1']);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ url: MAP_SERVER, minScale: -1, maxScale: 'x' }] })),
    ['operationalLayers[0].minScale must be a number of 0 or more', 'operationalLayers[0].maxScale must be a number of 0 or more']);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ url: MAP_SERVER, id: { a: 1 }, title: 3, token: 4 }] })),
    ['operationalLayers[0].id must be a string or a number', 'operationalLayers[0].title must be a string', 'operationalLayers[0].token must be a string']);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ url: MAP_SERVER, customParameters: { a: { b: 1 } } }] })),
    ['operationalLayers[0].customParameters.a must be a string']);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ url: MAP_SERVER, customParameters: 'a=1' }] })),
    ['operationalLayers[0].customParameters must be an object of strings']);
  assert.deepEqual(problems(withMap({ operationalLayers: ['topo'] })), ['operationalLayers[0] must be an object']);
  assert.deepEqual(problems(withMap({ operationalLayers: { url: MAP_SERVER } })), ['operationalLayers must be an array']);
  assert.deepEqual(problems(withMap({ baseMap: { baseMapLayers: [{ url: MAP_SERVER, opacity: -0.1 }] } })),
    ['baseMap.baseMapLayers[0].opacity must be a number from 0 to 1']);
});

test('each kind\'s own keys are required', () => {
  const cases: [unknown, string][] = [
    [{ layerType: 'ArcGISMapServiceLayer' }, 'operationalLayers[0].url is required for a map service layer'],
    [{ layerType: 'ArcGISTiledMapServiceLayer' }, 'operationalLayers[0].url is required for a tiled map service layer'],
    [{ layerType: 'ArcGISFeatureLayer' }, 'operationalLayers[0].url is required for a feature layer'],
    [{ layerType: 'ArcGISImageServiceLayer' }, 'operationalLayers[0].url is required for an image service layer'],
    [{ type: 'wms' }, 'operationalLayers[0].url is required for a WMS layer'],
    [{ type: 'wmts', url: '' }, 'operationalLayers[0].url is required for a WMTS layer'],
    [{ type: 'CSV' }, 'operationalLayers[0].url is required for a CSV layer'],
    [{ type: 'WebTiledLayer' }, 'operationalLayers[0].urlTemplate is required for a WebTiledLayer'],
    [{ featureCollection: {} }, 'operationalLayers[0].featureCollection.layers must be an array'],
    [{ featureCollection: { layers: {} } }, 'operationalLayers[0].featureCollection.layers must be an array'],
  ];
  for (const [layer, detail] of cases) assert.deepEqual(problems(withMap({ operationalLayers: [layer] })), [detail]);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ type: 'image' }] })),
    ['operationalLayers[0].extent is required', 'operationalLayers[0] needs imageData or url for an image layer']);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ type: 'image', extent: { ...EXTENT, xmax: 0 }, imageData: 'iVBORw0KGgo=' }] })),
    ['operationalLayers[0].extent must have xmin < xmax and ymin < ymax']);
  assert.deepEqual(problems(withMap({ operationalLayers: [{ type: 'image', extent: { ...EXTENT, spatialReference: { wkid: 999999 } }, url: 'https://x.example.org/a.png' }] })),
    ['operationalLayers[0].extent.spatialReference: unknown wkid 999999']);
  assert.equal(operational({ type: 'image', extent: EXTENT, url: 'https://x.example.org/a.png' })[0]?.kind, 'image');
  assert.equal(operational({ type: 'OpenStreetMap' })[0]?.url, undefined);
});

test('baseMap: title and layers below the operational ones', () => {
  const { webMap } = parse(withMap({ baseMap: { title: 'Hillshade', baseMapLayers: [{ url: MAP_SERVER, opacity: 0.5 }, { type: 'OpenStreetMap' }] } }));
  assert.equal(webMap.baseMapTitle, 'Hillshade');
  assert.deepEqual(webMap.baseMapLayers.map((l) => [l.id, l.kind, l.opacity]), [['basemap0', 'tiledMapService', 0.5], ['basemap1', 'openStreetMap', 1]]);
  assert.deepEqual(parse(withMap({ baseMap: [] })).webMap.baseMapLayers, []);
  assert.deepEqual(problems(withMap({ baseMap: 'Topo' })), ['baseMap must be an object {"title", "baseMapLayers"}']);
  assert.deepEqual(problems(withMap({ baseMap: { title: 1, baseMapLayers: 'x' } })), ['baseMap.title must be a string', 'baseMap.baseMapLayers must be an array']);
});

// --- exportOptions ---------------------------------------------------------------------------

test('exportOptions: dpi and outputSize with their ranges', () => {
  let { webMap } = parse(withMap({ exportOptions: { dpi: 300, outputSize: [1200, 900] } }));
  assert.equal(webMap.dpi, 300);
  assert.deepEqual(webMap.outputSize, [1200, 900]);
  ({ webMap } = parse(withMap({ exportOptions: { outputSize: [640.4, 480.6] } })));
  assert.equal(webMap.dpi, 96);
  assert.deepEqual(webMap.outputSize, [640, 481]);
  assert.deepEqual(parse(withMap({ exportOptions: { dpi: 600, outputSize: [8192, 1] } })).webMap.outputSize, [8192, 1]);
  for (const dpi of [0, 601, '300', -96]) {
    assert.deepEqual(problems(withMap({ exportOptions: { dpi } })), ['exportOptions.dpi must be from 1 to 600']);
  }
  for (const outputSize of [[0, 100], [100, 8193], [100], [100, 100, 3], '800x600', [null, null]]) {
    assert.deepEqual(problems(withMap({ exportOptions: { outputSize } })), ['exportOptions.outputSize must be [width, height] with each side from 1 to 8192']);
  }
  assert.deepEqual(problems(withMap({ exportOptions: 96 })), ['exportOptions must be an object']);
});

// --- layoutOptions ---------------------------------------------------------------------------

test('layoutOptions texts and scale bar options', () => {
  const { layout } = parse(withMap({
    layoutOptions: {
      titleText: 'Hochwald', authorText: 'Survey unit', copyrightText: '© Region survey',
      scaleBarOptions: { metricUnit: 'esriMeters', metricLabel: 'm', nonMetricUnit: 'esriNauticalMiles', nonMetricLabel: 'NM' },
    },
  })).webMap;
  assert.equal(layout.titleText, 'Hochwald');
  assert.equal(layout.authorText, 'Survey unit');
  assert.equal(layout.copyrightText, '© Region survey');
  assert.deepEqual(layout.scaleBar, { metricUnit: 'esriMeters', metricLabel: 'm', nonMetricUnit: 'esriNauticalMiles', nonMetricLabel: 'NM' });
  assert.deepEqual(parse(withMap({ layoutOptions: { scaleBarOptions: { nonMetricUnit: 'esriYards' } } })).webMap.layout.scaleBar,
    { metricUnit: 'esriKilometers', metricLabel: '', nonMetricUnit: 'esriYards', nonMetricLabel: '' });
  assert.deepEqual(problems(withMap({ layoutOptions: { scaleBarOptions: { metricUnit: 'esriMiles', nonMetricUnit: 'esriKilometers' } } })), [
    'layoutOptions.scaleBarOptions.metricUnit must be esriMeters or esriKilometers',
    'layoutOptions.scaleBarOptions.nonMetricUnit must be esriFeet, esriYards, esriMiles or esriNauticalMiles',
  ]);
  assert.deepEqual(problems(withMap({ layoutOptions: { titleText: 5 } })), ['layoutOptions.titleText must be a string']);
  assert.deepEqual(problems(withMap({ layoutOptions: 'A4' })), ['layoutOptions must be an object']);
});

test('the SDK\'s scalebarUnit sets the scale bar units; scaleBarOptions wins', () => {
  const scaleBar = (layoutOptions: Json) => parse(withMap({ layoutOptions })).webMap.layout.scaleBar;
  const kmMi = { metricUnit: 'esriKilometers', metricLabel: 'km', nonMetricUnit: 'esriMiles', nonMetricLabel: 'mi' };
  const mFt = { metricUnit: 'esriMeters', metricLabel: 'm', nonMetricUnit: 'esriFeet', nonMetricLabel: 'ft' };
  assert.deepEqual(scaleBar({ scalebarUnit: 'Miles' }), kmMi);
  assert.deepEqual(scaleBar({ scalebarUnit: 'Kilometers' }), kmMi);
  assert.deepEqual(scaleBar({ scalebarUnit: 'Meters' }), mFt);
  assert.deepEqual(scaleBar({ scalebarUnit: 'feet' }), mFt);
  assert.deepEqual(scaleBar({ scalebarUnit: 'Meters', scaleBarOptions: { metricUnit: 'esriKilometers', metricLabel: 'Kilometer' } }),
    { metricUnit: 'esriKilometers', metricLabel: 'Kilometer', nonMetricUnit: 'esriFeet', nonMetricLabel: 'ft' });
  assert.deepEqual(problems(withMap({ layoutOptions: { scalebarUnit: 'Furlongs' } })), ['layoutOptions.scalebarUnit must be Miles, Kilometers, Meters or Feet']);
});

test('customTextElements are merged into one record', () => {
  const text = (customTextElements: unknown) => parse(withMap({ layoutOptions: { customTextElements } })).webMap.layout.customTextElements;
  assert.deepEqual(text([{ date: '2024-05-01' }, { sheet: 'A-12' }, { edition: 3 }]), { date: '2024-05-01', sheet: 'A-12', edition: '3' });
  assert.deepEqual(text({ date: '2024-05-01' }), { date: '2024-05-01' });
  assert.deepEqual(text([{ date: null }]), {});
  assert.deepEqual(problems(withMap({ layoutOptions: { customTextElements: ['x', { a: [1] }] } })), [
    'layoutOptions.customTextElements[0] must be an object {"<element name>": "<text>"}',
    'layoutOptions.customTextElements[1].a must be a string',
  ]);
  assert.deepEqual(problems(withMap({ layoutOptions: { customTextElements: 'x' } })),
    ['layoutOptions.customTextElements must be an array of {"<element name>": "<text>"} objects']);
});

test('legendOptions: absent means every layer, listed layers otherwise', () => {
  const legend = (layoutOptions: Json) => parse(withMap({ layoutOptions })).webMap.layout.legendLayers;
  assert.equal(legend({}), null);
  assert.equal(legend({ legendOptions: {} }), null);
  assert.deepEqual(legend({ legendOptions: { operationalLayers: [] } }), []);
  assert.deepEqual(legend({ legendOptions: { operationalLayers: [{ id: 'topo', subLayerIds: [0, 2] }, { id: 'wms', subLayerIds: ['roads'] }, { id: 5 }] } }),
    [{ id: 'topo', subLayerIds: [0, 2] }, { id: 'wms', subLayerIds: ['roads'] }, { id: '5', subLayerIds: null }]);
  assert.deepEqual(problems(withMap({ layoutOptions: { legendOptions: { operationalLayers: [{ subLayerIds: [1] }, { id: 'a', subLayerIds: 'all' }, 3] } } })), [
    'layoutOptions.legendOptions.operationalLayers[0].id is required',
    'layoutOptions.legendOptions.operationalLayers[1].subLayerIds must be an array of sublayer ids or names',
    'layoutOptions.legendOptions.operationalLayers[2] must be an object {"id", "subLayerIds"}',
  ]);
  assert.deepEqual(problems(withMap({ layoutOptions: { legendOptions: { operationalLayers: 'topo' } } })),
    ['layoutOptions.legendOptions.operationalLayers must be an array']);
});

test('elementOverrides hide the elements whose visible is false', () => {
  const { layout } = parse(withMap({ layoutOptions: { elementOverrides: { 'North Arrow': { visible: false }, Legend: { visible: true }, Title: { text: 'x' } } } })).webMap;
  assert.deepEqual(layout.hiddenElements, ['North Arrow']);
  assert.deepEqual(problems(withMap({ layoutOptions: { elementOverrides: ['Legend'] } })),
    ['layoutOptions.elementOverrides must be an object {"<element name>": {"visible": false}}']);
});

// --- whole web maps --------------------------------------------------------------------------

test('all problems are reported together', () => {
  const details = problems({
    mapOptions: { extent: { xmin: 1, ymin: 1, xmax: 1, ymax: 2 }, spatialReference: { wkid: 999999 }, scale: -5 },
    operationalLayers: [{ url: MAP_SERVER }, { url: MAP_SERVER }, { url: MAP_SERVER, opacity: 2 }],
    exportOptions: { dpi: 1000, outputSize: [0, 0] },
  });
  assert.deepEqual(details, [
    'mapOptions.extent must have xmin < xmax and ymin < ymax',
    'mapOptions.spatialReference: unknown wkid 999999',
    'mapOptions.scale must be a number greater than 0',
    'operationalLayers[2].opacity must be a number from 0 to 1',
    'exportOptions.dpi must be from 1 to 600',
    'exportOptions.outputSize must be [width, height] with each side from 1 to 8192',
  ]);
});

test('the example of printing.md §12.4 parses', () => {
  const { webMap, warnings } = parse({
    mapOptions: {
      extent: { ...EXTENT, spatialReference: { wkid: 32632 } }, scale: 50000, rotation: 0, spatialReference: { wkid: 32632 },
    },
    operationalLayers: [
      { id: 'topo', title: 'Topographic base', url: MAP_SERVER, opacity: 1, visibleLayers: [0, 2, 3] },
      { id: 'graphics', featureCollection: { layers: [{ layerDefinition: { name: 'points', geometryType: 'esriGeometryPoint' }, featureSet: { features: [{ geometry: { x: 295000, y: 5510000 }, attributes: {} }] } }] } },
    ],
    baseMap: { title: 'Hillshade', baseMapLayers: [{ url: 'https://maps.example.org/arcgis/rest/services/Topo/Hillshade/MapServer', opacity: 0.5 }] },
    exportOptions: { dpi: 300 },
    layoutOptions: {
      titleText: 'Hochwald', authorText: 'Survey unit', copyrightText: '© Region survey',
      scaleBarOptions: { metricUnit: 'esriKilometers', metricLabel: 'km', nonMetricUnit: 'esriMiles', nonMetricLabel: 'mi' },
      legendOptions: { operationalLayers: [{ id: 'topo', subLayerIds: [0, 2] }] },
    },
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(webMap.mapOptions.spatialReference, { wkid: 32632, latestWkid: 32632 });
  assert.equal(webMap.mapOptions.scale, 50000);
  assert.deepEqual(webMap.operationalLayers.map((l) => [l.id, l.kind, l.title]), [['topo', 'mapService', 'Topographic base'], ['graphics', 'featureCollection', 'graphics']]);
  assert.deepEqual(webMap.baseMapLayers.map((l) => [l.kind, l.opacity]), [['tiledMapService', 0.5]]);
  assert.equal(webMap.dpi, 300);
  assert.deepEqual(webMap.layout.legendLayers, [{ id: 'topo', subLayerIds: [0, 2] }]);
});

test('a web map as the ArcGIS Maps SDK for JavaScript sends it parses', () => {
  // The shape the SDK's print module writes: basemap layers among the operational ones,
  // map image layers with layers/visibleLayers, graphics as a feature collection, screenshots
  // of layers it cannot describe as client images, Bing as a type, background at the top.
  const sdk = {
    operationalLayers: [
      { layerType: 'ArcGISTiledMapServiceLayer', url: 'https://services.example.com/arcgis/rest/services/World_Topo_Map/MapServer', id: '18a7e4d1a2b-layer-0', title: 'World Topographic Map', opacity: 1, minScale: 0, maxScale: 0 },
      { type: 'BingMapsAerial', culture: 'en-US', key: 'bing-key', id: 'bing', title: 'Bing', opacity: 1, minScale: 0, maxScale: 0 },
      {
        layerType: 'ArcGISMapServiceLayer', url: `${MAP_SERVER}`, token: 'tok-1', id: 'census', title: 'Census', opacity: 0.7, minScale: 0, maxScale: 0,
        layers: [{ id: 2, name: 'Counties', layerDefinition: { drawingInfo: { renderer: { type: 'simple', symbol: { type: 'esriSFS', color: [0, 0, 0, 64] } } }, definitionExpression: "STATE = 'CA'", source: { type: 'mapLayer', mapLayerId: 2 } } }],
        visibleLayers: [2],
      },
      {
        id: 'parcels', title: 'Parcels', opacity: 1, minScale: 5000, maxScale: 0, url: 'https://services.example.com/arcgis/rest/services/Parcels/FeatureServer/0',
        layerType: 'ArcGISFeatureLayer', layerDefinition: { drawingInfo: { renderer: { type: 'simple', symbol: { type: 'esriSFS' } } }, definitionExpression: 'AREA > 100' }, showLabels: true,
      },
      { type: 'WebTiledLayer', urlTemplate: 'https://{subDomain}.tile.example.org/{level}/{col}/{row}.png', credits: '© tiles', subDomains: ['a', 'b', 'c'], id: 'web', title: 'Web tiles', opacity: 1, minScale: 0, maxScale: 0 },
      { type: 'image', extent: { xmin: -13046000, ymin: 4036000, xmax: -13044000, ymax: 4038000, spatialReference: { wkid: 102100, latestWkid: 3857 } }, imageData: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', id: 'vt', title: 'Vector basemap', opacity: 1, minScale: 0, maxScale: 0 },
      { type: 'wms', customParameters: { map: 'roads' }, transparentBackground: true, visibleLayers: ['roads', 'rail'], url: 'https://wms.example.org/service', version: '1.3.0', id: 'wms', title: 'WMS', opacity: 1, minScale: 0, maxScale: 0 },
      { layerType: 'ArcGISMapServiceLayer', url: MAP_SERVER, id: 'hidden', title: 'Hidden', opacity: 1, minScale: 0, maxScale: 0, visibility: false },
      {
        featureCollection: { layers: [{ layerDefinition: { name: 'pointLayer', geometryType: 'esriGeometryPoint', objectIdField: 'ObjectID', fields: [] }, featureSet: { geometryType: 'esriGeometryPoint', features: [{ geometry: { x: -13045000, y: 4037000, spatialReference: { wkid: 102100 } }, symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: [255, 0, 0, 255], size: 8 } }] } }] },
        showLabels: false, id: 'sketch', title: 'Sketch', opacity: 1, minScale: 0, maxScale: 0,
      },
    ],
    mapOptions: {
      extent: { xmin: -13047000, ymin: 4035000, xmax: -13043000, ymax: 4039000, spatialReference: { wkid: 102100, latestWkid: 3857 } },
      spatialReference: { wkid: 102100, latestWkid: 3857 }, showAttribution: true, rotation: -12, scale: 72223.819286, time: [1199145600000, null],
    },
    background: { color: [240, 240, 240, 255] },
    exportOptions: { dpi: 96, outputSize: [800, 1100] },
    layoutOptions: {
      titleText: 'Bay Area', authorText: 'GIS team', copyrightText: 'Esri', customTextElements: [{ date: '5/1/2024' }],
      elementOverrides: { 'North Arrow': { visible: false } },
      scaleBarOptions: { metricUnit: 'esriKilometers', metricLabel: 'km', nonMetricUnit: 'esriMiles', nonMetricLabel: 'mi' },
      legendOptions: { operationalLayers: [{ id: 'census', subLayerIds: [2] }, { id: 'parcels' }] },
    },
  };
  const { webMap, warnings } = parseWebMap(JSON.stringify(sdk));
  assert.deepEqual(warnings, []);
  assert.deepEqual(webMap.operationalLayers.map((l) => [l.id, l.kind]), [
    ['18a7e4d1a2b-layer-0', 'tiledMapService'], ['bing', 'unsupported'], ['census', 'mapService'], ['parcels', 'featureLayer'],
    ['web', 'webTiled'], ['vt', 'image'], ['wms', 'wms'], ['sketch', 'featureCollection'],
  ]);
  const census = webMap.operationalLayers[2]!;
  assert.equal(census.token, 'tok-1');
  assert.equal(census.opacity, 0.7);
  assert.deepEqual(census.json.visibleLayers, [2]);
  assert.equal(webMap.operationalLayers[3]!.minScale, 5000);
  assert.deepEqual(webMap.operationalLayers[6]!.customParameters, { map: 'roads' });
  assert.equal(webMap.operationalLayers[1]!.typeName, 'BingMapsAerial');
  assert.deepEqual(webMap.mapOptions, {
    extent: { xmin: -13047000, ymin: 4035000, xmax: -13043000, ymax: 4039000 }, extentSr: WEB_MERCATOR,
    scale: 72223.819286, rotation: -12, spatialReference: WEB_MERCATOR, time: [1199145600000, Infinity],
    background: [240, 240, 240, 255], showAttribution: true,
  });
  assert.equal(webMap.dpi, 96);
  assert.deepEqual(webMap.outputSize, [800, 1100]);
  assert.deepEqual(webMap.layout, {
    titleText: 'Bay Area', authorText: 'GIS team', copyrightText: 'Esri',
    scaleBar: { metricUnit: 'esriKilometers', metricLabel: 'km', nonMetricUnit: 'esriMiles', nonMetricLabel: 'mi' },
    customTextElements: { date: '5/1/2024' },
    legendLayers: [{ id: 'census', subLayerIds: [2] }, { id: 'parcels', subLayerIds: null }],
    hiddenElements: ['North Arrow'],
  });
});

test('a web map from an SDK that sends scalebarUnit and null keys parses', () => {
  const { webMap } = parse({
    mapOptions: { extent: EXTENT, scale: null, time: null, spatialReference: null },
    operationalLayers: [{ url: MAP_SERVER, id: null, title: null, token: null, customParameters: null, opacity: null }],
    exportOptions: { dpi: 150, outputSize: null },
    layoutOptions: { titleText: null, scalebarUnit: 'Miles', customTextElements: null, legendOptions: null },
  });
  assert.equal(webMap.mapOptions.scale, null);
  assert.deepEqual(webMap.operationalLayers[0], {
    kind: 'mapService', id: 'layer0', title: 'layer0', url: MAP_SERVER, opacity: 1, minScale: 0, maxScale: 0, customParameters: {},
    json: { url: MAP_SERVER, id: null, title: null, token: null, customParameters: null, opacity: null },
  });
  assert.deepEqual(webMap.outputSize, [800, 1100]);
  assert.equal(webMap.layout.scaleBar.nonMetricUnit, 'esriMiles');
  assert.equal(webMap.layout.legendLayers, null);
});
