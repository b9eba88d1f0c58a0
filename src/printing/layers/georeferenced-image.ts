/**
 * Images from other hosts (tiles, WMS maps, exported images) and client images, drawn on a
 * print's map frame: fetched through the print's `Fetcher` with the layer's token and
 * customParameters, checked to be an image (any other answer fails the layer with its text),
 * decoded, and resampled, each image with its envelope in its own SR, onto the frame's pixels.
 *
 * Resampling follows the terrain grids (terrain/elevation-grid): pixel centres are projected
 * into the image's SR exactly on a lattice and interpolated in between, so proj4 stays out of
 * the per-pixel loop. Samples are bilinear: a source chosen near the frame's resolution is
 * still never aligned with the frame's pixels (reprojection, rotation, tile levels a factor 2
 * apart), and nearest sampling would turn line work and lettering into uneven stair-steps.
 * Colours are weighted by their alpha, so transparent pixels do not darken the edges of what
 * they border.
 * @module printing/layers/georeferenced-image
 */
import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';
import type { RasterGrid, RasterRenderLayer } from '../../carto/map-request.js';
import type { Envelope } from '../../geo/geometry.js';
import { getTransform } from '../../geo/projection.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { LATTICE_STEP } from '../../terrain/elevation-grid.js';
import type { FetchedResource, PrintContext, PrintFrame } from '../print-layer.js';
import { PrintRequestError, type WebMapLayer } from '../web-map.js';

/** RGBA pixels, straight alpha, row-major, top row first. */
export interface DecodedImage {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

/** An image covering `extent`, in map units of `spatialReference`, corner to corner. */
export interface GeoreferencedImage extends DecodedImage {
  extent: Envelope;
  spatialReference: SpatialReference;
}

/** Decoded images larger than this are refused: a small PNG can declare an enormous raster. */
export const MAX_IMAGE_PIXELS = 8192 * 8192;

/** Longest side of an image requested for the whole frame (ArcGIS and MapServer refuse much more than 4096). */
export const MAX_REQUEST_SIZE = 4096;

/** A `PrintRequestError` for one layer: `Layer '<title>': <message>` (printing.md §13). */
export function layerError(layer: WebMapLayer, message: string): PrintRequestError {
  return new PrintRequestError([`Layer '${layer.title}': ${message}`]);
}

/** Whether the bytes start as a PNG, JPEG, GIF or WebP file (the formats decoded; never SVG). */
export function isImageBytes(bytes: Uint8Array): boolean {
  const at = (i: number, ...b: number[]) => b.every((v, k) => bytes[i + k] === v);
  return at(0, 0x89, 0x50, 0x4e, 0x47) || at(0, 0xff, 0xd8, 0xff) || at(0, 0x47, 0x49, 0x46, 0x38)
    || (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50));
}

/** Decodes PNG, JPEG, GIF or WebP bytes to a canvas image; rejects with the reason otherwise. */
export async function loadPicture(bytes: Uint8Array): Promise<Image> {
  if (!isImageBytes(bytes)) throw new Error('not a PNG, JPEG, GIF or WebP image');
  let image: Image;
  try { image = await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)); } catch { throw new Error('the image cannot be decoded'); }
  if (!(image.width > 0 && image.height > 0)) throw new Error('the image cannot be decoded');
  if (image.width * image.height > MAX_IMAGE_PIXELS) throw new Error(`the image of ${image.width} × ${image.height} px is larger than ${MAX_IMAGE_PIXELS} px`);
  return image;
}

/** RGBA of PNG, JPEG, GIF or WebP bytes; rejects with the reason when they are none of these. */
export async function decodeImage(bytes: Uint8Array): Promise<DecodedImage> {
  return picturePixels(await loadPicture(bytes));
}

/** The pixels of a decoded picture. */
export function picturePixels(image: Image): DecodedImage {
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { rgba: ctx.getImageData(0, 0, image.width, image.height).data, width: image.width, height: image.height };
}

