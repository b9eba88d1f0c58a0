/**
 * Reads `Web_Map_as_JSON` (printing.md §12) into a `WebMap`: checks every key the print engine
 * relies on, fills in defaults and tells each layer's kind from `layerType`, `type`,
 * `featureCollection` or `url`. Problems are gathered, so that one answer names all of them by
 * their JSON path; nothing is fetched here (URLs are judged by the fetcher, printing.md §13).
 * @module printing/parse-web-map
 */
import type { Envelope } from '../geo/geometry.js';
import { parseSpatialReference, SpatialReferenceError, type SpatialReference } from '../geo/spatial-reference.js';
import { PrintRequestError, type WebMap, type WebMapLayer, type WebMapLayerKind, type WebMapLayoutOptions, type WebMapOptions } from './web-map.js';

/** Largest `Web_Map_as_JSON` accepted unless configured otherwise: 10 MB of UTF-8. */
export const DEFAULT_WEB_MAP_MAX_BYTES = 10 * 1024 * 1024;

export interface ParseWebMapOptions {
  /** Largest text accepted, in UTF-8 bytes. */
  maxBytes?: number;
}

type Json = Record<string, unknown>;
type ScaleBar = WebMapLayoutOptions['scaleBar'];
type LegendLayers = WebMapLayoutOptions['legendLayers'];

/** What reading has found so far: every problem (reported together) and every warning. */
interface Findings { problems: string[]; warnings: string[] }

const WHITE: [number, number, number, number] = [255, 255, 255, 255];
const OUTPUT_SIZE: [number, number] = [800, 1100];

/** `layerType` and the older `type` values, lower-cased (Bing names are matched by prefix). */
const KINDS = new Map<string, WebMapLayerKind>([
  ['arcgismapservicelayer', 'mapService'],
  ['arcgistiledmapservicelayer', 'tiledMapService'],
  ['arcgisfeaturelayer', 'featureLayer'],
  ['arcgisimageservicelayer', 'imageService'],
  ['arcgistiledimageservicelayer', 'tiledImageService'],
  ['webtiledlayer', 'webTiled'],
  ['openstreetmap', 'openStreetMap'],
  ['wms', 'wms'],
  ['wmts', 'wmts'],
  ['image', 'image'],
  ['csv', 'csv'],
  ['vectortilelayer', 'unsupported'],
  ['wfs', 'unsupported'],
  ['kml', 'unsupported'],
]);

/** Kinds drawn from a service URL, with the words messages name them by. */
const NEEDS_URL: Partial<Record<WebMapLayerKind, string>> = {
  mapService: 'a map service', tiledMapService: 'a tiled map service', featureLayer: 'a feature',
  imageService: 'an image service', tiledImageService: 'an image service', wms: 'a WMS', wmts: 'a WMTS', csv: 'a CSV',
};

const METRIC_UNITS = ['esriMeters', 'esriKilometers'] as const;
const NON_METRIC_UNITS = ['esriFeet', 'esriYards', 'esriMiles', 'esriNauticalMiles'] as const;
const KM_MI: ScaleBar = { metricUnit: 'esriKilometers', metricLabel: 'km', nonMetricUnit: 'esriMiles', nonMetricLabel: 'mi' };
const M_FT: ScaleBar = { metricUnit: 'esriMeters', metricLabel: 'm', nonMetricUnit: 'esriFeet', nonMetricLabel: 'ft' };
/** The JavaScript SDK's `scalebarUnit`, read the way the SDK itself turns it into scaleBarOptions. */
const SCALEBAR_UNITS = new Map<string, ScaleBar>([['miles', KM_MI], ['kilometers', KM_MI], ['meters', M_FT], ['feet', M_FT]]);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON `null` counts as absent: clients write it for keys they have no value for. */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A value of a name → text map: strings as they are, numbers and booleans written out. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return isNumber(value) || typeof value === 'boolean' ? String(value) : undefined;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** A number that must pass `ok`; `rule` completes the sentence "<path> …" when it does not. */
function readNumber(value: unknown, path: string, f: Findings, fallback: number, ok: (n: number) => boolean, rule: string): number {
  if (!given(value)) return fallback;
  if (isNumber(value) && ok(value)) return value;
  f.problems.push(`${path} ${rule}`);
  return fallback;
}

