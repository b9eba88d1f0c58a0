import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ringArea } from '../geo/esri-json.js';
import type { Position } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { calculateExtent, mainFrameSizeMm, sheetRectangle } from './calculate-extent.js';
import { validateProductDefinition, type ProductDefinition } from './product-definition.js';
import { ProductParameterError } from './production-errors.js';

const library = new TemplateLibrary();
const UTM30N: SpatialReference = { wkid: 32630 };

function product(gridType: string, versions: { name: string; template: string }[]): ProductDefinition {
  return validateProductDefinition({
    name: gridType, type: 'TM', gridType, sheetIDField: 'NRN', productVersions: versions,
    operations: [{ name: 'Export', type: 'Export' }],
  }, { library });
}

const tm50 = product('TM50', [{ name: 'TDS_7_1', template: 'TM50_Layout' }, { name: 'Letter', template: 'Letter ANSI A Landscape' }]);

/** Lengths of the four sides of a closed ring after projecting it into `sr`. */
function sides(ring: Position[], from: SpatialReference, sr: SpatialReference): number[] {
  const t = getTransform(from, sr);
  const pts = ring.map((p) => (t ? t(p) : p));
  return pts.slice(0, 4).map((p, i) => Math.hypot(pts[i + 1]![0]! - p[0]!, pts[i + 1]![1]! - p[1]!));
}

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);

