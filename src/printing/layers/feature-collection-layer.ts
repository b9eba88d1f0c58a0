/**
 * Client graphics: a web map layer with a `featureCollection` (printing.md §12.4). Each
 * collection layer — `{layerDefinition: {name, geometryType, drawingInfo, fields,
 * objectIdField, type?}, featureSet: {features: [{geometry, attributes, symbol?}]}}` — is drawn
 * with its renderer, features with their own symbol and text graphics keeping their place in
 * the draw order (esri-feature-layer). Collection layers are drawn in array order, the first at
 * the bottom; a layer definition of `type: "Table"` is accepted and not drawn. Geometries are in
 * their own `spatialReference`, else the feature set's, else the layer definition's, else the
 * frame's.
 * @module printing/layers/feature-collection-layer
 */
import type { RenderLayer } from '../../carto/map-request.js';
import type { PrintContext, PrintLegendGroup, ResolvedPrintLayer } from '../print-layer.js';
import { PrintRequestError, type WebMapLayer } from '../web-map.js';
import { esriFeatureLayers, numbered, rendererLegend, statedSpatialReference, type EsriFeatureJson } from './esri-feature-layer.js';
import { inlinePictureSymbols } from './picture-symbols.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const object = (v: unknown): Json => (isObject(v) ? v : {});

/** Draws a `featureCollection` layer; its legend has one group per collection layer with symbols, top first. */
export async function resolveFeatureCollectionLayer(layer: WebMapLayer, context: PrintContext): Promise<ResolvedPrintLayer> {
  const fail = (why: string) => new PrintRequestError([`Layer '${layer.title}': ${why}`]);
  const collection = layer.json.featureCollection;
  if (!isObject(collection) || !Array.isArray(collection.layers)) throw fail('featureCollection.layers must be an array');
  const layers: RenderLayer[] = [];
  const legend: PrintLegendGroup[] = [];
  for (const [i, entry] of (collection.layers as unknown[]).entries()) {
    if (!isObject(entry)) throw fail(`featureCollection.layers[${i}] must be an object`);
    const definition = object(entry.layerDefinition);
    if (definition.type === 'Table') continue;
    const featureSet = object(entry.featureSet);
    const features = featureSet.features ?? [];
    if (!Array.isArray(features)) throw fail(`featureCollection.layers[${i}].featureSet.features must be an array`);
    const name = typeof definition.name === 'string' && definition.name ? definition.name : layer.title;
    const drawingInfo = object(definition.drawingInfo);
    // Picture symbols named by URL are fetched once and inlined, in the renderer and the features alike.
    const { renderer, graphics } = await inlinePictureSymbols(
      { renderer: isObject(drawingInfo.renderer) ? drawingInfo.renderer : null, graphics: features as EsriFeatureJson[] }, layer, context,
    );
    layers.push(...esriFeatureLayers(layer, {
      name, features: graphics,
      spatialReference: statedSpatialReference(layer, featureSet.spatialReference, definition.spatialReference),
    }, {
      renderer,
      labelingInfo: Array.isArray(drawingInfo.labelingInfo) ? drawingInfo.labelingInfo as Json[] : null,
      // printing.md §12.4: `showLabels` (on the web map layer, the collection layer or its drawingInfo) applies the label classes.
      showLabels: [layer.json.showLabels, entry.showLabels, drawingInfo.showLabels].includes(true),
      transparency: typeof drawingInfo.transparency === 'number' ? drawingInfo.transparency : 0,
      timeInfo: isObject(definition.timeInfo) ? definition.timeInfo : null,
    }, context));
    const entries = rendererLegend(name, renderer);
    if (entries.length) legend.unshift({ subLayerId: typeof definition.id === 'number' ? definition.id : i, title: name, entries });
  }
  return { layers: numbered(layers), legend };
}
