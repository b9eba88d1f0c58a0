/**
 * The values of a sheet's text placeholders (`{SheetName}`, `{GridNote}`, …; layout-template.ts
 * TEXT_TOKENS): names and numbers from the AOI and the product, notes on datum, projection and
 * grid, and the contour interval note (topographic-sheet.md §3 rows 1–6, 12–22).
 * @module sheet/sheet-texts
 */
import type { TextToken } from '../layout/layout-template.js';
import { centralMeridian } from '../geo/utm.js';
import { scaleText } from './surrounds/scale-bars.js';
import type { SurroundData } from './surround-elements.js';

const thousands = (v: number): string => Math.round(v).toLocaleString('en-GB');

/** Every placeholder's value on this sheet ('' when the sheet has none). */
export function sheetTexts(data: SurroundData): Record<TextToken, string> {
  const { request, frame, angles } = data;
  const s = request.parameters.surrounds;
  const c = request.parameters.contours;
  const date = request.parameters.declination?.date ?? new Date();
  const isoDate = date.toISOString().slice(0, 10);
  const unitsWord = c?.units === 'feet' ? 'FEET' : 'METRES';
  const contourNote = c && data.contours.length
    ? `CONTOUR INTERVAL ${thousands(c.interval)} ${unitsWord}${c.supplementary ? `\nSUPPLEMENTARY CONTOURS ${thousands(c.interval / 2)} ${unitsWord}` : ''}\nELEVATIONS IN ${unitsWord} ABOVE MEAN SEA LEVEL`
    : '';
  const cm = centralMeridian(frame.zone);
  return {
    SheetName: data.sheetName.toUpperCase(),
    SheetID: request.sheetId ?? '',
    SeriesName: s.seriesName,
    SeriesNumber: s.seriesNumber,
    Edition: s.edition,
    Scale: thousands(frame.scale),
    ScaleText: scaleText(frame.scale),
    ProductName: request.productName,
    ContourInterval: c ? `${thousands(c.interval)} ${c.units === 'feet' ? 'feet' : 'metres'}` : '',
    ContourNote: contourNote,
    GridNote: data.gridDrawing?.gridNote ?? '',
    ProjectionNote: `PROJECTION: TRANSVERSE MERCATOR (UTM ZONE ${frame.zone}${frame.south ? 'S' : 'N'}), CENTRAL MERIDIAN ${Math.abs(cm)}°${cm < 0 ? 'W' : 'E'}, SCALE FACTOR 0.9996, FALSE EASTING 500,000 m${frame.south ? ', FALSE NORTHING 10,000,000 m' : ''}`,
    SpheroidNote: 'SPHEROID: WGS 84',
    HorizontalDatumNote: 'HORIZONTAL DATUM: WORLD GEODETIC SYSTEM 1984 (WGS 84)',
    VerticalDatumNote: 'VERTICAL DATUM: MEAN SEA LEVEL',
    ControlNote: `CONTROL: ${request.service.definition.copyrightText || request.service.definition.serviceName}`,
    PreparationNote: `Prepared by Quadrangle from the ${request.service.definition.serviceName} service; relief from its elevation model.${angles ? ` Magnetic values from ${angles.model} for ${angles.year}.` : ''}`,
    PrintingNote: `Produced ${isoDate} by Quadrangle.`,
    UnitImprint: 'QUADRANGLE',
    AdjacentZoneNote: data.gridDrawing?.adjacentZoneNote ?? '',
    Date: isoDate,
    Year: String(date.getUTCFullYear()),
    Title: s.notes.Title ?? data.sheetName,
    Author: s.notes.Author ?? '',
    Copyright: s.notes.Copyright ?? request.service.definition.copyrightText ?? '',
  };
}
