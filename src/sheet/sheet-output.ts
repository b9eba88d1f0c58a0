/**
 * A composed sheet written out (tps.md §5.4 Export): a vector PDF with embedded fonts,
 * georeferenced as a Geospatial PDF (an ISO 32000 viewport over the map frame with its
 * projection, which GDAL reads); a GeoTIFF of the page placed by the frame's transform; PNG.
 * @module sheet/sheet-output
 */
import { PDFDocument, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import type { DisplayList } from '../carto/display-list.js';
import { getTransform } from '../geo/projection.js';
import { lookupEpsg } from '../geo/spatial-reference.js';
import { renderPdf } from '../render/render-pdf.js';
import { renderPng } from '../render/render-png.js';
import { renderJpeg } from '../render/render-jpeg.js';
import { renderSvg } from '../render/render-svg.js';
import { rasterize } from '../render/rasterize.js';
import { encodeImageGeoTiff } from '../terrain/geotiff-writer.js';
import type { ComposedSheet } from './compose-sheet.js';

/** Formats a sheet is written in, with their MIME types. */
export const SHEET_FORMATS = { pdf: 'application/pdf', tiff: 'image/tiff', png: 'image/png', jpg: 'image/jpeg', svg: 'image/svg+xml' } as const;

/** A sheet output format. */
export type SheetFormat = keyof typeof SHEET_FORMATS;

/** How a sheet is written. */
export interface SheetOutputOptions {
  format: SheetFormat;
  /** [300] Dots per inch of raster formats. */
  resolution?: number;
  /** [true] Geospatial PDF viewport / GeoTIFF keys. */
  georeference?: boolean;
  /** [90] JPEG quality. */
  imageQuality?: number;
  title?: string;
}

/** The page at `dpi`: the same items, scaled from points. */
export function pageAtDpi(page: DisplayList, dpi: number): DisplayList {
  const k = dpi / 72;
  return { width: Math.round(page.width * k), height: Math.round(page.height * k), dpi, background: page.background, items: [{ kind: 'group', transform: [k, 0, 0, k, 0, 0], items: page.items }] };
}

/** Writes the sheet in `options.format`. */
export async function writeSheet(sheet: ComposedSheet, options: SheetOutputOptions): Promise<Buffer> {
  const dpi = options.resolution ?? 300;
  switch (options.format) {
    case 'pdf': {
      const pdf = await renderPdf(sheet.page, { title: options.title });
      return options.georeference === false ? pdf : georeferencePdf(pdf, sheet);
    }
    case 'png': return renderPng(pageAtDpi(sheet.page, dpi), { mode: 'png24' });
    case 'jpg': return renderJpeg(pageAtDpi(sheet.page, dpi), options.imageQuality);
    case 'svg': return Buffer.from(renderSvg(sheet.page), 'utf8');
    case 'tiff': return sheetGeoTiff(sheet, dpi, options.georeference !== false);
  }
}

/** The page as an RGB GeoTIFF: pixel corners → page points → map, which is affine (rotation included). */
async function sheetGeoTiff(sheet: ComposedSheet, dpi: number, georeference: boolean): Promise<Buffer> {
  const list = pageAtDpi(sheet.page, dpi);
  const canvas = await rasterize(list, true);
  const rgba = canvas.getContext('2d').getImageData(0, 0, list.width, list.height).data;
  const rgb = new Uint8Array(list.width * list.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) { rgb[j] = rgba[i]!; rgb[j + 1] = rgba[i + 1]!; rgb[j + 2] = rgba[i + 2]!; }
  const s = 72 / dpi;
  const [x0, y0] = sheet.frame.toMap(0, 0), [x1, y1] = sheet.frame.toMap(s, 0), [x2, y2] = sheet.frame.toMap(0, s);
  const georef = { transform: [x0, x1 - x0, x2 - x0, y0, y1 - y0, y2 - y0] as const, epsg: georeference ? sheet.frame.epsg : null, geographic: false, linearUnits: 9001 };
  return Buffer.from(encodeImageGeoTiff({ width: list.width, height: list.height, samples: 3, data: rgb }, georef));
}

/**
 * Adds a Geospatial PDF viewport (ISO 32000-2 §12.10 /VP with a GEO measure) over the map
 * frame: its corners in latitude and longitude (GPTS) at their places in the viewport (LPTS),
 * and the frame's projected CRS by WKT and EPSG code.
 */
export async function georeferencePdf(pdf: Buffer, sheet: ComposedSheet): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const page = doc.getPage(0);
  const ctx = doc.context;
  const { frame } = sheet;
  const pageHeight = sheet.page.height;
  const { x, y, width, height } = frame.box;
  const toLonLat = getTransform(frame.spatialReference, { wkid: 4326 })!;
  // Viewport corners in LPTS order: bottom-left, top-left, top-right, bottom-right (PDF y up).
  const unit = [[0, 0], [0, 1], [1, 1], [1, 0]];
  const gpts = unit.flatMap(([u, v]) => {
    const [mx, my] = frame.toMap(x + u! * width, y + (1 - v!) * height);
    const [lon, lat] = toLonLat([mx, my]);
    return [lat!, lon!];
  });
  const num = (v: number) => PDFNumber.of(Number(v.toFixed(9)));
  const gcs = ctx.obj({ Type: 'PROJCS', EPSG: frame.epsg });
  gcs.set(PDFName.of('WKT'), PDFString.of(lookupEpsg(frame.epsg)?.wkt ?? ''));
  const measure = ctx.obj({ Type: 'Measure', Subtype: 'GEO', PDU: ['M', 'SQM', 'DEG'] });
  measure.set(PDFName.of('Bounds'), ctx.obj(unit.flat()));
  measure.set(PDFName.of('LPTS'), ctx.obj(unit.flat()));
  measure.set(PDFName.of('GPTS'), ctx.obj(gpts.map(num)));
  measure.set(PDFName.of('GCS'), gcs);
  const viewport = ctx.obj({ Type: 'Viewport' });
  viewport.set(PDFName.of('BBox'), ctx.obj([x, pageHeight - (y + height), x + width, pageHeight - y].map(num)));
  viewport.set(PDFName.of('Name'), PDFString.of('BaseMap'));
  viewport.set(PDFName.of('Measure'), measure);
  page.node.set(PDFName.of('VP'), ctx.obj([viewport]));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
