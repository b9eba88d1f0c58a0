/**
 * `dynamicLayers` (mapserver.md §6): layers a request defines over the service's own, each
 * drawn from a map layer with its own ID, drawingInfo, definition expression and scale range.
 * Array order is draw order, the first element on top. Only `mapLayer` sources are supported;
 * `dataLayer` sources and CIM symbols answer 400 (§15.3). Each element is read by the mapping
 * engine (mapping/dynamic-layer-definition); this face names the parameter and the index.
 * @module faces/mapserver/dynamic-layers
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import type { WhereNode } from '../../data/where/index.js';
import { ArcGisError, invalidParameter } from '../../http/arcgis-error.js';
import type { RequestParams } from '../../http/request-params.js';
import { DynamicLayerError, dynamicMapLayer, hasCimSymbol, type DynamicMapLayer } from '../../mapping/dynamic-layer-definition.js';

/** The layers of a `dynamicLayers` value, top first, and the where clauses that go with them. */
export interface DynamicLayers {
  layers: MapLayer[];
  /** The map layers' own definition expressions, keyed by dynamic layer ID. */
  layerDefs: Map<number, WhereNode>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads one element, a problem answering 400 naming its index. */
function readDynamicLayer(o: unknown, i: number, service: MapService): DynamicMapLayer {
  try {
    return dynamicMapLayer(o, service);
  } catch (e) {
    if (e instanceof DynamicLayerError) throw invalidParameter('dynamicLayers', `[${i}] ${e.message}`);
    throw e;
  }
}

/**
 * Reads and validates `dynamicLayers`; `null` when the request has none. Every problem answers
 * 400 naming `dynamicLayers` and the array index; a CIM symbol answers `CIM symbols are not supported`.
 */
export function readDynamicLayers(params: RequestParams, service: MapService): DynamicLayers | null {
  const raw = params.json('dynamicLayers');
  if (raw === undefined) return null;
  if (!Array.isArray(raw)) throw invalidParameter('dynamicLayers', 'expected a JSON array of layers');
  const out: DynamicLayers = { layers: [], layerDefs: new Map() };
  raw.forEach((o: unknown, i) => {
    if (isObject(o) && hasCimSymbol(o.drawingInfo)) throw new ArcGisError(400, 'CIM symbols are not supported', [`'dynamicLayers' parameter is invalid: [${i}] uses a CIMSymbolReference symbol`]);
    const { layer, ownWhere } = readDynamicLayer(o, i, service);
    const id = layer.definition.id;
    if (out.layers.some((l) => l.definition.id === id)) throw invalidParameter('dynamicLayers', `[${i}] repeats id ${id}`);
    out.layers.push(layer);
    if (ownWhere) out.layerDefs.set(id, ownWhere);
  });
  return out;
}
