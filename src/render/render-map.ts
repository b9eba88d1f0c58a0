/**
 * The map engine end to end: a MapRequest drawn in one of the export formats
 * (mapserver.md §6), each an encoder in a table keyed by the `format` value.
 * @module render/render-map
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { buildDisplayList, type BuildOptions } from '../carto/build-display-list.js';
import type { DisplayList } from '../carto/display-list.js';
import type { MapRequest } from '../carto/map-request.js';
import { renderGif } from './render-gif.js';
import { renderJpeg } from './render-jpeg.js';
import { renderPdf } from './render-pdf.js';
import { renderPng } from './render-png.js';
import { renderSvg } from './render-svg.js';
import { renderTiff } from './render-tiff.js';

const gzipAsync = promisify(gzip);

/** An encoded map image. */
export interface RenderedMap { data: Buffer; contentType: string }

/** An output format: its MIME type and its encoder, which may read the request (GeoTIFF needs the extent). */
interface MapFormat { contentType: string; encode(list: DisplayList, request: MapRequest): Promise<Buffer> }

const svg = (list: DisplayList): Buffer => Buffer.from(renderSvg(list), 'utf8');

/** The formats this engine writes, keyed by the export `format` value. */
const FORMATS: Record<string, MapFormat> = {
  png: { contentType: 'image/png', encode: (l) => renderPng(l, { mode: 'png' }) },
  png8: { contentType: 'image/png', encode: (l) => renderPng(l, { mode: 'png8' }) },
  png24: { contentType: 'image/png', encode: (l) => renderPng(l, { mode: 'png24' }) },
  png32: { contentType: 'image/png', encode: (l) => renderPng(l, { mode: 'png32' }) },
  jpg: { contentType: 'image/jpeg', encode: (l) => renderJpeg(l) },
  gif: { contentType: 'image/gif', encode: (l) => renderGif(l) },
  pdf: { contentType: 'application/pdf', encode: (l) => renderPdf(l) },
  svg: { contentType: 'image/svg+xml', encode: async (l) => svg(l) },
  svgz: { contentType: 'image/svg+xml', encode: (l) => gzipAsync(svg(l)) },
  tiff: { contentType: 'image/tiff', encode: (l, r) => renderTiff(l, r) },
};

/** Export formats `renderMap` supports. */
export const MAP_FORMATS: readonly string[] = Object.keys(FORMATS);

/** Thrown for a format `renderMap` does not write; the caller turns it into its 400 answer. */
export class UnsupportedMapFormatError extends Error {
  constructor(readonly format: string) {
    super(`Unsupported image format: ${format}`);
    this.name = 'UnsupportedMapFormatError';
  }
}

/**
 * Draws a map and encodes it.
 * @param format an export `format` value: png, png8, png24, png32, jpg, gif, pdf, svg, svgz or tiff.
 * @throws UnsupportedMapFormatError for any other format.
 */
export async function renderMap(request: MapRequest, format: string, options?: BuildOptions): Promise<RenderedMap> {
  const f = FORMATS[format];
  if (!f) throw new UnsupportedMapFormatError(format);
  return { data: await f.encode(buildDisplayList(request, options), request), contentType: f.contentType };
}
