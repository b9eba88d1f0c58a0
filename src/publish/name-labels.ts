/**
 * Which field names a layer's features, and the label class that shows it. Users' files name
 * their features in many ways (NAME, NAM, name, label, TITLE, Nom…); the first string field with
 * such a name, compared without case, is taken.
 * @module publish/name-labels
 */
import type { EsriFieldType } from '../data/feature-source.js';
import type { EsriGeometryType } from '../geo/esri-json.js';

/** Field names that name features, best first; compared without case. */
const NAME_FIELDS = ['name', 'nam', 'label', 'title', 'nom', 'nombre', 'nome', 'naam', 'navn', 'namn', 'nazwa', 'bezeichnung', 'toponym', 'text'];

/** The string field that names the features, or null: a known name first, then one containing "name". */
export function findNameField(fields: readonly { name: string; type: EsriFieldType }[]): string | null {
  const strings = fields.filter((f) => f.type === 'esriFieldTypeString');
  for (const candidate of NAME_FIELDS) {
    const hit = strings.find((f) => f.name.toLowerCase() === candidate);
    if (hit) return hit.name;
  }
  return strings.find((f) => /name|^nam_|^nom_/i.test(f.name))?.name ?? null;
}

const PLACEMENTS: Record<EsriGeometryType, string> = {
  esriGeometryPoint: 'esriServerPointLabelPlacementAboveRight',
  esriGeometryMultipoint: 'esriServerPointLabelPlacementAboveRight',
  esriGeometryPolyline: 'esriServerLinePlacementAboveAlong',
  esriGeometryPolygon: 'esriServerPolygonPlacementAlwaysHorizontal',
  esriGeometryEnvelope: 'esriServerPolygonPlacementAlwaysHorizontal',
};

/** One label class showing `field` in dark text with a white halo. */
export function nameLabels(field: string, geometryType: EsriGeometryType): Record<string, unknown>[] {
  return [{
    labelPlacement: PLACEMENTS[geometryType], labelExpression: `[${field}]`, useCodedValues: false, where: null, minScale: 0, maxScale: 0,
    symbol: {
      type: 'esriTS', color: [30, 30, 30, 255], haloSize: 1, haloColor: [255, 255, 255, 255], verticalAlignment: 'baseline', horizontalAlignment: 'left',
      font: { family: 'DejaVu Sans', size: 8, style: 'normal', weight: 'normal', decoration: 'none' },
    },
  }];
}
