/**
 * Feature layers on other hosts (`ArcGISFeatureLayer`, printing.md §12.4): the features inside
 * the frame are queried from `<url>/query` in the frame's SR, through the Fetcher (printing.md
 * §13), page after page while the service reports `exceededTransferLimit`, up to
 * `MAX_REMOTE_FEATURES`. They are drawn with `layerDefinition.drawingInfo`, else the layer's own
 * (`<url>?f=json`); the `selectionObjectIds` are drawn again on top with `selectionSymbol`.
 * @module printing/layers/remote-feature-layer
 */
import { srJson } from '../../geo/spatial-reference.js';
import { DRAWABLE_RENDERER_TYPES } from '../../mapping/dynamic-layer-definition.js';
import type { PrintContext, PrintLegendGroup, ResolvedPrintLayer } from '../print-layer.js';
import { PrintRequestError, type WebMapLayer } from '../web-map.js';
import { esriFeatureLayers, numbered, rendererLegend, statedSpatialReference, type EsriFeatureJson } from './esri-feature-layer.js';
import { inlinePictureSymbols } from './picture-symbols.js';

type Json = Record<string, unknown>;

/** Features drawn at most from one remote layer; more are left out with a warning. */
export const MAX_REMOTE_FEATURES = 50_000;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const object = (v: unknown): Json => (isObject(v) ? v : {});
const isIdList = (v: unknown): v is number[] => Array.isArray(v) && v.every((id) => Number.isSafeInteger(id));

/** Whether the map engine draws a renderer (a temporal one through its parts, esri-feature-layer). */
const drawable = (renderer: Json): boolean => renderer.type === 'temporal' || DRAWABLE_RENDERER_TYPES.has(String(renderer.type));

/** The layer's URL split into what messages name (no query string, which may hold a token) and its query string. */
interface LayerUrl { base: string; search: URLSearchParams }

function layerUrl(layer: WebMapLayer): LayerUrl {
  let u: URL;
  try { u = new URL(layer.url ?? ''); } catch { throw new PrintRequestError([`Layer '${layer.title}': a feature layer needs a url`]); }
  return { base: `${u.origin}${u.pathname.replace(/\/+$/, '')}`, search: u.searchParams };
}

/** GETs (or POSTs `form` to) `path` under the layer URL and reads its JSON; an error answer fails the print. */
async function fetchJson(layer: WebMapLayer, url: LayerUrl, path: string, context: PrintContext, form?: Record<string, string>): Promise<Json> {
  const target = new URL(`${url.base}${path}`);
  for (const [k, v] of url.search) target.searchParams.set(k, v);
  const params = { f: 'json', ...layer.customParameters };
  if (!form) for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  const named = `${url.base}${path}`;
  const fail = (why: string) => new PrintRequestError([`Layer '${layer.title}': ${named} ${why}`]);
  const answer = await context.fetcher.fetch(target.href, { layer: layer.title, token: layer.token, ...(form ? { method: 'POST' as const, form: { ...form, ...params } } : {}) });
  if (answer.status !== 200) throw fail(`answered HTTP ${answer.status}`);
  let json: unknown;
  try { json = JSON.parse(answer.body.toString('utf8')); } catch { throw fail('did not answer JSON'); }
  if (!isObject(json)) throw fail('did not answer a JSON object');
  // ArcGIS answers errors with HTTP 200 and an error envelope (mapserver.md §2).
  if (isObject(json.error)) throw fail(`answered error ${String(json.error.code ?? '')}: ${String(json.error.message ?? '').slice(0, 200)}`);
  return json;
}

