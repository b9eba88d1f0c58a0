/**
 * Reads the parameters of layer `query` (mapserver.md §13) into engine terms: a filter in the
 * layer's SR, resolved field names, paging within maxRecordCount, and the output shape.
 * @module faces/mapserver/query-params
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import type { FieldInfo, OrderBy } from '../../data/feature-source.js';
import type { Envelope } from '../../geo/geometry.js';
import type { OutputShape, QueryFilter, StatisticDefinition } from '../../data/layer-query.js';
import { STATISTIC_TYPES } from '../../data/layer-query.js';
import type { WhereNode } from '../../data/where/index.js';
import { parseWhere, WhereClauseError } from '../../data/where/index.js';
import { ESRI_GEOMETRY_TYPES, parseGeometryParam, type EsriGeometryType } from '../../geo/esri-json.js';
import { getTransform, transformGeometry } from '../../geo/projection.js';
import type { SpatialRelation } from '../../geo/spatial-relation.js';
import { prepareDistanceFilter, prepareFilter, SPATIAL_RELATIONS } from '../../geo/spatial-relation.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { isGeographic, parseSpatialReference, SpatialReferenceError } from '../../geo/spatial-reference.js';
import { clip, invalidParameter, invalidQuery } from '../../http/arcgis-error.js';
import { readDynamicLayers } from './dynamic-layers.js';
import type { RequestParams } from '../../http/request-params.js';

/** Metres per unit of the `units` parameter. */
const UNITS: Record<string, number> = {
  esriSRUnit_Meter: 1, esriSRUnit_Kilometer: 1000, esriSRUnit_Foot: 0.3048, esriSRUnit_StatuteMile: 1609.344,
  esriSRUnit_NauticalMile: 1852, esriSRUnit_USNauticalMile: 1852, esriSRUnit_SurveyFoot: 1200 / 3937,
};

/** Parses an SR parameter, naming it in the error. */
export function srParam(params: RequestParams, name: string): SpatialReference | null {
  try { return parseSpatialReference(params.get(name)); } catch (e) {
    if (e instanceof SpatialReferenceError) throw invalidParameter(name, e.message);
    throw e;
  }
}

/** Resolves a field name case-insensitively against the layer's fields. */
export function resolveField(layer: MapLayer, name: string, param: string): FieldInfo {
  const f = layer.fields.find((x) => x.name === name) ?? layer.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!f) throw invalidQuery(`'${param}' names an unknown field '${clip(name, 64)}'`);
  return f;
}

function parseWhereParam(text: string, param: string): WhereNode {
  try { return parseWhere(text); } catch (e) {
    if (e instanceof WhereClauseError) throw invalidQuery(`'${param}' is invalid: ${e.message}`);
    throw e;
  }
}

/** ANDs the layer's definition expression with the request's where, as separate trees. */
export function combineWhere(...nodes: (WhereNode | undefined)[]): WhereNode | undefined {
  const present = nodes.filter((n): n is WhereNode => !!n);
  if (present.length <= 1) return present[0];
  return { kind: 'logical', op: 'AND', operands: present };
}

/** Object IDs: a comma list of integers. */
export function objectIdsParam(params: RequestParams): number[] | undefined {
  const list = params.list('objectIds');
  if (!list) return undefined;
  const ids = list.map(Number);
  if (ids.some((n) => !Number.isSafeInteger(n))) throw invalidParameter('objectIds', 'expected a comma-separated list of integers');
  return ids;
}

