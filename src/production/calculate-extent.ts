/**
 * calculateExtent (tps.md §10): the AOI of a custom sheet centred on a point. The version's
 * layout template's main map frame, times the product's scale, gives a ground rectangle; it is
 * laid out grid-north-up in the UTM zone holding the point, centred on it, and its four corners
 * are projected to the requested spatial reference (edges not densified) as a closed clockwise
 * ring. The result goes back to generateProduct as `customAoi`, where the sheet engine draws
 * the same rectangle grid-north-up (custom sheets are not turned by the convergence).
 * @module production/calculate-extent
 */
import { ringArea } from '../geo/esri-json.js';
import type { Position } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import { parseSpatialReference, SpatialReferenceError, srJson, type SpatialReference } from '../geo/spatial-reference.js';
import { UTM_NORTH_LIMIT, UTM_SOUTH_LIMIT, utmEpsg, utmZone } from '../geo/utm.js';
import type { LayoutTemplate, LayoutUnits } from '../layout/layout-template.js';
import type { TemplateLibrary } from '../layout/template-library.js';
import { mainFrame } from '../sheet/compose-sheet.js';
import type { ProductDefinition } from './product-definition.js';
import { ProductParameterError } from './production-errors.js';

const WGS84: SpatialReference = { wkid: 4326 };
/** Millimetres per template unit. */
const MM_PER_UNIT: Record<LayoutUnits, number> = { mm: 1, in: 25.4, pt: 25.4 / 72 };

/** What fixes a custom sheet's rectangle. */
export interface SheetRectangleInput {
  /** Centre of the sheet. */
  x: number;
  y: number;
  spatialReference: SpatialReference;
  /** Scale denominator. */
  scale: number;
  /** Size of the main map frame on paper, mm. */
  frameWidthMm: number;
  frameHeightMm: number;
  /** Spatial reference of the result. */
  outSpatialReference: SpatialReference;
}

/** A custom sheet's rectangle. */
export interface SheetRectangle {
  /** Closed clockwise ring (south-west, north-west, north-east, south-east, south-west) in `spatialReference`. */
  ring: Position[];
  spatialReference: SpatialReference;
  /** The same ring in the UTM zone, where it is an exact rectangle. */
  utmRing: Position[];
  zone: number;
  south: boolean;
  /** EPSG code of the UTM zone. */
  epsg: number;
  /** The centre in `spatialReference`. */
  centre: Position;
  /** Ground size, metres. */
  width: number;
  height: number;
}

/**
 * The rectangle of a custom sheet: `frame × scale` on the ground, grid-north-up in the UTM zone
 * holding the centre (zone exceptions of Norway and Svalbard included), projected to
 * `outSpatialReference`. Throws ProductParameterError naming `inputGeometry` for a centre outside
 * the UTM area, or `outSpatialReference` when the corners cannot be projected.
 */
export function sheetRectangle(input: SheetRectangleInput): SheetRectangle {
  const { x, y, scale } = input;
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new ProductParameterError('inputGeometry: x and y must be numbers');
  if (!(scale > 0) || !(input.frameWidthMm > 0) || !(input.frameHeightMm > 0)) throw new ProductParameterError('productVersion: the layout template has no usable map frame size or scale');
  const toLonLat = getTransform(input.spatialReference, WGS84);
  const [lon, lat] = toLonLat ? toLonLat([x, y]) : [x, y];
  if (!Number.isFinite(lon!) || !Number.isFinite(lat!)) throw new ProductParameterError('inputGeometry: the point cannot be placed on the earth in its spatial reference');
  if (lat! < UTM_SOUTH_LIMIT || lat! > UTM_NORTH_LIMIT) throw new ProductParameterError(`inputGeometry: the point lies outside the UTM area (${UTM_SOUTH_LIMIT}° to ${UTM_NORTH_LIMIT}° latitude); polar sheets are not supported`);
  const zone = utmZone(lon!, lat!);
  const south = lat! < 0;
  const epsg = utmEpsg(zone, south);
  const utm: SpatialReference = { wkid: epsg };
  const toUtm = getTransform(input.spatialReference, utm);
  const [cx, cy] = toUtm ? toUtm([x, y]) : [x, y];
  const width = (input.frameWidthMm * scale) / 1000;
  const height = (input.frameHeightMm * scale) / 1000;
  const w = width / 2, h = height / 2;
  const utmRing: Position[] = [[cx! - w, cy! - h], [cx! - w, cy! + h], [cx! + w, cy! + h], [cx! + w, cy! - h]];
  utmRing.push([...utmRing[0]!]);
  const out = getTransform(utm, input.outSpatialReference);
  const ring = out ? utmRing.map((p) => out(p)) : utmRing.map((p) => [...p]);
  if (ring.some((p) => !Number.isFinite(p[0]!) || !Number.isFinite(p[1]!))) throw new ProductParameterError('outSpatialReference: the sheet cannot be projected to this spatial reference');
  // Clockwise as Esri writes outer rings; a system with a flipped axis would turn it round.
  if (ringArea(ring) > 0) ring.reverse();
  const toOut = getTransform(input.spatialReference, input.outSpatialReference);
  const centre = toOut ? toOut([x, y]) : [x, y];
  return { ring, spatialReference: input.outSpatialReference, utmRing, zone, south, epsg, centre, width, height };
}

