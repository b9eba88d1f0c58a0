/**
 * GeoTIFF output of a map (mapserver.md §6 format tiff): the rasterized display list as 8-bit
 * RGB, or RGBA when the background is transparent, placed by the drawn extent and named by the
 * image SR's EPSG code. A rotated map keeps its georeferencing as a model transformation, so
 * GIS software puts every pixel where it belongs.
 * @module render/render-tiff
 */
import type { DisplayList } from '../carto/display-list.js';
import type { MapRequest } from '../carto/map-request.js';
import { ViewTransform } from '../carto/view-transform.js';
import { encodeImageGeoTiff, type GeoReferencing } from '../terrain/geotiff-writer.js';
import { rasterizePixels } from './rasterize.js';

/** The pixel-corner geotransform of the request's image, rotation included. */
export function mapGeoTransform(request: MapRequest): GeoReferencing['transform'] {
  const { extent: e, width, height } = request;
  // North-up maps get exact values, not ones that went through the inverse rotation.
  if (!request.rotation) return [e.xmin, (e.xmax - e.xmin) / width, 0, e.ymax, 0, -(e.ymax - e.ymin) / height];
  const view = new ViewTransform(e, width, height, request.rotation);
  const [x0, y0] = view.toMap(0, 0), [x1, y1] = view.toMap(1, 0), [x2, y2] = view.toMap(0, 1);
  return [x0, x1 - x0, x2 - x0, y0, y1 - y0, y2 - y0];
}

/** Renders the list as a GeoTIFF placed as `request` describes; a request without `crs` names no CRS. */
export async function renderTiff(list: DisplayList, request: MapRequest): Promise<Buffer> {
  const opaque = !!list.background && list.background[3] === 255;
  const rgba = await rasterizePixels(list, opaque);
  const samples = opaque ? 3 : 4;
  const data = opaque ? new Uint8Array(list.width * list.height * 3) : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  if (opaque) for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) { data[j] = rgba[i]!; data[j + 1] = rgba[i + 1]!; data[j + 2] = rgba[i + 2]!; }
  const georef: GeoReferencing = { transform: mapGeoTransform(request), epsg: request.crs?.epsg ?? null, geographic: request.crs?.geographic ?? false };
  return Buffer.from(encodeImageGeoTiff({ width: list.width, height: list.height, samples, data }, georef));
}
