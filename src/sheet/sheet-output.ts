/**
 * A composed sheet written out (tps.md §5.4 Export): a vector PDF with embedded fonts,
 * georeferenced as a Geospatial PDF (an ISO 32000 viewport over the map frame with its
 * projection, which GDAL reads); a GeoTIFF of the page placed by the frame's transform; PNG.
 * @module sheet/sheet-output
 */
import { PDFDocument, PDFName, PDFNumber, PDFString } from 'pdf-lib';
import type { DisplayList } from '../carto/display-list.js';
import { getTransform } from '../geo/projection.js';
import { esriUnits, isGeographic, lookupEpsg, type SpatialReference } from '../geo/spatial-reference.js';
import { renderPdf } from '../render/render-pdf.js';
import { renderPng } from '../render/render-png.js';
import { renderJpeg } from '../render/render-jpeg.js';
import { renderSvg } from '../render/render-svg.js';
import { rasterizePixels } from '../render/rasterize.js';
import { encodeImageGeoTiff } from '../terrain/geotiff-writer.js';
import type { ComposedSheet } from './compose-sheet.js';
import type { PageBox } from './page-drawing.js';

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

/**
 * A georeferenced map frame on a page (a sheet's `SheetFrame` is one): its box, the affine page →
 * map transform (rotation included) and its CRS.
 */
export interface PageGeoreference {
  /** The frame's box on the page, pt. */
  box: PageBox;
  /** Map position of a page position (pt). */
  toMap(px: number, py: number): [number, number];
  spatialReference: SpatialReference;
  /** EPSG code of the CRS, or null to leave it unnamed (a CRS known only as WKT). */
  epsg: number | null;
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
      return options.georeference === false ? pdf : georeferencePdf(pdf, sheet.page.height, sheet.frame);
    }
    case 'png': return renderPng(pageAtDpi(sheet.page, dpi), { mode: 'png24' });
    case 'jpg': return renderJpeg(pageAtDpi(sheet.page, dpi), options.imageQuality);
    case 'svg': return Buffer.from(renderSvg(sheet.page), 'utf8');
    case 'tiff': return pageGeoTiff(sheet.page, dpi, options.georeference === false ? { ...sheet.frame, epsg: null } : sheet.frame, 3);
  }
}

/**
 * The page at `dpi` as an RGB (`samples` 3) or RGBA (4) GeoTIFF: pixel corners → page points → map,
 * which is affine (rotation included), so the frame's transform places the whole page.
 */
export async function pageGeoTiff(page: DisplayList, dpi: number, frame: PageGeoreference, samples: 3 | 4): Promise<Buffer> {
  const list = pageAtDpi(page, dpi);
  const rgba = await rasterizePixels(list, true);
  let data = rgba;
  if (samples === 3) {
    data = new Uint8Array(list.width * list.height * 3);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) { data[j] = rgba[i]!; data[j + 1] = rgba[i + 1]!; data[j + 2] = rgba[i + 2]!; }
  }
  const s = 72 / dpi;
  const [x0, y0] = frame.toMap(0, 0), [x1, y1] = frame.toMap(s, 0), [x2, y2] = frame.toMap(0, s);
  const geographic = isGeographic(frame.spatialReference);
  const georef = {
    transform: [x0, x1 - x0, x2 - x0, y0, y1 - y0, y2 - y0] as const, epsg: frame.epsg, geographic,
    linearUnits: !geographic && esriUnits(frame.spatialReference) === 'esriMeters' ? 9001 : undefined,
  };
  return Buffer.from(encodeImageGeoTiff({ width: list.width, height: list.height, samples, data }, georef));
}

/**
 * Adds a Geospatial PDF viewport (ISO 32000-2 §12.10 /VP with a GEO measure) over the map
 * frame: its corners in latitude and longitude (GPTS) at their places in the viewport (LPTS),
 * and the frame's CRS (projected or geographic) by WKT and EPSG code. `pageHeight` is the
 * page's in pt (PDF y runs up from the bottom); `name` names the viewport.
 */
export async function georeferencePdf(pdf: Buffer, pageHeight: number, frame: PageGeoreference & { epsg: number }, name = 'BaseMap'): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const page = doc.getPage(0);
  const ctx = doc.context;
  const { x, y, width, height } = frame.box;
  // No transform when the frame is in WGS 84 already.
  const toLonLat = getTransform(frame.spatialReference, { wkid: 4326 }) ?? ((p: number[]) => p);
  // Viewport corners in LPTS order: bottom-left, top-left, top-right, bottom-right (PDF y up).
  const unit = [[0, 0], [0, 1], [1, 1], [1, 0]];
  const gpts = unit.flatMap(([u, v]) => {
    const [mx, my] = frame.toMap(x + u! * width, y + (1 - v!) * height);
    const [lon, lat] = toLonLat([mx, my]);
    return [lat!, lon!];
  });
  const num = (v: number) => PDFNumber.of(Number(v.toFixed(9)));
  const gcs = ctx.obj({ Type: isGeographic(frame.spatialReference) ? 'GEOGCS' : 'PROJCS', EPSG: frame.epsg });
  gcs.set(PDFName.of('WKT'), PDFString.of(lookupEpsg(frame.epsg)?.wkt ?? ''));
  const measure = ctx.obj({ Type: 'Measure', Subtype: 'GEO', PDU: ['M', 'SQM', 'DEG'] });
  measure.set(PDFName.of('Bounds'), ctx.obj(unit.flat()));
  measure.set(PDFName.of('LPTS'), ctx.obj(unit.flat()));
  measure.set(PDFName.of('GPTS'), ctx.obj(gpts.map(num)));
  measure.set(PDFName.of('GCS'), gcs);
  const viewport = ctx.obj({ Type: 'Viewport' });
  viewport.set(PDFName.of('BBox'), ctx.obj([x, pageHeight - (y + height), x + width, pageHeight - y].map(num)));
  viewport.set(PDFName.of('Name'), PDFString.of(name));
  viewport.set(PDFName.of('Measure'), measure);
  page.node.set(PDFName.of('VP'), ctx.obj([viewport]));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