function readString(value: unknown, path: string, f: Findings, fallback = ''): string {
  if (!given(value)) return fallback;
  if (typeof value === 'string') return value;
  f.problems.push(`${path} must be a string`);
  return fallback;
}

function readBoolean(value: unknown, path: string, f: Findings, fallback: boolean): boolean {
  if (!given(value)) return fallback;
  if (typeof value === 'boolean') return value;
  f.problems.push(`${path} must be true or false`);
  return fallback;
}

/** A layer or legend id: a string, or a number written as one; '' counts as absent. */
function readId(value: unknown, path: string, f: Findings): string | undefined {
  if (!given(value) || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (isNumber(value)) return String(value);
  f.problems.push(`${path} must be a string or a number`);
  return undefined;
}

function readSr(value: unknown, path: string, f: Findings): SpatialReference | null {
  try {
    return parseSpatialReference(value);
  } catch (error) {
    if (!(error instanceof SpatialReferenceError)) throw error;
    f.problems.push(`${path}: ${error.message}`);
    return null;
  }
}

function readEnvelope(value: unknown, path: string, f: Findings): Envelope | null {
  if (!given(value)) {
    f.problems.push(`${path} is required`);
    return null;
  }
  if (!isObject(value) || !isNumber(value.xmin) || !isNumber(value.ymin) || !isNumber(value.xmax) || !isNumber(value.ymax)) {
    f.problems.push(`${path} must be an envelope {xmin, ymin, xmax, ymax} of numbers`);
    return null;
  }
  const { xmin, ymin, xmax, ymax } = value;
  if (!(xmin < xmax && ymin < ymax)) {
    f.problems.push(`${path} must have xmin < xmax and ymin < ymax`);
    return null;
  }
  return { xmin, ymin, xmax, ymax };
}

/** `[t]` or `[t0, t1]`; the JavaScript SDK writes an open end as null, read here as ±Infinity. */
function readTime(value: unknown, f: Findings): [number, number] | null {
  if (!given(value)) return null;
  if (!Array.isArray(value) || value.length < 1 || value.length > 2 || !value.every((t) => t === null || isNumber(t))) {
    f.problems.push('mapOptions.time must be [t] or [t0, t1] with times in epoch milliseconds');
    return null;
  }
  const [t0, t1 = t0] = value as (number | null)[];
  if (t0 === null && t1 === null) return null;
  const span: [number, number] = [t0 ?? -Infinity, t1 ?? Infinity];
  if (span[0] > span[1]) {
    f.problems.push('mapOptions.time must not end before it starts');
    return null;
  }
  return span;
}

function readBackground(value: unknown, path: string, f: Findings): [number, number, number, number] {
  if (!given(value)) return WHITE;
  if (!isObject(value)) {
    f.problems.push(`${path} must be an object {"color": [r, g, b, a]}`);
    return WHITE;
  }
  const color = value.color;
  if (!given(color)) return WHITE;
  if (!Array.isArray(color) || color.length < 3 || color.length > 4 || !color.every((c) => isNumber(c) && c >= 0 && c <= 255)) {
    f.problems.push(`${path}.color must be [r, g, b, a] with each value from 0 to 255`);
    return WHITE;
  }
  const [r, g, b, a = 255] = color as number[];
  return [r!, g!, b!, a];
}

/** The SR of the first basemap layer drawn, when it names one. */
function firstBaseMapSr(baseMap: unknown, f: Findings): SpatialReference | null {
  const layers = isObject(baseMap) && Array.isArray(baseMap.baseMapLayers) ? baseMap.baseMapLayers : [];
  const index = layers.findIndex((l) => isObject(l) && l.visibility !== false);
  if (index < 0) return null;
  return readSr((layers[index] as Json).spatialReference, `baseMap.baseMapLayers[${index}].spatialReference`, f);
}

function readMapOptions(top: Json, f: Findings): WebMapOptions | null {
  const m = top.mapOptions;
  if (!given(m)) {
    f.problems.push('mapOptions is required');
    return null;
  }
  if (!isObject(m)) {
    f.problems.push('mapOptions must be an object');
    return null;
  }
  const extent = readEnvelope(m.extent, 'mapOptions.extent', f);
  const extentSr = isObject(m.extent) ? readSr(m.extent.spatialReference, 'mapOptions.extent.spatialReference', f) : null;
  const spatialReference = readSr(m.spatialReference, 'mapOptions.spatialReference', f)
    ?? extentSr ?? firstBaseMapSr(top.baseMap, f) ?? parseSpatialReference({ wkid: 102100 })!;
  // Some clients send the background at the top level rather than in mapOptions.
  const background = given(m.background) ? readBackground(m.background, 'mapOptions.background', f) : readBackground(top.background, 'background', f);
  const scale = given(m.scale) ? readNumber(m.scale, 'mapOptions.scale', f, 0, (n) => n > 0, 'must be a number greater than 0') : null;
  const rotation = readNumber(m.rotation, 'mapOptions.rotation', f, 0, () => true, 'must be a number');
  const time = readTime(m.time, f);
  const showAttribution = readBoolean(m.showAttribution, 'mapOptions.showAttribution', f, false);
  return extent && { extent, extentSr, scale, rotation, spatialReference, time, background, showAttribution };
}

function kindOfTypeName(name: string): WebMapLayerKind | undefined {
  const key = name.toLowerCase();
  return KINDS.get(key) ?? (key.startsWith('bingmaps') ? 'unsupported' : undefined);
}

/** A layer's kind from its service URL alone; query and trailing slashes do not count. */
function kindOfUrl(url: string, isBaseMap: boolean): WebMapLayerKind | undefined {
  const path = url.split(/[?#]/, 1)[0]!.replace(/\/+$/, '');
  if (/\/(MapServer|FeatureServer)\/\d+$/i.test(path)) return 'featureLayer';
  // A basemap given by a MapServer URL alone is a cached basemap far more often than not.
  if (/\/MapServer$/i.test(path)) return isBaseMap ? 'tiledMapService' : 'mapService';
  if (/\/ImageServer$/i.test(path)) return 'imageService';
  return undefined;
}

/**
 * The layer's kind; `'nothing'` for a layer with no key that could tell it (the JavaScript SDK
 * sends `{id}` alone for a KML layer with nothing visible); null after a problem.
 */
function readKind(o: Json, url: string | undefined, path: string, isBaseMap: boolean, f: Findings): { kind: WebMapLayerKind; typeName?: string } | 'nothing' | null {
  let unknownKey: 'layerType' | 'type' | undefined;
  for (const key of ['layerType', 'type'] as const) {
    const name = o[key];
    if (!given(name)) continue;
    if (typeof name !== 'string') {
      f.problems.push(`${path}.${key} must be a string`);
      return null;
    }
    const kind = kindOfTypeName(name);
    if (kind === 'unsupported') return { kind, typeName: name };
    // Web maps describe a feature collection as an ArcGISFeatureLayer without a url.
    if (kind === 'featureLayer' && !url && given(o.featureCollection)) return { kind: 'featureCollection' };
    if (kind) return { kind };
    unknownKey ??= key;
  }
  if (given(o.featureCollection)) return { kind: 'featureCollection' };
  const fromUrl = url ? kindOfUrl(url, isBaseMap) : undefined;
  if (fromUrl) return { kind: fromUrl };
  if (unknownKey) f.problems.push(`${path}.${unknownKey} '${o[unknownKey] as string}' is not a known layer type`);
  // The query is left out of the message: it may carry a token.
  else if (url) f.problems.push(`${path}: the layer type cannot be told from url '${url.split(/[?#]/, 1)[0]}'; give layerType or type`);
  else return 'nothing';
  return null;
}

/** The members of a name → text map as entries; one that is no text is a problem, unless absent. */
function textEntries(o: Json, path: string, f: Findings): [string, string][] {
  const entries: [string, string][] = [];
  for (const [name, v] of Object.entries(o)) {
    const t = text(v);
    if (t !== undefined) entries.push([name, t]);
    else if (given(v)) f.problems.push(`${path}.${name} must be a string`);
  }
  return entries;
}

function readCustomParameters(value: unknown, path: string, f: Findings): Record<string, string> {
  if (!given(value)) return {};
  if (!isObject(value)) {
    f.problems.push(`${path} must be an object of strings`);
    return {};
  }
  // fromEntries defines own properties, so a "__proto__" key stays an ordinary key.
  return Object.fromEntries(textEntries(value, path, f));
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

/** The keys a layer of this kind cannot be drawn without. */
function checkKindKeys(kind: WebMapLayerKind, o: Json, url: string | undefined, path: string, f: Findings): void {
  const needsUrl = NEEDS_URL[kind];
  if (needsUrl && !url) f.problems.push(`${path}.url is required for ${needsUrl} layer`);
  if (kind === 'webTiled' && !nonEmptyString(o.urlTemplate) && !nonEmptyString(o.templateUrl)) {
    f.problems.push(`${path}.urlTemplate is required for a WebTiledLayer`);
  }
  if (kind === 'image') {
    readEnvelope(o.extent, `${path}.extent`, f);
    if (isObject(o.extent)) readSr(o.extent.spatialReference, `${path}.extent.spatialReference`, f);
    if (!nonEmptyString(o.imageData) && !url) f.problems.push(`${path} needs imageData or url for an image layer`);
  }
  if (kind === 'featureCollection' && !(isObject(o.featureCollection) && Array.isArray(o.featureCollection.layers))) {
    f.problems.push(`${path}.featureCollection.layers must be an array`);
  }
}

function readLayer(value: unknown, path: string, defaultId: string, isBaseMap: boolean, f: Findings): WebMapLayer | null {
  if (!isObject(value)) {
    f.problems.push(`${path} must be an object`);
    return null;
  }
  const o = value;
  // A hidden layer is not drawn, so nothing else about it matters.
  if (o.visibility === false) return null;
  readBoolean(o.visibility, `${path}.visibility`, f, true);
  const id = readId(o.id, `${path}.id`, f) ?? defaultId;
  const title = readString(o.title, `${path}.title`, f) || id;
  const url = readString(o.url, `${path}.url`, f) || undefined;
  const token = readString(o.token, `${path}.token`, f) || undefined;
  const found = readKind(o, url, path, isBaseMap, f);
  if (found === 'nothing') {
    f.warnings.push(`Layer '${title}' (${path}) was skipped: it has no layerType, type, url or featureCollection`);
    return null;
  }
  const opacity = readNumber(o.opacity, `${path}.opacity`, f, 1, (n) => n >= 0 && n <= 1, 'must be a number from 0 to 1');
  const minScale = readNumber(o.minScale, `${path}.minScale`, f, 0, (n) => n >= 0, 'must be a number of 0 or more');
  const maxScale = readNumber(o.maxScale, `${path}.maxScale`, f, 0, (n) => n >= 0, 'must be a number of 0 or more');
  const customParameters = readCustomParameters(o.customParameters, `${path}.customParameters`, f);
  if (!found) return null;
  checkKindKeys(found.kind, o, url, path, f);
  return {
    kind: found.kind, id, title,
    ...(url !== undefined ? { url } : {}),
    ...(token !== undefined ? { token } : {}),
    opacity, minScale, maxScale, customParameters,
    ...(found.typeName !== undefined ? { typeName: found.typeName } : {}),
    json: o,
  };
}

/** Layers in draw order; hidden ones are left out, but default ids keep their array position. */
function readLayers(value: unknown, path: string, idPrefix: string, isBaseMap: boolean, f: Findings): WebMapLayer[] {
  if (!given(value)) return [];
  if (!Array.isArray(value)) {
    f.problems.push(`${path} must be an array`);
    return [];
  }
  const layers: WebMapLayer[] = [];
  value.forEach((item, i) => {
    const layer = readLayer(item, `${path}[${i}]`, `${idPrefix}${i}`, isBaseMap, f);
    if (layer) layers.push(layer);
  });
  return layers;
}

function readBaseMap(value: unknown, f: Findings): { title: string; layers: WebMapLayer[] } {
  // Esri's own specification shows `"baseMap": []` for a map without one.
  if (!given(value) || (Array.isArray(value) && value.length === 0)) return { title: '', layers: [] };
  if (!isObject(value)) {
    f.problems.push('baseMap must be an object {"title", "baseMapLayers"}');
    return { title: '', layers: [] };
  }
  return {
    title: readString(value.title, 'baseMap.title', f),
    layers: readLayers(value.baseMapLayers, 'baseMap.baseMapLayers', 'basemap', true, f),
  };
}

function readExportOptions(value: unknown, f: Findings): { dpi: number; outputSize: [number, number] } {
  if (!given(value)) return { dpi: 96, outputSize: OUTPUT_SIZE };
  if (!isObject(value)) {
    f.problems.push('exportOptions must be an object');
    return { dpi: 96, outputSize: OUTPUT_SIZE };
  }
  const dpi = readNumber(value.dpi, 'exportOptions.dpi', f, 96, (n) => n >= 1 && n <= 600, 'must be from 1 to 600');
  const size = value.outputSize;
  if (!given(size)) return { dpi, outputSize: OUTPUT_SIZE };
  if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => isNumber(n) && n >= 1 && n <= 8192)) {
    f.problems.push('exportOptions.outputSize must be [width, height] with each side from 1 to 8192');
    return { dpi, outputSize: OUTPUT_SIZE };
  }
  return { dpi, outputSize: [Math.round(size[0] as number), Math.round(size[1] as number)] };
}

function readUnit<T extends string>(value: unknown, path: string, units: readonly T[], fallback: T, f: Findings): T {
  if (!given(value)) return fallback;
  if (units.includes(value as T)) return value as T;
  f.problems.push(`${path} must be ${units.slice(0, -1).join(', ')} or ${units[units.length - 1]}`);
  return fallback;
}

/** `scaleBarOptions`, over what the SDK's `scalebarUnit` implies, over the defaults (km and miles). */
function readScaleBar(layout: Json, f: Findings): ScaleBar {
  let base: ScaleBar = { metricUnit: 'esriKilometers', metricLabel: '', nonMetricUnit: 'esriMiles', nonMetricLabel: '' };
  const unit = layout.scalebarUnit;
  if (given(unit)) {
    const implied = typeof unit === 'string' ? SCALEBAR_UNITS.get(unit.toLowerCase()) : undefined;
    if (implied) base = implied;
    else f.problems.push('layoutOptions.scalebarUnit must be Miles, Kilometers, Meters or Feet');
  }
  const path = 'layoutOptions.scaleBarOptions';
  const o = layout.scaleBarOptions;
  if (!given(o)) return base;
  if (!isObject(o)) {
    f.problems.push(`${path} must be an object`);
    return base;
  }
  return {
    metricUnit: readUnit(o.metricUnit, `${path}.metricUnit`, METRIC_UNITS, base.metricUnit, f),
    metricLabel: readString(o.metricLabel, `${path}.metricLabel`, f, base.metricLabel),
    nonMetricUnit: readUnit(o.nonMetricUnit, `${path}.nonMetricUnit`, NON_METRIC_UNITS, base.nonMetricUnit, f),
    nonMetricLabel: readString(o.nonMetricLabel, `${path}.nonMetricLabel`, f, base.nonMetricLabel),
  };
}

/** `[{"<element name>": "<text>"}, …]` merged into one record; a single object is read alike. */
function readCustomTextElements(value: unknown, f: Findings): Record<string, string> {
  const path = 'layoutOptions.customTextElements';
  if (!given(value)) return {};
  if (!Array.isArray(value) && !isObject(value)) {
    f.problems.push(`${path} must be an array of {"<element name>": "<text>"} objects`);
    return {};
  }
  const items = Array.isArray(value) ? value : [value];
  return Object.fromEntries(items.flatMap((item, i) => {
    const itemPath = Array.isArray(value) ? `${path}[${i}]` : path;
    if (isObject(item)) return textEntries(item, itemPath, f);
    f.problems.push(`${itemPath} must be an object {"<element name>": "<text>"}`);
    return [];
  }));
}

function readLegendLayers(value: unknown, f: Findings): LegendLayers {
  const path = 'layoutOptions.legendOptions';
  if (!given(value)) return null;
  if (!isObject(value)) {
    f.problems.push(`${path} must be an object`);
    return null;
  }
  const list = value.operationalLayers;
  if (!given(list)) return null;
  if (!Array.isArray(list)) {
    f.problems.push(`${path}.operationalLayers must be an array`);
    return null;
  }
  const legend: NonNullable<LegendLayers> = [];
  list.forEach((item, i) => {
    const itemPath = `${path}.operationalLayers[${i}]`;
    if (!isObject(item)) {
      f.problems.push(`${itemPath} must be an object {"id", "subLayerIds"}`);
      return;
    }
    if (!given(item.id) || item.id === '') {
      f.problems.push(`${itemPath}.id is required`);
      return;
    }
    const id = readId(item.id, `${itemPath}.id`, f);
    const ids = item.subLayerIds;
    let subLayerIds: (number | string)[] | null = null;
    if (Array.isArray(ids) && ids.every((s) => typeof s === 'string' || isNumber(s))) subLayerIds = ids as (number | string)[];
    else if (given(ids)) f.problems.push(`${itemPath}.subLayerIds must be an array of sublayer ids or names`);
    if (id !== undefined) legend.push({ id, subLayerIds });
  });
  return legend;
}

/** Names of the elements `elementOverrides` hides; other overrides are not acted on. */
function readHiddenElements(value: unknown, f: Findings): string[] {
  if (!given(value)) return [];
  if (!isObject(value)) {
    f.problems.push('layoutOptions.elementOverrides must be an object {"<element name>": {"visible": false}}');
    return [];
  }
  return Object.entries(value).filter(([, o]) => isObject(o) && o.visible === false).map(([name]) => name);
}

function readLayoutOptions(value: unknown, f: Findings): WebMapLayoutOptions {
  let o: Json = {};
  if (isObject(value)) o = value;
  else if (given(value)) f.problems.push('layoutOptions must be an object');
  return {
    titleText: readString(o.titleText, 'layoutOptions.titleText', f),
    authorText: readString(o.authorText, 'layoutOptions.authorText', f),
    copyrightText: readString(o.copyrightText, 'layoutOptions.copyrightText', f),
    scaleBar: readScaleBar(o, f),
    customTextElements: readCustomTextElements(o.customTextElements, f),
    legendLayers: readLegendLayers(o.legendOptions, f),
    hiddenElements: readHiddenElements(o.elementOverrides, f),
  };
}

/**
 * Parses and checks `Web_Map_as_JSON`. Throws `PrintRequestError` with one sentence per problem,
 * each naming the key by its JSON path (`operationalLayers[2].opacity must be …`). Warnings are
 * for what is accepted but left out (`reportOptions`, layers with nothing to draw).
 */
export function parseWebMap(text: string, options: ParseWebMapOptions = {}): { webMap: WebMap; warnings: string[] } {
  const maxBytes = options.maxBytes ?? DEFAULT_WEB_MAP_MAX_BYTES;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new PrintRequestError([`Web_Map_as_JSON is larger than ${formatBytes(maxBytes)}`]);
  if (text.trim() === '') throw new PrintRequestError(['Web_Map_as_JSON is required']);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PrintRequestError([`Web_Map_as_JSON is not valid JSON: ${(error as Error).message}`]);
  }
  if (!isObject(value)) throw new PrintRequestError(['Web_Map_as_JSON must be a JSON object']);

  const f: Findings = { problems: [], warnings: [] };
  const mapOptions = readMapOptions(value, f);
  const operationalLayers = readLayers(value.operationalLayers, 'operationalLayers', 'layer', false, f);
  const baseMap = readBaseMap(value.baseMap, f);
  const { dpi, outputSize } = readExportOptions(value.exportOptions, f);
  const layout = readLayoutOptions(value.layoutOptions, f);
  if (given(value.reportOptions)) f.warnings.push('reportOptions is not supported and was ignored');
  if (f.problems.length > 0 || !mapOptions) throw new PrintRequestError(f.problems);
  return {
    webMap: { mapOptions, operationalLayers, baseMapLayers: baseMap.layers, baseMapTitle: baseMap.title, dpi, outputSize, layout },
    warnings: f.warnings,
  };
}
