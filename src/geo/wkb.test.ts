import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeGpkgGeometry, encodeGpkgGeometry } from '../data/geopackage/gpkg-geometry.js';
import type { Geometry } from './geometry.js';
import { decodeWkb, encodeWkb, WkbError } from './wkb.js';

const samples: Geometry[] = [
  { type: 'Point', coordinates: [370000.5, 6310000.25] },
  { type: 'Point', coordinates: [1, 2, 3] },
  { type: 'LineString', coordinates: [[0, 0], [10, 5], [20, -3]] },
  { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [2, 4], [4, 4], [2, 2]]] },
  { type: 'MultiPoint', coordinates: [[1, 1], [2, 2]] },
  { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3], [4, 2]]] },
  { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] },
];

describe('WKB', () => {
  for (const g of samples) {
    it(`round-trips a ${g.type}${g.type === 'Point' && g.coordinates.length === 3 ? ' Z' : ''}`, () => {
      assert.deepEqual(decodeWkb(encodeWkb(g)), g);
    });
  }

  it('reads big-endian WKB as written by other tools', () => {
    // POINT(1 2), byte order 0 (XDR)
    const buf = Buffer.alloc(21);
    buf.writeUInt8(0, 0); buf.writeUInt32BE(1, 1); buf.writeDoubleBE(1, 5); buf.writeDoubleBE(2, 13);
    assert.deepEqual(decodeWkb(buf), { type: 'Point', coordinates: [1, 2] });
  });

  it('reads ISO ZM and drops M', () => {
    const buf = Buffer.alloc(5 + 4 + 2 * 32);
    buf.writeUInt8(1, 0); buf.writeUInt32LE(3002, 1); buf.writeUInt32LE(2, 5);
    [1, 2, 3, 4, 5, 6, 7, 8].forEach((v, i) => buf.writeDoubleLE(v, 9 + i * 8));
    assert.deepEqual(decodeWkb(buf), { type: 'LineString', coordinates: [[1, 2, 3], [5, 6, 7]] });
  });

  it('refuses truncated and unknown input without crashing', () => {
    const wkb = encodeWkb(samples[3]!);
    assert.throws(() => decodeWkb(wkb.subarray(0, wkb.length - 3)), WkbError);
    const bad = Buffer.from(wkb); bad.writeUInt32LE(99, 1);
    assert.throws(() => decodeWkb(bad), WkbError);
    // A huge declared count must not allocate its way to a crash.
    const huge = Buffer.alloc(9); huge.writeUInt8(1, 0); huge.writeUInt32LE(2, 1); huge.writeUInt32LE(0xffffffff, 5);
    assert.throws(() => decodeWkb(huge), WkbError);
  });
});

describe('GeoPackage geometry', () => {
  it('writes the GP header with srs_id and envelope, and reads it back', () => {
    const blob = encodeGpkgGeometry(samples[2]!, 32630);
    assert.equal(blob.subarray(0, 2).toString('ascii'), 'GP');
    const d = decodeGpkgGeometry(blob);
    assert.equal(d.srsId, 32630);
    assert.deepEqual(d.envelope, { xmin: 0, xmax: 20, ymin: -3, ymax: 5 });
    assert.deepEqual(d.geometry, samples[2]);
  });

  it('marks empty geometries and rejects non-GeoPackage blobs', () => {
    const empty = encodeGpkgGeometry(samples[0]!, 4326);
    empty[3] = empty[3]! | 0x10;
    assert.equal(decodeGpkgGeometry(empty).geometry, null);
    assert.throws(() => decodeGpkgGeometry(Buffer.from('not a geometry')), WkbError);
  });
});
