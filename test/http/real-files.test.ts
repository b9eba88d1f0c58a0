/**
 * Publishing files other software wrote (the example data of Debian's R packages sf and terra):
 * North Carolina counties as an Esri-flavoured NAD27 shapefile and as a GeoPackage, Luxembourg's
 * cantons, and terra's Int16 DEM with its no-data value — read back through the REST API and
 * GDAL's ESRIJSON reader, and drawn.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Image, createCanvas } from '@napi-rs/canvas';
import { SqliteCatalogStore } from '../../src/catalog/sqlite-catalog-store.js';
import { publishFiles } from '../../src/publish/publish-service.js';
import { realFilesDir } from '../support/real-files.js';
import { freshDataDir, getJson, startTestServer, type TestServer } from '../support/test-server.js';

describe('publishing real files', () => {
  let server: TestServer;
  let ms: string;

  before(async () => {
    const real = realFilesDir();
    const dataDir = await freshDataDir();
    const store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
    await publishFiles({ dataDir, name: 'Counties', files: [join(real, 'shape', 'nc.shp'), join(real, 'gpkg', 'nc.gpkg'), join(real, 'terra', 'lux.shp')], dem: join(real, 'terra', 'elev.tif') }, { store });
    store.close();
    server = await startTestServer({ dataDir });
    ms = `${server.base}/services/Counties/MapServer`;
  });
  after(async () => server?.close());

  it('matches the Esri .prj and the GeoPackage definition to EPSG codes', async () => {
    const root = await getJson(ms, { f: 'json' });
    const names = root.layers.map((l: any) => l.name);
    assert.ok(names.includes('nc') && names.includes('lux') && names.includes('Elevation'), names.join(', '));
    // The service takes the first layer's system: NAD27 from the .prj's Esri WKT, without a code in it.
    assert.equal(root.spatialReference.wkid, 4267);
    const srOf = async (name: string) => {
      const info = await getJson(`${ms}/${root.layers.find((l: any) => l.name === name).id}`, { f: 'json' });
      return (info.sourceSpatialReference ?? info.extent.spatialReference).wkid;
    };
    const ncLayers = root.layers.filter((l: any) => /^nc/.test(l.name));
    assert.equal(ncLayers.length, 2, 'the shapefile and the GeoPackage table');
    for (const l of ncLayers) assert.equal(await srOf(l.name), 4267);
    assert.equal(await srOf('lux'), 4326);
  });

  it('answers queries that GDAL reads, with the attributes as written', async () => {
    const nc = (await getJson(ms, { f: 'json' })).layers.find((l: any) => l.name === 'nc').id;
    const url = `ESRIJSON:${ms}/${nc}/query?where=NAME%3D%27Ashe%27&outFields=*&f=json`;
    // Asynchronously: the server answering GDAL runs in this process.
    const { stdout: out } = await promisify(execFile)('ogrinfo', ['-ro', '-al', url]);
    assert.match(out, /Feature Count: 1/);
    assert.match(out, /NAME \(String\) = Ashe/);
    assert.match(out, /POLYGON \(\(-81\.472755/);
    const all = await getJson(`${ms}/${nc}/query`, { where: '1=1', returnCountOnly: true, f: 'json' });
    assert.equal(all.count, 100);
  });

  it('identifies elevations of the Int16 DEM and keeps its no-data cells out', async () => {
    const root = await getJson(ms, { f: 'json' });
    const elevation = root.layers.find((l: any) => l.name === 'Elevation').id;
    const identify = (x: number, y: number) => getJson(`${ms}/identify`, {
      geometry: `${x},${y}`, geometryType: 'esriGeometryPoint', sr: 4326, layers: `all:${elevation}`, tolerance: 0,
      mapExtent: '5.7,49.4,6.6,50.2', imageDisplay: '400,400,96', f: 'json',
    });
    const gdal = (x: number, y: number) => execFileSync('gdallocationinfo', ['-valonly', '-wgs84', join(realFilesDir(), 'terra', 'elev.tif'), String(x), String(y)]).toString().trim();
    // The centre of the cell in column 43, row 47, where no interpolation applies.
    const [x, y] = [5.741666666666666 + 43.5 / 120, 50.191666666666663 - 47.5 / 120];
    const inside = await identify(x, y);
    assert.equal(Number(inside.results[0].attributes['Pixel Value']), Number(gdal(x, y)));
    const outside = await identify(5.75, 50.15);
    assert.equal(gdal(5.75, 50.15), '-32768', 'GDAL reads the no-data value there');
    assert.equal(outside.results[0].attributes['Pixel Value'], 'NoData');
  });

  it('draws the counties in an export', async () => {
    const res = await fetch(`${ms}/export?bbox=-84.4,33.8,-75.4,36.6&bboxSR=4267&size=600,200&format=png&transparent=true&f=image`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png', await res.clone().text());
    const image = new Image();
    image.src = Buffer.from(await res.arrayBuffer());
    await image.decode();
    const ctx = createCanvas(600, 200).getContext('2d');
    ctx.drawImage(image, 0, 0);
    const { data } = ctx.getImageData(0, 0, 600, 200);
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) drawn++;
    assert.ok(drawn > 600 * 200 * 0.3, `counties cover the map: ${drawn} pixels drawn`);
  });
});