/** The filter: definition expression, where/text, objectIds and the spatial filter. */
export function readFilter(params: RequestParams, service: MapService, layer: MapLayer): QueryFilter & { hasFilter: boolean } {
  const def = layer.definition.definitionExpression ? parseWhereParam(layer.definition.definitionExpression, 'definitionExpression') : undefined;
  const whereText = params.get('where');
  let where = whereText !== undefined ? parseWhereParam(whereText, 'where') : undefined;
  const text = params.get('text');
  if (!where && text !== undefined) {
    // `text` is a LIKE on the display field (mapserver.md §13); the text is a bound value.
    where = { kind: 'like', negated: false, value: { kind: 'field', name: layer.displayField }, pattern: { kind: 'literal', type: 'string', value: `%${text}%` }, escape: null };
  }
  const objectIds = objectIdsParam(params);
  const geometryText = params.get('geometry');
  let spatial: QueryFilter['spatial'];
  if (geometryText !== undefined) {
    if (layer.source?.schema.geometryType === null) throw invalidParameter('geometry', 'a table has no geometry to filter');
    const geometryType = params.oneOf('geometryType', ESRI_GEOMETRY_TYPES, undefined) as EsriGeometryType | undefined;
    const parsed = parseGeometryParam(geometryText, geometryType ?? (geometryText.trim().startsWith('{') ? undefined : 'esriGeometryEnvelope'));
    if (parsed.geometry) {
      let inSr = srParam(params, 'inSR');
      if (!inSr && parsed.spatialReference) {
        try { inSr = parseSpatialReference(parsed.spatialReference); } catch { throw invalidParameter('geometry', 'its spatialReference is invalid'); }
      }
      const toLayer = getTransform(inSr ?? service.spatialReference, layer.spatialReference);
      const geometry = transformGeometry(parsed.geometry, toLayer);
      const relation = params.oneOf('spatialRel', SPATIAL_RELATIONS, 'esriSpatialRelIntersects') as SpatialRelation;
      const distance = params.number('distance', 0, 0);
      if (distance > 0) {
        if (isGeographic(layer.spatialReference)) throw invalidParameter('distance', 'distance queries need a projected layer');
        const units = params.oneOf('units', Object.keys(UNITS), 'esriSRUnit_Meter');
        spatial = prepareDistanceFilter(geometry, relation, distance * UNITS[units]!) ?? undefined;
        if (!spatial) throw invalidParameter('distance', `a distance with ${relation} needs a point geometry`);
      } else spatial = prepareFilter(geometry, relation);
    } else {
      // An empty geometry matches nothing; an impossible envelope keeps the query honest.
      spatial = { envelope: { xmin: 1, ymin: 1, xmax: 0, ymax: 0 }, envelopeOnly: true, test: () => false };
    }
  }
  return { where: combineWhere(def, where), objectIds, spatial, hasFilter: !!(where || objectIds || spatial) };
}

/** `outFields`: `*` or a list; default object ID and display field. Names resolved to the schema's spelling. */
export function readOutFields(params: RequestParams, layer: MapLayer): string[] {
  const list = params.list('outFields');
  const oid = layer.source!.schema.objectIdField;
  if (!list) return [...new Set([oid, layer.displayField].filter(Boolean))];
  if (list.includes('*')) return layer.fields.map((f) => f.name);
  return [...new Set(list.map((n) => resolveField(layer, n, 'outFields').name))];
}

/** `orderByFields`: `F1 ASC, F2 DESC`; `extraNames` allows statistic output names. */
export function readOrderBy(params: RequestParams, layer: MapLayer, extraNames: string[] = []): OrderBy[] | undefined {
  const list = params.list('orderByFields');
  if (!list) return undefined;
  return list.map((item) => {
    const m = /^(\S+)(?:\s+(ASC|DESC))?$/i.exec(item);
    if (!m) throw invalidParameter('orderByFields', `'${clip(item, 40)}' is not 'FIELD [ASC|DESC]'`);
    const extra = extraNames.find((n) => n.toLowerCase() === m[1]!.toLowerCase());
    return { field: extra ?? resolveField(layer, m[1]!, 'orderByFields').name, descending: (m[2] ?? '').toUpperCase() === 'DESC' };
  });
}

