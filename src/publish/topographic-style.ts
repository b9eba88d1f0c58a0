/**
 * Topographic styles for users' layers that follow the sample region's data model: a layer
 * with the table name of a sample layer (`roads`, `lakes`…), or with an F_CODE field whose
 * feature codes are a sample layer's (AP030 roads, BH080 lakes…), is drawn with that sample
 * layer's drawingInfo — as long as the geometry family is the same and every field the renderer
 * reads is in the layer. Label classes whose fields are missing are left out, and features whose
 * values the sample's renderer does not list are drawn with the default symbol rather than hidden.
 *
 * Everything is read from the sample's own definition (`sampleServiceDefinition().layers`,
 * `SAMPLE_TABLES`), so a change to the sample's symbology reaches published layers too. A
 * sample table's feature codes are the codes its description names ("Road links … (AP030)").
 * @module publish/topographic-style
 */
import type { LayerDefinition } from '../catalog/service-definition.js';
import { parseWhere } from '../data/where/index.js';
import type { EsriGeometryType } from '../geo/esri-json.js';
import { SAMPLE_TABLES } from '../sample/schema.js';
import { sampleServiceDefinition } from '../sample/sample-service.js';
import type { LayerStyle, StyleLayerInfo } from './default-style.js';
import { defaultSymbol } from './default-symbols.js';
import { findNameField, nameLabels } from './name-labels.js';

type Family = 'point' | 'line' | 'polygon';

interface SampleStyle {
  layer: LayerDefinition;
  table: string;
  family: Family;
  /** Feature codes the sample table holds. */
  codes: Set<string>;
}

const FAMILY_OF_TABLE: Record<string, Family> = {
  POINT: 'point', MULTIPOINT: 'point', LINESTRING: 'line', MULTILINESTRING: 'line', POLYGON: 'polygon', MULTIPOLYGON: 'polygon',
};

function familyOf(type: EsriGeometryType | null): Family | null {
  switch (type) {
    case 'esriGeometryPoint': case 'esriGeometryMultipoint': return 'point';
    case 'esriGeometryPolyline': return 'line';
    case 'esriGeometryPolygon': case 'esriGeometryEnvelope': return 'polygon';
    default: return null;
  }
}

let styles: SampleStyle[] | null = null;

/** The sample's feature layers with their table, geometry family and feature codes. */
export function sampleStyles(): SampleStyle[] {
  styles ??= sampleServiceDefinition().layers.flatMap((layer) => {
    const table = layer.type === 'Feature Layer' && layer.source?.type === 'geopackage' ? layer.source.table : null;
    const schema = table ? SAMPLE_TABLES.find((t) => t.table === table) : undefined;
    const family = schema ? FAMILY_OF_TABLE[schema.geometryType] : undefined;
    if (!table || !schema || !family || !layer.drawingInfo?.renderer) return [];
    return [{ layer, table, family, codes: new Set(schema.description.match(/\b[A-Z]{2}\d{3}\b/g) ?? []) }];
  });
  return styles;
}

/** Fields a renderer reads: the unique-value fields, the class-breaks field and its normalisation, visual variables. */
export function rendererFields(renderer: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['field', 'field1', 'field2', 'field3', 'normalizationField']) {
    const v = renderer[key];
    if (typeof v === 'string' && v) out.push(v);
  }
  for (const vv of (Array.isArray(renderer.visualVariables) ? renderer.visualVariables : []) as Record<string, unknown>[]) {
    if (typeof vv?.field === 'string' && vv.field) out.push(vv.field);
  }
  return out;
}

/** Field names a where clause reads (every `field` node of its syntax tree); null when it does not parse. */
function whereFields(where: string): string[] | null {
  let tree: unknown;
  try { tree = parseWhere(where); } catch { return null; }
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) { n.forEach(walk); return; }
    if (!n || typeof n !== 'object') return;
    const node = n as Record<string, unknown>;
    if (node.kind === 'field' && typeof node.name === 'string') out.push(node.name);
    for (const v of Object.values(node)) if (v && typeof v === 'object') walk(v);
  };
  walk(tree);
  return out;
}

/** Fields a label class reads: `[FIELD]` in its expression and the fields of its where clause. */
function labelFields(cls: Record<string, unknown>): string[] | null {
  const expression = typeof cls.labelExpression === 'string' ? cls.labelExpression : '';
  const fields = [...expression.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
  if (typeof cls.where === 'string' && cls.where.trim()) {
    const w = whereFields(cls.where);
    if (!w) return null;
    fields.push(...w);
  }
  return fields;
}

/**
 * The sample layer a user's layer should be drawn like, or null: same table name first, else the
 * one sharing most of its feature codes; always of the same geometry family and with every
 * renderer field present.
 */
export function matchSampleLayer(layer: StyleLayerInfo): SampleStyle | null {
  const family = familyOf(layer.geometryType);
  if (!family) return null;
  const has = new Set(layer.fields.map((f) => f.name.toLowerCase()));
  const usable = (s: SampleStyle) => s.family === family && rendererFields(s.layer.drawingInfo!.renderer!).every((f) => has.has(f.toLowerCase()));
  const candidates = sampleStyles().filter(usable);
  const byTable = candidates.find((s) => s.table === layer.table.toLowerCase());
  if (byTable) return byTable;
  if (!has.has('f_code') || !layer.featureCodes?.length) return null;
  let best: SampleStyle | null = null, bestShared = 0;
  for (const s of candidates) {
    const shared = layer.featureCodes.filter((c) => s.codes.has(c.trim().toUpperCase())).length;
    if (shared > bestShared) { best = s; bestShared = shared; }
  }
  return best;
}

/** The sample's style for the layer (see the module comment), or null when none fits. */
export function topographicStyle(layer: StyleLayerInfo): LayerStyle | null {
  const match = matchSampleLayer(layer);
  if (!match) return null;
  const present = new Map(layer.fields.map((f) => [f.name.toLowerCase(), f.name]));
  const sample = match.layer;
  const sampleLabels = sample.drawingInfo?.labelingInfo ?? null;
  let labelingInfo = sampleLabels?.filter((cls) => labelFields(cls)?.every((f) => present.has(f.toLowerCase())) ?? false) ?? null;
  // The sample labels this layer but the user's data lacks the fields: label by its name field instead.
  const name = findNameField(layer.fields);
  if (sampleLabels?.length && !labelingInfo?.length) labelingInfo = name ? nameLabels(name, layer.geometryType!) : null;
  const displayField = sample.displayField && present.get(sample.displayField.toLowerCase()) || name;
  const fieldAliases = Object.fromEntries(Object.entries(sample.fieldAliases ?? {}).flatMap(([k, v]) => (present.has(k.toLowerCase()) ? [[present.get(k.toLowerCase())!, v]] : [])));
  const renderer = structuredClone(sample.drawingInfo!.renderer!);
  if ((renderer.type === 'uniqueValue' || renderer.type === 'classBreaks') && !renderer.defaultSymbol) {
    renderer.defaultSymbol = defaultSymbol(layer.geometryType!, layer.index);
    renderer.defaultLabel = 'Other';
  }
  return {
    drawingInfo: { ...structuredClone(sample.drawingInfo), renderer, labelingInfo: labelingInfo?.length ? structuredClone(labelingInfo) : null },
    ...(displayField ? { displayField } : {}),
    ...(Object.keys(fieldAliases).length ? { fieldAliases } : {}),
    basedOn: sample.name,
  };
}