/** The features of the frame: all pages up to the cap, and the first page's answer (SR, object ID field). */
async function queryFeatures(layer: WebMapLayer, url: LayerUrl, definition: Json, context: PrintContext): Promise<{ features: EsriFeatureJson[]; answer: Json }> {
  const { frame } = context;
  const sr = JSON.stringify(srJson(frame.spatialReference));
  const where = typeof definition.definitionExpression === 'string' && definition.definitionExpression.trim() ? definition.definitionExpression : '1=1';
  if (definition.objectIds !== undefined && definition.objectIds !== null && !isIdList(definition.objectIds)) {
    throw new PrintRequestError([`Layer '${layer.title}': layerDefinition.objectIds must be an array of integers`]);
  }
  const form: Record<string, string> = {
    where, outFields: '*', returnGeometry: 'true',
    geometry: JSON.stringify({ ...frame.view, spatialReference: srJson(frame.spatialReference) }), geometryType: 'esriGeometryEnvelope',
    spatialRel: 'esriSpatialRelIntersects', inSR: sr, outSR: sr,
    ...(isIdList(definition.objectIds) && definition.objectIds.length ? { objectIds: definition.objectIds.join(',') } : {}),
    // A layer that is not time aware ignores `time`, as ArcGIS does.
    ...(frame.time ? { time: frame.time.join(',') } : {}),
  };
  const features: EsriFeatureJson[] = [];
  const seen = new Set<unknown>();
  let first: Json | null = null;
  for (let offset = 0; ;) {
    const page = await fetchJson(layer, url, '/query', context, offset ? { ...form, resultOffset: String(offset) } : form);
    if (!Array.isArray(page.features)) throw new PrintRequestError([`Layer '${layer.title}': ${url.base}/query answered no features`]);
    first ??= page;
    const oid = typeof first.objectIdFieldName === 'string' ? first.objectIdFieldName : null;
    // A service that ignores resultOffset answers the first page again: stop when nothing is new.
    const fresh = (page.features as EsriFeatureJson[]).filter((f) => {
      if (!oid) return true;
      const id = object(f?.attributes)[oid];
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    features.push(...fresh);
    if (features.length > MAX_REMOTE_FEATURES || (features.length === MAX_REMOTE_FEATURES && page.exceededTransferLimit === true)) {
      context.warn(`Layer '${layer.title}': only the first ${MAX_REMOTE_FEATURES} features are drawn`);
      features.length = MAX_REMOTE_FEATURES;
      break;
    }
    if (page.exceededTransferLimit !== true || fresh.length === 0) break;
    offset += page.features.length;
  }
  return { features, answer: first! };
}

/** The object ID field: as the query answer names it, else the layer's. */
function objectIdField(answer: Json, info: Json | null): string | null {
  if (typeof answer.objectIdFieldName === 'string') return answer.objectIdFieldName;
  if (typeof info?.objectIdField === 'string') return info.objectIdField;
  const fields = [answer.fields, info?.fields].find(Array.isArray) as Json[] | undefined;
  const oid = fields?.find((f) => isObject(f) && f.type === 'esriFieldTypeOID');
  return typeof oid?.name === 'string' ? oid.name : null;
}

/** Draws a feature layer of another host; its legend is one group titled with the web map layer's title. */
export async function resolveRemoteFeatureLayer(layer: WebMapLayer, context: PrintContext): Promise<ResolvedPrintLayer> {
  const url = layerUrl(layer);
  const definition = object(layer.json.layerDefinition);
  const given = object(definition.drawingInfo);
  // printing.md §12.4: labels are drawn when `showLabels` says so.
  const showLabels = [layer.json.showLabels, given.showLabels].includes(true);
  let givenRenderer = isObject(given.renderer) ? given.renderer : null;
  if (givenRenderer && !drawable(givenRenderer)) {
    context.warn(`Layer '${layer.title}': renderer type '${String(givenRenderer.type)}' is not supported; the layer's own renderer is drawn`);
    givenRenderer = null;
  }
  const needsInfo = !givenRenderer || (showLabels && !Array.isArray(given.labelingInfo));
  const info = needsInfo ? await fetchJson(layer, url, '', context) : null;
  const own = object(info?.drawingInfo);
  const { features, answer } = await queryFeatures(layer, url, definition, context);
  const images = `${url.base}/images/`;
  const renderer = await inlinePictureSymbols(givenRenderer ?? (isObject(own.renderer) ? own.renderer : null), layer, context, images);
  const labelingInfo = [given.labelingInfo, own.labelingInfo].find(Array.isArray) as Json[] | undefined;
  const transparency = [given.transparency, own.transparency].find((t) => typeof t === 'number') as number | undefined;
  const set = { name: layer.title, spatialReference: statedSpatialReference(layer, answer.spatialReference) };
  const timeInfo = isObject(definition.timeInfo) ? definition.timeInfo : isObject(info?.timeInfo) ? info.timeInfo : null;
  const layers = esriFeatureLayers(layer, { ...set, features }, { renderer, labelingInfo: labelingInfo ?? null, showLabels, transparency: transparency ?? 0, timeInfo }, context);

  const selected = layer.json.selectionObjectIds;
  const symbol = layer.json.selectionSymbol;
  const oid = objectIdField(answer, info);
  if (isIdList(selected) && selected.length > 0 && isObject(symbol) && oid) {
    const ids = new Set(selected);
    const chosen = features.filter((f) => ids.has(object(f.attributes)[oid] as number)).map(({ geometry, attributes }) => ({ geometry, attributes }));
    const selectionRenderer = await inlinePictureSymbols({ type: 'simple', symbol }, layer, context, images);
    layers.push(...esriFeatureLayers(layer, { ...set, features: chosen }, { renderer: selectionRenderer, labelingInfo: null, showLabels: false, transparency: 0 }, context));
  }
  const entries = rendererLegend(layer.title, renderer);
  const id = /\/(\d+)$/.exec(url.base)?.[1];
  const legend: PrintLegendGroup[] = entries.length ? [{ subLayerId: id === undefined ? null : Number(id), title: layer.title, entries }] : [];
  const credits = [layer.json.credits, info?.copyrightText].find((c): c is string => typeof c === 'string' && c !== '');
  return { layers: numbered(layers), legend, ...(credits ? { credits } : {}) };
}
