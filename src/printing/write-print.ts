/**
 * A composed print written in an output format (printing.md §10): a vector PDF with embedded
 * fonts, georeferenced over the map frame as a Geospatial PDF when the map's SR has an EPSG
 * code; PNG32, PNG8, JPEG (quality 90), GIF and a 32-bit RGBA GeoTIFF placed by the frame, drawn
 * at the print's dpi (MAP_ONLY: exactly its outputSize); SVG with text kept as text, and SVGZ.
 * @module printing/write-print
 */
import { gzipSync } from 'node:zlib';
import { renderGif } from '../render/render-gif.js';
import { renderJpeg } from '../render/render-jpeg.js';
import { renderPdf } from '../render/render-pdf.js';
import { renderPng } from '../render/render-png.js';
import { renderSvg } from '../render/render-svg.js';
import { georeferencePdf, pageAtDpi, pageGeoTiff, type PageGeoreference } from '../sheet/sheet-output.js';
import { epsgOf, type ComposedPrint } from './compose-print.js';
import type { PrintFormat } from './print-format.js';

/** JPEG quality of JPG prints. */
const JPEG_QUALITY = 90;

/**
 * The page as an SVG document whose size is in points, so it prints at the page's size; user
 * units stay the page's points.
 */
function pageSvg(print: ComposedPrint): string {
  return renderSvg(print.page).replace(/(<svg [^>]*?)width="([\d.]+)" height="([\d.]+)"/, '$1width="$2pt" height="$3pt"');
}

/** Writes the print in `format`; raster formats at `dpi`, or at MAP_ONLY's pixel size. */
export async function writePrint(print: ComposedPrint, format: PrintFormat, dpi: number): Promise<Buffer> {
  // MAP_ONLY's page measures outputSize at the web map's dpi: drawn at that dpi it is outputSize px.
  const rasterDpi = print.pixelSize ? (print.pixelSize[0] * 72) / print.page.width : dpi;
  const raster = () => pageAtDpi(print.page, rasterDpi);
  const georef: PageGeoreference = { box: print.frameBox, toMap: print.toMap, spatialReference: print.frame.spatialReference, epsg: epsgOf(print.frame.spatialReference) };
  switch (format) {
    case 'PDF': {
      const pdf = await renderPdf(print.page);
      const { epsg } = georef;
      return epsg === null ? pdf : georeferencePdf(pdf, print.page.height, { ...georef, epsg }, 'WEBMAP_MAP_FRAME');
    }
    case 'PNG32': return renderPng(raster(), { mode: 'png32' });
    case 'PNG8': return renderPng(raster(), { mode: 'png8' });
    case 'JPG': return renderJpeg(raster(), JPEG_QUALITY);
    case 'GIF': return renderGif(raster());
    case 'TIFF': return pageGeoTiff(print.page, rasterDpi, georef, 4);
    case 'SVG': return Buffer.from(pageSvg(print), 'utf8');
    case 'SVGZ': return gzipSync(Buffer.from(pageSvg(print), 'utf8'));
  }
}
