import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EsriGeometryError, fromEsriGeometry, parseGeometryParam, ringArea, toEsriGeometry } from './esri-json.js';

describe('Esri JSON geometries', () => {
  it('reads points, multipoints, polylines and envelopes', () => {
    assert.deepEqual(fromEsriGeometry({ x: 1, y: 2 }), { type: 'Point', coordinates: [1, 2] });
    assert.equal(fromEsriGeometry({ x: null }), null);
    assert.deepEqual(fromEsriGeometry({ points: [[1, 2], [3, 4]] }), { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
    assert.deepEqual(fromEsriGeometry({ paths: [[[0, 0], [1, 1]]] }), { type: 'LineString', coordinates: [[0, 0], [1, 1]] });
    assert.deepEqual(fromEsriGeometry({ xmin: 2, ymin: 3, xmax: 0, ymax: 1 }), {
      type: 'Polygon', coordinates: [[[0, 1], [0, 3], [2, 3], [2, 1], [0, 1]]],
    });
  });

  it('groups rings into polygons with holes whatever their orientation', () => {
    const outer = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]];
    const hole = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]];
    const island = [[20, 20], [20, 30], [30, 30], [30, 20], [20, 20]];
    for (const rings of [[outer, hole, island], [[...outer].reverse(), [...hole].reverse(), island]]) {
      const g = fromEsriGeometry({ rings });
      assert.equal(g?.type, 'MultiPolygon');
      const polys = (g as { coordinates: number[][][][] }).coordinates;
      assert.equal(polys.length, 2);
      assert.equal(polys[0]!.length, 2, 'the hole belongs to the first polygon');
      assert.ok(ringArea(polys[0]![0]!) > 0 && ringArea(polys[0]![1]!) < 0, 'GeoJSON winding');
    }
  });

  it('writes outer rings clockwise and holes counter-clockwise', () => {
    const esri = toEsriGeometry({ type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 0]], [[2, 1], [3, 2], [3, 1], [2, 1]]] }) as { rings: number[][][] };
    assert.ok(ringArea(esri.rings[0]!) < 0);
    assert.ok(ringArea(esri.rings[1]!) > 0);
  });

  it('densifies curve paths to their end points', () => {
    const g = fromEsriGeometry({ curvePaths: [[[0, 0], { c: [[10, 0], [5, 5]] }]] });
    assert.deepEqual(g, { type: 'LineString', coordinates: [[0, 0], [10, 0]] });
  });

  it('parses the geometry parameter forms and rejects malformed ones', () => {
    assert.deepEqual(parseGeometryParam('1,2', 'esriGeometryPoint').geometry, { type: 'Point', coordinates: [1, 2] });
    assert.equal(parseGeometryParam('0,0,1,1', undefined).geometry?.type, 'Polygon');
    assert.deepEqual(parseGeometryParam('{"x":1,"y":2,"spatialReference":{"wkid":4326}}', undefined).spatialReference, { wkid: 4326 });
    for (const bad of ['{"x":', '1,2,3', 'a,b', '{"paths":"no"}', '{"x":"1","y":2}', '{"foo":1}']) {
      assert.throws(() => parseGeometryParam(bad, undefined), EsriGeometryError, bad);
    }
    assert.throws(() => parseGeometryParam('{"x":1,"y":2}', 'esriGeometryPolygon'), EsriGeometryError);
  });
});
