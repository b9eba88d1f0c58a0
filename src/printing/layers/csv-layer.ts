/**
 * CSV layers (`type: "CSV"`, printing.md §12.4): a file of points fetched from `url` through the
 * Fetcher (printing.md §13), read as RFC 4180 CSV (quoted fields, doubled quotes, line breaks in
 * quotes) with the `columnDelimiter` given or else the one of `,` `;` tab `|` the header uses
 * most. Points come from the WGS 84 `locationInfo.latitudeFieldName` and `longitudeFieldName`
 * (else the usual names, `lat`/`latitude`/`y` and `lon`/`long`/`longitude`/`x`) and are drawn
 * with `layerDefinition.drawingInfo.renderer`, by default a small circle.
 * @module printing/layers/csv-layer
 */
import type { PrintContext, ResolvedPrintLayer } from '../print-layer.js';
import { PrintRequestError, type WebMapLayer } from '../web-map.js';
import { esriFeatureLayers, numbered, rendererLegend, type EsriFeatureJson } from './esri-feature-layer.js';
import { inlinePictureSymbols } from './picture-symbols.js';

type Json = Record<string, unknown>;

/** Delimiters tried when the layer names none. */
const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Field names read as coordinates when `locationInfo` names none (lower case), as ArcGIS clients guess them. */
const LATITUDE_NAMES = ['lat', 'latitude', 'y', 'ycenter', 'latitude83', 'latdecdeg', 'point-y'];
const LONGITUDE_NAMES = ['lon', 'lng', 'long', 'longitude', 'x', 'xcenter', 'longitude83', 'longdecdeg', 'point-x'];

/** Drawn when the layer states no renderer. */
const DEFAULT_RENDERER: Json = {
  type: 'simple',
  symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: [226, 119, 40, 255], size: 6, outline: { type: 'esriSLS', style: 'esriSLSSolid', color: [255, 255, 255, 255], width: 1 } },
};

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const object = (v: unknown): Json => (isObject(v) ? v : {});

/** Reads CSV text (RFC 4180) into rows of fields; blank lines are skipped. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  if (field !== '' || row.length) endRow();
  return rows;
}

/** The delimiter the header line (outside quotes) uses most; `,` when it uses none. */
export function sniffDelimiter(text: string): string {
  const header = /^[^\r\n]*/.exec(text.replace(/"(?:[^"]|"")*"/g, ''))![0];
  const counts = DELIMITERS.map((d) => header.split(d).length - 1);
  const best = counts.indexOf(Math.max(...counts));
  return counts[best]! > 0 ? DELIMITERS[best]! : ',';
}

/** A coordinate value: a number, also with a decimal comma. */
function coordinate(v: string | undefined): number | null {
  const s = (v ?? '').trim();
  const n = s === '' ? NaN : Number(/^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s);
  return Number.isFinite(n) ? n : null;
}

/** Column values as numbers when every non-empty value of the column is one, else as text (empty: null). */
function typedColumns(header: string[], rows: string[][]): ((v: string | undefined) => unknown)[] {
  return header.map((_, c) => {
    const numeric = rows.every((r) => (r[c] ?? '').trim() === '' || Number.isFinite(Number(r[c])));
    return (v) => ((v ?? '') === '' ? null : numeric ? Number(v) : v);
  });
}

/** The index of the column named `given`, else of the first of `guesses` (case-insensitive), or -1. */
function columnIndex(header: string[], given: unknown, guesses: string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  if (typeof given === 'string' && given) return lower.indexOf(given.toLowerCase());
  return lower.findIndex((h) => guesses.includes(h));
}

/** Draws a CSV layer; its legend is one group titled with the layer's title. */
export async function resolveCsvLayer(layer: WebMapLayer, context: PrintContext): Promise<ResolvedPrintLayer> {
  const fail = (why: string) => new PrintRequestError([`Layer '${layer.title}': ${why}`]);
  if (!layer.url) throw fail('a CSV layer needs a url');
  const target = new URL(layer.url);
  for (const [k, v] of Object.entries(layer.customParameters)) target.searchParams.set(k, v);
  const answer = await context.fetcher.fetch(target.href, { layer: layer.title, token: layer.token });
  if (answer.status !== 200) throw fail(`${layer.url.split('?')[0]} answered HTTP ${answer.status}`);
  // TextDecoder drops a UTF-8 byte order mark.
  const text = new TextDecoder('utf-8').decode(answer.body);
  const given = layer.json.columnDelimiter;
  const delimiter = typeof given === 'string' && given.length === 1 ? given : sniffDelimiter(text);
  const [header = [], ...rows] = parseCsv(text, delimiter);
  const location = object(layer.json.locationInfo);
  const lat = columnIndex(header, location.latitudeFieldName, LATITUDE_NAMES);
  const lon = columnIndex(header, location.longitudeFieldName, LONGITUDE_NAMES);
  if (lat < 0 || lon < 0) throw fail('the CSV file has no latitude and longitude fields (locationInfo.latitudeFieldName, longitudeFieldName)');

  const columns = typedColumns(header, rows);
  const features: EsriFeatureJson[] = [];
  for (const row of rows) {
    const y = coordinate(row[lat]), x = coordinate(row[lon]);
    if (x === null || y === null) continue;
    features.push({ geometry: { x, y }, attributes: Object.fromEntries(header.map((name, c) => [name, columns[c]!(row[c])])) });
  }
  if (features.length < rows.length) context.warn(`Layer '${layer.title}': ${rows.length - features.length} of ${rows.length} rows have no valid coordinates and are not drawn`);

  const drawingInfo = object(object(layer.json.layerDefinition).drawingInfo);
  const renderer = await inlinePictureSymbols(isObject(drawingInfo.renderer) ? drawingInfo.renderer : DEFAULT_RENDERER, layer, context);
  const layers = esriFeatureLayers(layer, { name: layer.title, features, spatialReference: { wkid: 4326 } }, {
    renderer,
    labelingInfo: Array.isArray(drawingInfo.labelingInfo) ? drawingInfo.labelingInfo as Json[] : null,
    showLabels: [layer.json.showLabels, drawingInfo.showLabels].includes(true),
    transparency: typeof drawingInfo.transparency === 'number' ? drawingInfo.transparency : 0,
  }, context);
  const entries = rendererLegend(layer.title, renderer);
  return { layers: numbered(layers), legend: entries.length ? [{ subLayerId: null, title: layer.title, entries }] : [] };
}
