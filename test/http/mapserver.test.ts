import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postForm, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let ms: string;
before(async () => { server = await startTestServer(); ms = `${server.base}/services/Topo/SampleRegion/MapServer`; });
after(async () => { await server.close(); });

describe('MapServer root', () => {
  it('has every field of the reference', async () => {
    const root = await getJson(ms);
    for (const key of ['currentVersion', 'serviceDescription', 'mapName', 'description', 'copyrightText', 'supportsDynamicLayers', 'layers', 'tables',
      'spatialReference', 'singleFusedMapCache', 'initialExtent', 'fullExtent', 'minScale', 'maxScale', 'units', 'supportedImageFormatTypes',
      'documentInfo', 'capabilities', 'supportedQueryFormats', 'maxRecordCount', 'maxImageHeight', 'maxImageWidth', 'supportedExtensions', 'exportTilesAllowed']) {
      assert.ok(key in root, `missing ${key}`);
    }
    assert.deepEqual(root.spatialReference, { wkid: 32630, latestWkid: 32630 });
    assert.equal(root.units, 'esriMeters');
    assert.equal(root.capabilities, 'Map,Query,Data');
    // The sheet indexes reach past the region to whole sheets; the full extent holds them all.
    const e = root.fullExtent;
    assert.ok(e.xmin <= 340000 && e.xmax >= 400000 && e.ymin <= 6280000 && e.ymax >= 6340000, JSON.stringify(e));
    const tm100 = await getJson(`${ms}/16`);
    assert.deepEqual(e, tm100.extent, 'the largest sheets set the full extent');
    const group = root.layers.find((l: any) => l.type === 'Group Layer');
    assert.deepEqual(group.subLayerIds, [14, 15, 16]);
    const tm50 = root.layers.find((l: any) => l.id === 15);
    assert.equal(tm50.parentLayerId, 13);
    assert.equal(tm50.geometryType, 'esriGeometryPolygon');
    assert.equal(root.layers[0].subLayerIds, null);
  });

  it('answers returnUpdates with the full extent only, and POST like GET', async () => {
    const upd = await getJson(ms, { returnUpdates: true });
    assert.deepEqual(Object.keys(upd), ['fullExtent']);
    const posted = await postForm(ms, {});
    assert.equal(posted.mapName, 'Layers');
  });

  it('refuses a bad boolean naming the parameter', async () => {
    const r = await getJson(ms, { returnUpdates: 'maybe' });
    assert.equal(r.error.code, 400);
    assert.match(r.error.details[0], /'returnUpdates'/);
  });
});

describe('layers and layer resources', () => {
  it('describes each layer with fields, drawingInfo and extent', async () => {
    const all = await getJson(`${ms}/layers`);
    assert.equal(all.layers.length, 20);
    const roads = await getJson(`${ms}/4`);
    assert.equal(roads.name, 'Roads');
    assert.equal(roads.type, 'Feature Layer');
    assert.equal(roads.geometryType, 'esriGeometryPolyline');
    assert.equal(roads.objectIdField, 'OBJECTID');
    assert.deepEqual(roads.fields[0], { name: 'OBJECTID', type: 'esriFieldTypeOID', alias: 'OBJECTID', nullable: false, editable: false });
    const cls = roads.fields.find((f: any) => f.name === 'CLASS');
    assert.equal(cls.type, 'esriFieldTypeString');
    assert.equal(cls.alias, 'Class');
    assert.equal(roads.drawingInfo.renderer.type, 'uniqueValue');
    assert.equal(roads.advancedQueryCapabilities.supportsPagination, true);
    assert.equal(roads.extent.spatialReference.wkid, 32630);
    const heights = await getJson(`${ms}/1`);
    assert.equal(heights.fields.find((f: any) => f.name === 'ZVH').type, 'esriFieldTypeDouble');
  });

  it('describes group layers with their sublayers', async () => {
    const g = await getJson(`${ms}/13`);
    assert.equal(g.type, 'Group Layer');
    assert.deepEqual(g.subLayers.map((s: any) => s.id), [14, 15, 16]);
    const tm25 = await getJson(`${ms}/14`);
    assert.deepEqual(tm25.parentLayer, { id: 13, name: 'Sheet indexes' });
  });

  it('answers 400 Invalid URL for an unknown layer', async () => {
    for (const id of ['99', '-1', 'abc', '1e3']) {
      const r = await getJson(`${ms}/${id}`);
      assert.equal(r.error.code, 400, id);
      assert.equal(r.error.message, 'Invalid URL');
    }
    assert.match((await getJson(`${ms}/99`)).error.details[0], /layerId: 99/);
  });
});

describe('legend', () => {
  it('returns PNG swatches whose url is their MD5 and that load from images/', async () => {
    const legend = await getJson(`${ms}/legend`);
    const roads = legend.layers.find((l: any) => l.layerId === 4);
    assert.deepEqual(roads.legend.map((i: any) => i.label), ['Primary road', 'Secondary road', 'Minor road', 'Street', 'Other']);
    const item = roads.legend[0];
    const png = Buffer.from(item.imageData, 'base64');
    assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
    assert.equal(png.readUInt32BE(16), 20);
    assert.deepEqual(item.values, ['Primary']);
    const res = await fetch(`${ms}/4/images/${item.url}`);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), png);
    const watercourses = legend.layers.find((l: any) => l.layerId === 5);
    assert.deepEqual(watercourses.legend[2].values, [3]);
  });

  it('draws the swatch in the symbol colour', async () => {
    const { createCanvas, loadImage } = await import('@napi-rs/canvas');
    const legend = await getJson(`${ms}/legend`, { size: '30,30', dpi: 96 });
    const primary = legend.layers.find((l: any) => l.layerId === 4).legend[0];
    const img = await loadImage(Buffer.from(primary.imageData, 'base64'));
    const ctx = createCanvas(30, 30).getContext('2d');
    ctx.drawImage(img, 0, 0);
    const [r, g, b, a] = ctx.getImageData(15, 15, 1, 1).data;
    assert.deepEqual([r, g, b, a], [200, 30, 30, 255]);
    assert.equal(ctx.getImageData(15, 2, 1, 1).data[3], 0, 'transparent away from the line');
  });

  it('validates dpi and size', async () => {
    assert.match((await getJson(`${ms}/legend`, { dpi: 0 })).error.details[0], /'dpi'/);
    assert.match((await getJson(`${ms}/legend`, { size: '20' })).error.details[0], /'size'/);
  });
});