describe('calculateExtent', () => {
  it('makes a TM50 sheet of 560 mm × 50,000 = 28 km, centred on the point, as a clockwise Web Mercator ring', () => {
    const answer = calculateExtent({
      product: tm50, productVersion: 'TDS_7_1', library, aoiSpatialReference: UTM30N,
      inputGeometry: { x: 380000, y: 6300000 }, outSpatialReference: { wkid: 102100 },
    });
    assert.equal(answer.productName, 'TM50');
    assert.equal(answer.gridXml, 'TM50');
    assert.deepEqual(answer.layoutProperties, { name: 'TM50_Layout', width: 700, height: 900, units: { uwkid: 1025, name: 'Millimeter' } });
    const [extent] = answer.extents;
    assert.deepEqual(extent!.geometry.spatialReference, { wkid: 102100, latestWkid: 3857 });
    const ring = extent!.geometry.rings[0]!;
    assert.equal(ring.length, 5);
    assert.deepEqual(ring[4], ring[0]);
    assert.ok(ringArea(ring) < 0, 'clockwise');
    // Back in the zone the sides are the frame times the scale, along the grid.
    for (const side of sides(ring, { wkid: 3857 }, UTM30N)) near(side, 28000, 1, 'side');
    const utm = ring.map((p) => getTransform({ wkid: 3857 }, UTM30N)!(p));
    near(utm[0]![0]!, 380000 - 14000, 0.01, 'west edge');
    near(utm[0]![1]!, 6300000 - 14000, 0.01, 'south edge');
    near(utm[2]![0]!, 380000 + 14000, 0.01, 'east edge');
    near(utm[2]![1]!, 6300000 + 14000, 0.01, 'north edge');
    const centre = getTransform(UTM30N, { wkid: 3857 })!([380000, 6300000]);
    assert.deepEqual(extent!.attributes, { NRN: null, scale: 50000, utmZone: '30N', centerX: centre[0], centerY: centre[1] });
  });

  it("takes a point without a spatial reference in the AOI layer's, and writes the result there by default", () => {
    const answer = calculateExtent({ product: tm50, productVersion: 'TDS_7_1', library, aoiSpatialReference: UTM30N, inputGeometry: '{"x": 380000, "y": 6300000}' });
    const ring = answer.extents[0]!.geometry.rings[0]!;
    assert.deepEqual(ring, [[366000, 6286000], [366000, 6314000], [394000, 6314000], [394000, 6286000], [366000, 6286000]]);
    assert.deepEqual(answer.extents[0]!.geometry.spatialReference, { wkid: 32630, latestWkid: 32630 });
  });

  it("sizes the sheet from a template in inches and keeps width across and height up", () => {
    const answer = calculateExtent({
      product: tm50, productVersion: 'Letter', library, aoiSpatialReference: UTM30N,
      inputGeometry: { x: -5, y: 56.8, spatialReference: { wkid: 4326 } }, outSpatialReference: 4326,
    });
    // 10 in × 5.5 in at 1:50,000.
    const s = sides(answer.extents[0]!.geometry.rings[0]!, { wkid: 4326 }, UTM30N);
    near(s[0]!, 5.5 * 0.0254 * 50000, 1, 'west side');
    near(s[1]!, 10 * 0.0254 * 50000, 1, 'north side');
    assert.equal(answer.layoutProperties.width, 11 * 25.4);
    assert.deepEqual(mainFrameSizeMm(library.template('Letter ANSI A Landscape')!), { width: 254, height: 5.5 * 25.4 });
  });

  it('uses the UTM zone of the point: southern zones and the Norway exception', () => {
    const tm25 = product('TM25', [{ name: 'V1', template: 'TM25_Layout' }]);
    const chile = calculateExtent({ product: tm25, productVersion: 'V1', library, aoiSpatialReference: { wkid: 4326 }, inputGeometry: { x: -70.6, y: -33.4 } });
    assert.equal(chile.extents[0]!.attributes.utmZone, '19S');
    for (const side of sides(chile.extents[0]!.geometry.rings[0]!, { wkid: 4326 }, { wkid: 32719 })) near(side, 14000, 1, 'side');
    const bergen = sheetRectangle({ x: 5.3, y: 60.4, spatialReference: { wkid: 4326 }, scale: 25000, frameWidthMm: 560, frameHeightMm: 560, outSpatialReference: { wkid: 4326 } });
    assert.deepEqual([bergen.zone, bergen.south, bergen.epsg], [32, false, 32632]);
    assert.deepEqual([bergen.width, bergen.height], [14000, 14000]);
  });

  it('refuses bad input, naming the parameter', () => {
    const ask = (over: Record<string, unknown>) => () => calculateExtent({
      product: tm50, productVersion: 'TDS_7_1', library, aoiSpatialReference: UTM30N, inputGeometry: { x: 380000, y: 6300000 }, ...over,
    });
    const refused = (message: string) => (e: unknown) => e instanceof ProductParameterError && e.code === 400 && e.message === message;
    assert.throws(ask({ inputGeometry: { rings: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } }), refused('inputGeometry: only points are supported'));
    assert.throws(ask({ inputGeometry: { xmin: 0, ymin: 0, xmax: 1, ymax: 1 } }), refused('inputGeometry: only points are supported'));
    assert.throws(ask({ inputGeometry: undefined }), refused('inputGeometry: is required (an Esri point {x, y, spatialReference})'));
    assert.throws(ask({ inputGeometry: '{x:1' }), refused('inputGeometry: not valid JSON'));
    assert.throws(ask({ inputGeometry: { x: 'east', y: 1 } }), refused('inputGeometry: x and y must be numbers'));
    assert.throws(ask({ inputGeometry: { x: 10, y: 86, spatialReference: { wkid: 4326 } } }),
      refused('inputGeometry: the point lies outside the UTM area (-80° to 84° latitude); polar sheets are not supported'));
    assert.throws(ask({ inputGeometry: { x: 1, y: 2, spatialReference: { wkid: 999999 } } }), refused('inputGeometry.spatialReference: unknown wkid 999999'));
    assert.throws(ask({ outSpatialReference: 'Mercator' }), refused('outSpatialReference: expected a WKID or a spatial reference object'));
    assert.throws(ask({ productVersion: 'TRD_4_5' }), refused("productVersion: unknown version 'TRD_4_5' of product 'TM50' (known: TDS_7_1, Letter)"));
    assert.throws(ask({ productVersion: undefined }), refused('productVersion: is required (a version name)'));
  });
});