/** outStatistics JSON into statistic definitions with resolved fields. */
export function readStatistics(params: RequestParams, layer: MapLayer): StatisticDefinition[] | undefined {
  const raw = params.json('outStatistics');
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length === 0) throw invalidParameter('outStatistics', 'expected a non-empty JSON array');
  return raw.map((s: unknown) => {
    const o = (s ?? {}) as Record<string, unknown>;
    const type = String(o.statisticType ?? '').toLowerCase();
    if (type.startsWith('percentile')) throw invalidParameter('outStatistics', 'percentile statistics are not supported');
    if (!(STATISTIC_TYPES as readonly string[]).includes(type)) throw invalidParameter('outStatistics', `statisticType must be one of ${STATISTIC_TYPES.join(', ')}`);
    const fieldName = String(o.onStatisticField ?? '');
    if (!fieldName) throw invalidParameter('outStatistics', 'onStatisticField is required');
    const field = fieldName === '*' && type === 'count' ? '*' : resolveField(layer, fieldName, 'outStatistics').name;
    const outName = o.outStatisticFieldName ? String(o.outStatisticFieldName) : `${type.toUpperCase()}_${field === '*' ? 'ALL' : field}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(outName)) throw invalidParameter('outStatistics', 'outStatisticFieldName must be a plain identifier');
    return { type: type as StatisticDefinition['type'], field, outName };
  });
}

/** Paging within maxRecordCount (mapserver.md §13): a larger count is capped. */
export function readPaging(params: RequestParams, service: MapService): { offset: number; limit: number } {
  const offset = params.int('resultOffset', 0, 0);
  const requested = params.int('resultRecordCount', service.maxRecordCount, 1);
  return { offset, limit: Math.min(requested, service.maxRecordCount) };
}

/** Output SR transform, generalisation and precision. */
export function readShape(params: RequestParams, layer: MapLayer, outSr: SpatialReference): OutputShape {
  return {
    transform: getTransform(layer.spatialReference, outSr),
    maxAllowableOffset: params.number('maxAllowableOffset', undefined, 0),
    geometryPrecision: params.int('geometryPrecision', undefined, 0, 17),
  };
}


/**
 * `layerDefs`: JSON `{"0": "where", …}`, JSON `[{"layerId": 0, "where": "…"}]` or the legacy
 * `0:where;1:where` form (mapserver.md §6). Each clause is parsed on its own.
 */
export function readLayerDefs(params: RequestParams): Map<number, WhereNode> {
  const text = params.get('layerDefs');
  const defs = new Map<number, WhereNode>();
  if (text === undefined) return defs;
  const add = (id: unknown, where: unknown) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0 || typeof where !== 'string') throw invalidParameter('layerDefs', 'expected layer IDs with where clauses');
    if (where.trim()) defs.set(n, parseWhereParam(where, 'layerDefs'));
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let json: unknown;
    try { json = JSON.parse(trimmed); } catch { throw invalidParameter('layerDefs', 'not valid JSON'); }
    if (Array.isArray(json)) for (const d of json) add((d as Record<string, unknown>)?.layerId, (d as Record<string, unknown>)?.where);
    else for (const [id, where] of Object.entries(json as Record<string, unknown>)) add(id, where);
  } else {
    for (const part of trimmed.split(';').filter((p) => p.trim())) {
      const i = part.indexOf(':');
      if (i < 1) throw invalidParameter('layerDefs', "expected 'id:where;id:where'");
      add(part.slice(0, i).trim(), part.slice(i + 1));
    }
  }
  return defs;
}

/** The layer's own definition expression ANDed with a request's layerDefs entry. */
export function layerWhere(layer: MapLayer, layerDefs: Map<number, WhereNode>): WhereNode | undefined {
  const own = layer.definition.definitionExpression ? parseWhereParam(layer.definition.definitionExpression, 'definitionExpression') : undefined;
  return combineWhere(own, layerDefs.get(layer.definition.id));
}

/** Parses an `xmin,ymin,xmax,ymax` (or envelope JSON) parameter. */
export function envelopeParam(params: RequestParams, name: string): Envelope {
  const text = params.required(name).trim();
  let values: unknown[];
  if (text.startsWith('{')) {
    let j: Record<string, unknown>;
    try { j = JSON.parse(text); } catch { throw invalidParameter(name, 'not valid JSON'); }
    values = [j.xmin, j.ymin, j.xmax, j.ymax];
  } else values = text.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  const [xmin, ymin, xmax, ymax] = values as number[];
  if (values.length !== 4 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) throw invalidParameter(name, 'expected xmin,ymin,xmax,ymax');
  if (!(xmin! < xmax! && ymin! < ymax!)) throw invalidParameter(name, 'xmin must be below xmax and ymin below ymax');
  return { xmin: xmin!, ymin: ymin!, xmax: xmax!, ymax: ymax! };
}

/** Options identify and find share: which layers' filters apply and how results look. */
export interface ResultOptions {
  /** `dynamicLayers`, top first, when the request defines them: then only these are searched. */
  dynamicLayers: MapLayer[] | null;
  layerDefs: Map<number, WhereNode>;
  returnGeometry: boolean;
  unformatted: boolean;
  fieldNames: boolean;
  maxAllowableOffset: number | undefined;
  geometryPrecision: number | undefined;
}

/**
 * Reads the result options of identify and find (mapserver.md §7–8). With `dynamicLayers`, as
 * in export, `layerDefs` is ignored: the dynamic layers carry their own expressions.
 */
export function readResultOptions(params: RequestParams, service: MapService): ResultOptions {
  const dynamic = readDynamicLayers(params, service);
  return {
    dynamicLayers: dynamic?.layers ?? null,
    layerDefs: dynamic ? dynamic.layerDefs : readLayerDefs(params),
    returnGeometry: params.bool('returnGeometry', true),
    unformatted: params.bool('returnUnformattedValues', false),
    fieldNames: params.bool('returnFieldName', false),
    maxAllowableOffset: params.number('maxAllowableOffset', undefined, 0),
    geometryPrecision: params.int('geometryPrecision', undefined, 0, 17),
  };
}