/**
 * `base` with `path` added to its path and `params` set, then the layer's customParameters
 * (printing.md §12.3: on every request). A name set again replaces an earlier one whatever its
 * case, since OGC services read parameter names case-insensitively. Undefined values are left out.
 */
export function requestUrl(base: string, path: string, params: Record<string, string | undefined>, customParameters: Record<string, string> = {}): string {
  const url = new URL(base);
  if (path) url.pathname = url.pathname.replace(/\/+$/, '') + path;
  const set = (name: string, value: string) => {
    for (const key of [...url.searchParams.keys()]) if (key.toLowerCase() === name.toLowerCase()) url.searchParams.delete(key);
    url.searchParams.set(name, value);
  };
  for (const [name, value] of Object.entries(params)) if (value !== undefined) set(name, value);
  for (const [name, value] of Object.entries(customParameters)) set(name, value);
  return url.toString();
}

/** GET through the print's fetcher, with the layer's token for that host only. */
export function fetchFor(layer: WebMapLayer, context: PrintContext, url: string): Promise<FetchedResource> {
  return context.fetcher.fetch(url, { layer: layer.title, token: layer.token });
}

/** What a non-image answer says, briefly: an ArcGIS JSON error, an OGC exception's text, or the start of the body. */
export function answerText(answer: FetchedResource): string {
  const text = answer.body.subarray(0, 64 * 1024).toString('utf8');
  try {
    const error = (JSON.parse(text) as { error?: { message?: unknown; details?: unknown } }).error;
    if (error && typeof error.message === 'string') {
      const details = Array.isArray(error.details) ? error.details.filter((d) => typeof d === 'string' && d) : [];
      return [error.message, ...details].join(' ');
    }
  } catch { /* not JSON: read it as text */ }
  const plain = text.replace(/<\?[^>]*\?>|<!--[\s\S]*?-->|<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 300 ? `${plain.slice(0, 300)}…` : plain || `${answer.contentType || 'an empty answer'}`;
}

/** The decoded image of an answer; fails the layer on an HTTP error or an answer that is no image. */
export async function answerPicture(layer: WebMapLayer, answer: FetchedResource, what: string): Promise<Image> {
  if (answer.status !== 200) {
    const text = answerText(answer);
    throw layerError(layer, `${what} answered HTTP ${answer.status}${text ? `: ${text}` : ''}`);
  }
  if (!isImageBytes(answer.body)) throw layerError(layer, `${what} answered no image: ${answerText(answer)}`);
  try { return await loadPicture(answer.body); } catch (e) { throw layerError(layer, `${what}: ${(e as Error).message}`); }
}

/** Fetches and decodes an image for a layer. */
export async function fetchImage(layer: WebMapLayer, context: PrintContext, url: string, what: string): Promise<DecodedImage> {
  return picturePixels(await answerPicture(layer, await fetchFor(layer, context, url), what));
}

/** Fetches a JSON resource for a layer; an HTTP error, no JSON or an ArcGIS `error` fails the layer. */
export async function fetchJson(layer: WebMapLayer, context: PrintContext, url: string, what: string): Promise<Record<string, unknown>> {
  const answer = await fetchFor(layer, context, url);
  if (answer.status !== 200) throw layerError(layer, `${what} answered HTTP ${answer.status}: ${answerText(answer)}`);
  let json: unknown;
  try { json = JSON.parse(answer.body.toString('utf8')); } catch { throw layerError(layer, `${what} answered no JSON: ${answerText(answer)}`); }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw layerError(layer, `${what} answered no JSON object`);
  if ('error' in json) throw layerError(layer, `${what} answered an error: ${answerText(answer)}`);
  return json as Record<string, unknown>;
}

/** An image request covering the frame: the envelope shown (rotation included) at the frame's resolution. */
export interface FrameImageRequest {
  bbox: Envelope;
  width: number;
  height: number;
}

/**
 * An image of `envelope` (default: the frame's view, in the frame's SR) at the frame's
 * resolution, no side above {@link MAX_REQUEST_SIZE} px (the aspect kept; the painter
 * resamples). An envelope in another SR gets the frame's pixel count.
 */
export function frameImageRequest(frame: PrintFrame, envelope: Envelope = frame.view): FrameImageRequest {
  // Twelve digits: the float noise of the view's corners stays out of request URLs.
  const round = (v: number) => Number(v.toPrecision(12));
  const bbox = { xmin: round(envelope.xmin), ymin: round(envelope.ymin), xmax: round(envelope.xmax), ymax: round(envelope.ymax) };
  const res = (frame.extent.xmax - frame.extent.xmin) / frame.width;
  const viewW = (frame.view.xmax - frame.view.xmin) / res, viewH = (frame.view.ymax - frame.view.ymin) / res;
  const bw = bbox.xmax - bbox.xmin, bh = bbox.ymax - bbox.ymin;
  let k = Math.sqrt((viewW * viewH) / (bw * bh));
  k = Math.min(k, MAX_REQUEST_SIZE / bw, MAX_REQUEST_SIZE / bh);
  return { bbox, width: Math.max(1, Math.round(bw * k)), height: Math.max(1, Math.round(bh * k)) };
}

/** Pixel column (or row) of lattice node `i` on an axis `size` px long. */
const node = (i: number, size: number): number => Math.min(i * LATTICE_STEP, size - 1);

/** Writes the alpha-weighted bilinear sample of `image` at grid position (col, row) over the pixel at `o`, if inside. */
function sampleOver(out: Uint8ClampedArray, o: number, image: DecodedImage, col: number, row: number): void {
  const { width: w, height: h, rgba } = image;
  if (!(col >= -0.5 && col <= w - 0.5 && row >= -0.5 && row <= h - 0.5)) return;
  const fc = Math.floor(col), fr = Math.floor(row);
  const fx = col - fc, fy = row - fr;
  const c0 = fc < 0 ? 0 : fc, c1 = fc + 1 > w - 1 ? w - 1 : fc + 1;
  const r0 = fr < 0 ? 0 : fr, r1 = fr + 1 > h - 1 ? h - 1 : fr + 1;
  const i00 = (r0 * w + c0) * 4, i01 = (r0 * w + c1) * 4, i10 = (r1 * w + c0) * 4, i11 = (r1 * w + c1) * 4;
  // Weights folded with each corner's alpha: colours are averaged premultiplied.
  const w00 = (1 - fx) * (1 - fy) * rgba[i00 + 3]!, w01 = fx * (1 - fy) * rgba[i01 + 3]!;
  const w10 = (1 - fx) * fy * rgba[i10 + 3]!, w11 = fx * fy * rgba[i11 + 3]!;
  const a = w00 + w01 + w10 + w11;
  if (a <= 0) return;
  const alpha = a / 255;
  const dstA = out[o + 3]! / 255;
  const keep = dstA * (1 - alpha), outA = alpha + keep;
  for (let ch = 0; ch < 3; ch++) {
    const c = (w00 * rgba[i00 + ch]! + w01 * rgba[i01 + ch]! + w10 * rgba[i10 + ch]! + w11 * rgba[i11 + ch]!) / a;
    out[o + ch] = keep > 0 ? (c * alpha + out[o + ch]! * keep) / outA : c;
  }
  out[o + 3] = outA * 255;
}

/** Draws one image over `out` (the grid's pixels, frame SR `frameSr`). */
function paintImage(out: Uint8ClampedArray, image: GeoreferencedImage, frameSr: SpatialReference, grid: RasterGrid): void {
  const { width, height, view } = grid;
  const toImage = getTransform(frameSr, image.spatialReference);
  const cellW = (image.extent.xmax - image.extent.xmin) / image.width;
  const cellH = (image.extent.ymax - image.extent.ymin) / image.height;
  /** Image grid position (pixel centres at integers) of a frame pixel position. */
  const gridAt = (px: number, py: number): [number, number] => {
    const m = view.toMap(px, py);
    const p = toImage ? toImage(m) : m;
    return [(p[0]! - image.extent.xmin) / cellW - 0.5, (image.extent.ymax - p[1]!) / cellH - 0.5];
  };
  // Lattice nodes sit on pixel centres (node i ↔ column node(i, width)); at least two per axis.
  const nx = Math.max(2, Math.ceil((width - 1) / LATTICE_STEP) + 1), ny = Math.max(2, Math.ceil((height - 1) / LATTICE_STEP) + 1);
  const cols = new Float64Array(nx * ny), rows = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const [c, r] = gridAt(node(i, width) + 0.5, node(j, height) + 0.5);
    cols[j * nx + i] = c; rows[j * nx + i] = r;
  }
  for (let j = 0; j < ny - 1; j++) {
    const y0 = node(j, height), y1 = node(j + 1, height);
    const lastY = j === ny - 2 ? y1 : y1 - 1;
    for (let i = 0; i < nx - 1; i++) {
      const x0 = node(i, width), x1 = node(i + 1, width);
      const lastX = i === nx - 2 ? x1 : x1 - 1;
      const a = j * nx + i, b = a + 1, c = a + nx, d = b + nx;
      const cs = [cols[a]!, cols[b]!, cols[c]!, cols[d]!], rs = [rows[a]!, rows[b]!, rows[c]!, rows[d]!];
      if (![...cs, ...rs].every(Number.isFinite)) {
        // A corner the projection cannot reach (beyond a pole, off the globe): project every pixel.
        for (let py = y0; py <= lastY; py++) for (let px = x0; px <= lastX; px++) {
          const [col, row] = gridAt(px + 0.5, py + 0.5);
          if (Number.isFinite(col) && Number.isFinite(row)) sampleOver(out, (py * width + px) * 4, image, col, row);
        }
        continue;
      }
      // The whole block lies beside the image: nothing to sample.
      if (Math.max(...cs) < -1 || Math.min(...cs) > image.width || Math.max(...rs) < -1 || Math.min(...rs) > image.height) continue;
      const spanY = y1 > y0 ? y1 - y0 : 1, spanX = x1 > x0 ? x1 - x0 : 1;
      for (let py = y0; py <= lastY; py++) {
        const fy = (py - y0) / spanY;
        // Grid positions at this row's crossing of the block's left and right edges; linear in between.
        const cl = cols[a]! + (cols[c]! - cols[a]!) * fy, cr = cols[b]! + (cols[d]! - cols[b]!) * fy;
        const rl = rows[a]! + (rows[c]! - rows[a]!) * fy, rr = rows[b]! + (rows[d]! - rows[b]!) * fy;
        const dc = (cr - cl) / spanX, dr = (rr - rl) / spanX;
        for (let px = x0, o = (py * width + x0) * 4; px <= lastX; px++, o += 4) sampleOver(out, o, image, cl + dc * (px - x0), rl + dr * (px - x0));
      }
    }
  }
}

/** RGBA of the grid's pixels with `images` drawn over each other in order (straight alpha). */
export function paintImages(images: readonly GeoreferencedImage[], frameSr: SpatialReference, grid: RasterGrid): Uint8ClampedArray {
  const out = new Uint8ClampedArray(grid.width * grid.height * 4);
  for (const image of images) paintImage(out, image, frameSr, grid);
  return out;
}

/**
 * A raster layer of the map engine painting `images` on the frame in `frameSr` (the print
 * frame's SR, which the grid's transform is in), at `transparency` percent.
 */
export function georeferencedImageLayer(images: readonly GeoreferencedImage[], frameSr: SpatialReference, transparency: number): RasterRenderLayer {
  return { kind: 'raster', id: 0, transparency, paint: (grid) => paintImages(images, frameSr, grid) };
}
