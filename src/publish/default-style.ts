/**
 * How a published layer is drawn when its user gave no symbology: the sample region's
 * topographic style when the layer follows the sample's feature codes (`topographic-style`),
 * otherwise one Esri symbol per geometry type — a circle marker, a solid line, a filled polygon
 * with an outline — in a colour taken from the layer's position in the service, so the layers
 * of one service differ and publishing the same files twice draws the same map. A string field
 * that names the features (NAME, NAM, label, TITLE…) labels them.
 * @module publish/default-style
 */
import type { EsriFieldType } from '../data/feature-source.js';
import type { LayerDefinition } from '../catalog/service-definition.js';
import type { EsriGeometryType } from '../geo/esri-json.js';
import { defaultSymbol } from './default-symbols.js';
import { findNameField, nameLabels } from './name-labels.js';
import { topographicStyle } from './topographic-style.js';

export type DrawingInfo = NonNullable<LayerDefinition['drawingInfo']>;

/** What styling needs to know of a layer. */
export interface StyleLayerInfo {
  /** The layer's title (the legend label of its symbol). */
  name: string;
  /** Its table in the GeoPackage, matched against the sample's tables. */
  table: string;
  /** `null` for a table without geometry. */
  geometryType: EsriGeometryType | null;
  fields: { name: string; type: EsriFieldType }[];
  /** Distinct values of its F_CODE field, when it has one. */
  featureCodes?: string[];
  /** Position of the layer in its service (0 = top); decides its colour. */
  index: number;
}

export interface LayerStyle {
  drawingInfo: DrawingInfo;
  /** The field identify and find show first: the name field, when there is one. */
  displayField?: string;
  /** Field aliases that come with a topographic style (F_CODE → "Feature code"…). */
  fieldAliases?: Record<string, string>;
  /** The sample layer whose style was reused, or null for the default style. */
  basedOn: string | null;
}

/** The default drawingInfo: a simple renderer for the geometry type, labels on the name field. */
export function defaultDrawingInfo(layer: StyleLayerInfo): DrawingInfo {
  const geometryType = layer.geometryType ?? 'esriGeometryPolygon';
  const label = findNameField(layer.fields);
  return {
    renderer: { type: 'simple', symbol: defaultSymbol(geometryType, layer.index), label: layer.name, description: '' },
    transparency: 0,
    labelingInfo: label ? nameLabels(label, geometryType) : null,
  };
}

/** The style a published layer gets: the sample's topographic one when it fits, else the default. */
export function layerStyle(layer: StyleLayerInfo): LayerStyle {
  const topo = topographicStyle(layer);
  if (topo) return topo;
  const name = findNameField(layer.fields);
  return { drawingInfo: defaultDrawingInfo(layer), ...(name ? { displayField: name } : {}), basedOn: null };
}
