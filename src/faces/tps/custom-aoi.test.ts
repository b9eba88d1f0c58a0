import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCustomAoi } from './custom-aoi.js';

const ring = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]];
const utm = { wkid: 32630 };

describe('readCustomAoi', () => {
  it('reads a feature array, a featureSet and calculateExtent extents alike', () => {
    const expected = { rings: [ring], spatialReference: { wkid: 32630, latestWkid: 32630 } };
    assert.deepEqual(readCustomAoi([{ geometry: { rings: [ring] }, attributes: {} }], utm), expected);
    assert.deepEqual(readCustomAoi({ features: [{ geometry: { rings: [ring] } }] }, { wkid: 4326 }), { ...expected, spatialReference: { wkid: 4326, latestWkid: 4326 } });
    assert.deepEqual(readCustomAoi({ extents: [{ geometry: { rings: [ring], spatialReference: { wkid: 3857 } } }] }, utm).spatialReference, { wkid: 3857, latestWkid: 3857 });
  });

  it('takes the geometry SR first, then the featureSet SR, then the layer SR', () => {
    const set = { features: [{ geometry: { rings: [ring] } }], spatialReference: { wkid: 27700 } };
    assert.equal((readCustomAoi(set, utm).spatialReference as { wkid: number }).wkid, 27700);
  });

  it('writes the outer ring clockwise whatever way it came', () => {
    const ccw = [...ring].reverse();
    assert.deepEqual((readCustomAoi([{ geometry: { rings: [ccw] } }], utm).rings as number[][][])[0], ring);
  });

  it('refuses anything but exactly one polygon', () => {
    const f = { geometry: { rings: [ring] } };
    assert.throws(() => readCustomAoi([f, f], utm), /customAoi: must hold exactly one polygon feature, not 2/);
    assert.throws(() => readCustomAoi([{ geometry: { paths: [ring] } }], utm), /customAoi: the feature is not a polygon/);
    assert.throws(() => readCustomAoi([{ attributes: {} }], utm), /customAoi: the feature has no geometry/);
    assert.throws(() => readCustomAoi({ rings: [ring] }, utm), /customAoi: must be a feature array/);
    const far = ring.map(([x, y]) => [x! + 100, y!]);
    assert.throws(() => readCustomAoi([{ geometry: { rings: [ring, far] } }], utm), /customAoi: must be one polygon, not 2 separate parts/);
    assert.throws(() => readCustomAoi([{ geometry: { rings: [ring], spatialReference: { wkid: 999999 } } }], utm), /customAoi: spatialReference: unknown wkid/);
  });
});
