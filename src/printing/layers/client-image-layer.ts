/**
 * Client images on a print (printing.md §12.4, `type: "image"`): a picture the client sends
 * inline as base64 `imageData` or by `url`, stretched over its `extent` (in the extent's SR, else
 * the layer's `spatialReference`, else the frame's) and painted through georeferenced-image.
 * Clients send layers they cannot describe otherwise this way.
 * @module printing/layers/client-image-layer
 */
import { EsriGeometryError, readEnvelope } from '../../geo/esri-json.js';
import { parseSpatialReference, SpatialReferenceError, type SpatialReference } from '../../geo/spatial-reference.js';
import { withOpacity, type PrintLayerResolver } from '../print-layer.js';
import { decodeImage, fetchImage, georeferencedImageLayer, layerError, type DecodedImage } from './georeferenced-image.js';

const record = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null);

/** Base64 text (standard or URL-safe alphabet, whitespace allowed, a `data:` prefix tolerated) as bytes, or null. */
function base64Bytes(data: string): Buffer | null {
  const body = data.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
  if (body.length === 0 || body.length % 4 === 1 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(body)) return null;
  return Buffer.from(body, 'base64');
}

/** `image`: `extent` (required) and `imageData` (base64 PNG or JPEG) or `url`. */
export const resolveClientImageLayer: PrintLayerResolver = async (layer, context) => {
  const { json } = layer;
  const { frame } = context;
  const ext = record(json.extent);
  if (!ext) throw layerError(layer, 'a client image needs an extent');
  let extent;
  try { extent = readEnvelope(ext); } catch (e) {
    if (e instanceof EsriGeometryError) throw layerError(layer, `extent: ${e.message}`);
    throw e;
  }
  if (!(extent.xmax > extent.xmin && extent.ymax > extent.ymin)) throw layerError(layer, 'the extent of a client image must not be empty');
  let spatialReference: SpatialReference;
  try { spatialReference = parseSpatialReference(ext.spatialReference ?? json.spatialReference) ?? frame.spatialReference; } catch (e) {
    if (e instanceof SpatialReferenceError) throw layerError(layer, `extent spatialReference: ${e.message}`);
    throw e;
  }

  let image: DecodedImage;
  const url = layer.url ?? (typeof json.url === 'string' && json.url ? json.url : undefined);
  if (typeof json.imageData === 'string' && json.imageData) {
    const bytes = base64Bytes(json.imageData);
    if (!bytes) throw layerError(layer, 'imageData is not base64 text');
    try { image = await decodeImage(bytes); } catch (e) { throw layerError(layer, `imageData: ${(e as Error).message}`); }
  } else if (url) {
    image = await fetchImage(layer, context, url, 'the image URL');
  } else {
    throw layerError(layer, 'a client image needs imageData or a url');
  }
  const credits = [json.credits, json.copyright].find((c): c is string => typeof c === 'string' && c.trim() !== '');
  return {
    layers: [georeferencedImageLayer([{ ...image, extent, spatialReference }], frame.spatialReference, withOpacity(0, layer.opacity))],
    legend: [],
    ...(credits ? { credits } : {}),
  };
};