/** The main map frame's size in mm. */
export function mainFrameSizeMm(template: LayoutTemplate): { width: number; height: number } {
  const k = MM_PER_UNIT[template.page.units];
  const box = mainFrame(template).box;
  return { width: box.width * k, height: box.height * k };
}

/** The calculateExtent request, its parameters as received (JSON values or their text). */
export interface CalculateExtentRequest {
  product: ProductDefinition;
  /** A version name of the product. */
  productVersion: unknown;
  library: TemplateLibrary;
  /** An Esri point, `{x, y, spatialReference?}`, or its JSON text. */
  inputGeometry: unknown;
  /** The AOI layer's spatial reference: that of a point without one, and the default output. */
  aoiSpatialReference: SpatialReference;
  /** `{"wkid": n}`, `{"wkt": …}`, a WKID, or their text; absent or empty: the AOI layer's. */
  outSpatialReference?: unknown;
}

/** The calculateExtent answer (tps.md §10). */
export interface CalculateExtentResponse {
  productName: string;
  productVersion: string;
  gridXml: string;
  layoutProperties: { name: string; width: number; height: number; units: { uwkid: number; name: string } };
  extents: {
    geometry: { rings: Position[][]; spatialReference: SpatialReference };
    attributes: Record<string, unknown>;
  }[];
  success: true;
}

/** Reads `inputGeometry`: an Esri point only. */
function readPoint(value: unknown): { x: number; y: number; spatialReference?: unknown } {
  let v = value;
  if (v === undefined || v === null || v === '') throw new ProductParameterError('inputGeometry: is required (an Esri point {x, y, spatialReference})');
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch { throw new ProductParameterError('inputGeometry: not valid JSON'); }
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ProductParameterError('inputGeometry: must be an Esri point {x, y, spatialReference}');
  const o = v as Record<string, unknown>;
  if (!('x' in o) || 'points' in o || 'rings' in o || 'paths' in o || 'xmin' in o) throw new ProductParameterError('inputGeometry: only points are supported');
  if (typeof o.x !== 'number' || typeof o.y !== 'number' || !Number.isFinite(o.x) || !Number.isFinite(o.y)) throw new ProductParameterError('inputGeometry: x and y must be numbers');
  return { x: o.x, y: o.y, spatialReference: o.spatialReference };
}

function readSr(value: unknown, parameter: string): SpatialReference | null {
  try { return parseSpatialReference(value); } catch (e) {
    if (e instanceof SpatialReferenceError) throw new ProductParameterError(`${parameter}: ${e.message}`);
    throw e;
  }
}

/**
 * calculateExtent: the custom AOI of `product` / `productVersion` centred on `inputGeometry`.
 * Throws ProductParameterError naming the bad parameter.
 */
export function calculateExtent(request: CalculateExtentRequest): CalculateExtentResponse {
  const { product, library } = request;
  if (typeof request.productVersion !== 'string' || !request.productVersion) throw new ProductParameterError('productVersion: is required (a version name)');
  const version = product.productVersions.find((v) => v.name === request.productVersion);
  if (!version) throw new ProductParameterError(`productVersion: unknown version '${request.productVersion}' of product '${product.name}' (known: ${product.productVersions.map((v) => v.name).join(', ')})`);
  const grid = library.grid(product.gridType);
  if (!grid) throw new ProductParameterError(`productName: the grid definition '${product.gridType}' of product '${product.name}' is no longer in the library`);
  const template = library.template(version.template);
  if (!template) throw new ProductParameterError(`productVersion: the layout template '${version.template}' of version '${version.name}' is no longer in the library`);
  const point = readPoint(request.inputGeometry);
  const pointSr = readSr(point.spatialReference, 'inputGeometry.spatialReference') ?? request.aoiSpatialReference;
  const outSr = readSr(request.outSpatialReference, 'outSpatialReference') ?? request.aoiSpatialReference;
  const frame = mainFrameSizeMm(template);
  // A frame with its own fixed scale is drawn at that scale, so the sheet covers what the frame shows.
  const scale = mainFrame(template).scale ?? grid.scale;
  const rect = sheetRectangle({ x: point.x, y: point.y, spatialReference: pointSr, scale, frameWidthMm: frame.width, frameHeightMm: frame.height, outSpatialReference: outSr });
  const k = MM_PER_UNIT[template.page.units];
  return {
    productName: product.name,
    productVersion: version.name,
    gridXml: grid.name,
    layoutProperties: { name: template.name, width: template.page.width * k, height: template.page.height * k, units: { uwkid: 1025, name: 'Millimeter' } },
    extents: [{
      geometry: { rings: [rect.ring], spatialReference: srJson(outSr) },
      attributes: {
        [product.sheetIDField]: null, scale, utmZone: `${rect.zone}${rect.south ? 'S' : 'N'}`, centerX: rect.centre[0], centerY: rect.centre[1],
      },
    }],
    success: true,
  };
}
