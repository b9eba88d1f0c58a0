import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Geometry } from '../geo/geometry.js';
import { envelopeToPolygon } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import { prepareDistanceFilter, prepareFilter, type SpatialRelation } from '../geo/spatial-relation.js';
import { GeoJsonFeatureSource } from './geojson/geojson-feature-source.js';
import { queryCount, queryDistinct, queryExtent, queryFeatures, queryIds } from './layer-query.js';
import { parseWhere } from './where/index.js';

let dir: string;
let source: GeoJsonFeatureSource;
const square = (x: number, y: number, s: number): Geometry => envelopeToPolygon({ xmin: x, ymin: y, xmax: x + s, ymax: y + s });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'layer-query-'));
  const features = [
    { id: 1, properties: { NAME: 'inner', KIND: 'A' }, geometry: square(2, 2, 2) },
    { id: 2, properties: { NAME: 'straddling', KIND: 'A' }, geometry: square(8, 8, 4) },
    { id: 3, properties: { NAME: 'outside', KIND: 'B' }, geometry: square(20, 20, 2) },
    { id: 4, properties: { NAME: 'edge', KIND: 'B' }, geometry: square(10, 0, 2) },
    { id: 5, properties: { NAME: 'line', KIND: null }, geometry: { type: 'LineString', coordinates: [[-5, 5], [15, 5]] } },
    { id: 6, properties: { NAME: 'big', KIND: 'C' }, geometry: square(-10, -10, 40) },
  ].map((f) => ({ type: 'Feature', ...f }));
  writeFileSync(join(dir, 'f.geojson'), JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:32630' } }, features }));
  source = new GeoJsonFeatureSource(join(dir, 'f.geojson'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ids = (relation: SpatialRelation, g: Geometry) => queryIds(source, { spatial: prepareFilter(g, relation) });
const box = square(0, 0, 10);

describe('layer query over a feature source', () => {
  it('applies each spatial relation in the ArcGIS sense (query geometry vs feature)', () => {
    assert.deepEqual(ids('esriSpatialRelIntersects', box), [1, 2, 4, 5, 6]);
    assert.deepEqual(ids('esriSpatialRelContains', box), [1]);
    assert.deepEqual(ids('esriSpatialRelWithin', box), [6]);
    assert.deepEqual(ids('esriSpatialRelTouches', box), [4]);
    assert.deepEqual(ids('esriSpatialRelOverlaps', box), [2]);
    assert.deepEqual(ids('esriSpatialRelCrosses', box), [5]);
    assert.deepEqual(ids('esriSpatialRelEnvelopeIntersects', box), [1, 2, 4, 5, 6]);
  });

  it('buffers a point by a distance', () => {
    const near = prepareDistanceFilter({ type: 'Point', coordinates: [13, 1] }, 'esriSpatialRelIntersects', 1.5)!;
    assert.deepEqual(queryIds(source, { spatial: near }), [4, 6]);
    const line = prepareDistanceFilter({ type: 'LineString', coordinates: [[19, 15], [25, 15]] }, 'esriSpatialRelIntersects', 5)!;
    assert.deepEqual(queryIds(source, { spatial: line }), [3, 6]);
    assert.equal(prepareDistanceFilter({ type: 'LineString', coordinates: [[0, 0], [1, 1]] }, 'esriSpatialRelWithin', 5), null);
  });

  it('pages after refinement and flags exceededTransferLimit only when more remain', () => {
    const spatial = prepareFilter(box, 'esriSpatialRelIntersects');
    const page = (offset: number, limit: number) => queryFeatures(source, { spatial, outFields: ['NAME'], returnGeometry: false, offset, limit, shape: { transform: null } });
    assert.deepEqual(page(0, 2).features.map((f) => f.id), [1, 2]);
    assert.equal(page(0, 2).exceededTransferLimit, true);
    assert.deepEqual(page(4, 2).features.map((f) => f.id), [6]);
    assert.equal(page(3, 2).exceededTransferLimit, false);
  });

  it('combines where, objectIds, counts, distinct values and extents', () => {
    const where = parseWhere("KIND IN ('A', 'B') AND NAME <> 'edge'");
    assert.equal(queryCount(source, { where }), 3);
    assert.equal(queryCount(source, { where, objectIds: [1, 3, 99] }), 2);
    assert.deepEqual(queryDistinct(source, {}, ['KIND']).map((r) => r.KIND), [null, 'A', 'B', 'C']);
    const ext = queryExtent(source, { where: parseWhere("KIND = 'A'") }, null);
    assert.deepEqual(ext, { count: 2, extent: { xmin: 2, ymin: 2, xmax: 12, ymax: 12 } });
    const wgs = queryExtent(source, { objectIds: [1] }, getTransform({ wkid: 32630 }, { wkid: 4326 }));
    assert.ok(wgs.extent!.xmin > -8 && wgs.extent!.xmax < -7, JSON.stringify(wgs.extent));
  });

  it('generalises and rounds output geometries', () => {
    const res = queryFeatures(source, { objectIds: [1], outFields: [], returnGeometry: true, offset: 0, limit: 10, shape: { transform: getTransform({ wkid: 32630 }, { wkid: 4326 }), geometryPrecision: 3 } });
    const ring = (res.features[0]!.geometry as { coordinates: number[][][] }).coordinates[0]!;
    assert.ok(ring.every(([x, y]) => Math.round(x! * 1000) === x! * 1000 && Math.round(y! * 1000) === y! * 1000));
  });
});
