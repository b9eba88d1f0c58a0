/**
 * `find` (mapserver.md §8): text search over the string and numeric fields of chosen layers.
 * The search text is a bound value in a where-clause tree, never spliced into SQL.
 * @module faces/mapserver/find-operation
 */
import type { FieldInfo } from '../../data/feature-source.js';
import { queryFeatures } from '../../data/layer-query.js';
import type { WhereNode } from '../../data/where/index.js';
import { toEsriGeometry } from '../../geo/esri-json.js';
import { getTransform } from '../../geo/projection.js';
import { srJson } from '../../geo/spatial-reference.js';
import { clip, invalidParameter, missingParameter } from '../../http/arcgis-error.js';
import { formatAttributes, formatValue } from './format-values.js';
import type { Operation } from './operation.js';
import { combineWhere, layerWhere, readResultOptions, srParam } from './query-params.js';

const TEXT_TYPES = new Set(['esriFieldTypeString', 'esriFieldTypeGUID', 'esriFieldTypeGlobalID']);
const NUMBER_TYPES = new Set(['esriFieldTypeSmallInteger', 'esriFieldTypeInteger', 'esriFieldTypeBigInteger', 'esriFieldTypeSingle', 'esriFieldTypeDouble', 'esriFieldTypeOID']);

/** LIKE wildcards in the search text are literal characters. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The where tree that finds `text` in `field`, or null when the field cannot hold it. */
function matchField(field: FieldInfo, text: string, contains: boolean): WhereNode | null {
  const ref: WhereNode = { kind: 'field', name: field.name };
  if (TEXT_TYPES.has(field.type)) {
    if (!contains) return { kind: 'comparison', op: '=', left: ref, right: { kind: 'literal', type: 'string', value: text } };
    return {
      kind: 'like', negated: false, escape: '\\',
      value: { kind: 'function', name: 'UPPER', args: [ref] },
      pattern: { kind: 'function', name: 'UPPER', args: [{ kind: 'literal', type: 'string', value: `%${escapeLike(text)}%` }] },
    };
  }
  const n = Number(text);
  if (NUMBER_TYPES.has(field.type) && text.trim() !== '' && Number.isFinite(n)) {
    return { kind: 'comparison', op: '=', left: ref, right: { kind: 'literal', type: 'number', value: n } };
  }
  return null;
}

export const findOperation: Operation = ({ service, params }) => {
  const searchText = params.get('searchText');
  if (searchText === undefined) throw missingParameter('searchText');
  const layerIds = params.list('layers');
  if (!layerIds) throw missingParameter('layers');
  const { dynamicLayers, layerDefs, returnGeometry, unformatted, fieldNames, maxAllowableOffset, geometryPrecision } = readResultOptions(params, service);
  // With dynamicLayers, `layers` names their dynamic IDs (mapserver.md §8).
  const lookup = (id: number) => (dynamicLayers ? dynamicLayers.find((l) => l.definition.id === id) : service.layer(id));
  const layers = layerIds.map((id) => {
    const layer = /^\d{1,9}$/.test(id) ? lookup(Number(id)) : undefined;
    if (!layer) throw invalidParameter('layers', `layer ${clip(id, 20)} does not exist`);
    if (layer.definition.type === 'Table') throw invalidParameter('layers', `${layer.definition.id} is a table; find searches layers only`);
    return layer;
  }).filter((l) => l.source);
  const contains = params.bool('contains', true);
  const searchFields = params.list('searchFields');
  const sr = srParam(params, 'sr') ?? service.spatialReference;

  const limit = service.maxRecordCount;
  const results: Record<string, unknown>[] = [];
  let exceeded = false;
  search: for (const layer of layers) {
    const fields = layer.fields.filter((f) => !searchFields || searchFields.some((s) => s.toLowerCase() === f.name.toLowerCase() || s.toLowerCase() === f.alias.toLowerCase()));
    for (const field of fields) {
      const match = matchField(field, searchText, contains);
      if (!match) continue;
      const found = queryFeatures(layer.source!, {
        where: combineWhere(layerWhere(layer, layerDefs), match),
        outFields: layer.fields.map((f) => f.name), returnGeometry, offset: 0, limit: limit - results.length,
        shape: { transform: getTransform(layer.spatialReference, sr), maxAllowableOffset, geometryPrecision },
      });
      for (const row of found.features) {
        results.push({
          layerId: layer.definition.id, layerName: layer.definition.name, displayFieldName: layer.displayField,
          foundFieldName: fieldNames ? field.name : field.alias,
          value: unformatted ? row.attributes[field.name] ?? null : formatValue(row.attributes[field.name], field),
          attributes: formatAttributes(row.attributes, layer.fields, { unformatted, fieldNames }),
          geometryType: layer.source!.schema.geometryType,
          ...(returnGeometry && row.geometry ? { geometry: { ...toEsriGeometry(row.geometry), spatialReference: srJson(sr) } } : {}),
        });
      }
      if (found.exceededTransferLimit) { exceeded = true; break search; }
      if (results.length >= limit) break search;
    }
  }
  return { json: { results, ...(exceeded ? { exceededTransferLimit: true } : {}) } };
};
