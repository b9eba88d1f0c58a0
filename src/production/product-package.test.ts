import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unzipSync, strFromU8 } from 'fflate';
import { freshDataDir } from '../../test/support/test-server.js';
import { ensureSampleService } from '../app/quadrangle-app.js';
import type { MapService } from '../catalog/map-service.js';
import { ServiceManager } from '../catalog/service-manager.js';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { loadConfig } from '../config/config.js';
import { parseWhere } from '../data/where/index.js';
import { toEsriGeometry } from '../geo/esri-json.js';
import type { Polygon } from '../geo/geometry.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { extractData, type ExtractResult } from './extract-data.js';
import { buildLayoutDocument, LAYOUT_ENTRY, PACKAGE_FORMAT, writeProductPackage } from './product-package.js';
import { planProduction, type ProductionPlan } from './resolve-parameters.js';
import { sampleProducts } from './sample-products.js';

const SHEET = '5645N00515W';

describe('product package', () => {
  let dataDir: string, jobDir: string, store: SqliteCatalogStore, services: ServiceManager, service: MapService;
  let plan: ProductionPlan, extraction: ExtractResult, aoi: { geometry: Polygon; spatialReference: { wkid: number } };
  const library = new TemplateLibrary();

  before(async () => {
    dataDir = await freshDataDir();
    jobDir = mkdtempSync(join(tmpdir(), 'quadrangle-package-'));
    store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
    await ensureSampleService(loadConfig({ dataDir }, {}), store, () => {});
    services = new ServiceManager(store, dataDir);
    service = (await services.get('Topo', 'SampleRegion'))!;
    const [row] = [...service.layer(15)!.source!.scan({ where: parseWhere(`NRN = '${SHEET}'`), fields: ['NRN'], geometry: true })];
    aoi = { geometry: row!.geometry as Polygon, spatialReference: { wkid: 32630 } };
    const product = sampleProducts(library).find((p) => p.name === 'TM50')!;
    plan = planProduction(product, {
      library, version: 'TDS_7_1',
      context: {
        aoiLayer: 'http://localhost/arcgis/rest/services/Topo/SampleRegion/MapServer/15', aoiGeometry: toEsriGeometry(aoi.geometry) as never, sheetId: SHEET,
        outputType: 'package', exportName: SHEET, jobFolder: jobDir, jobDate: new Date('2026-03-01T10:00:00Z'),
      },
    });
    extraction = await extractData({ service, ...plan.extract!, aoi, path: plan.extract!.database, jobFolder: jobDir });
  });
  after(async () => {
    services.close();
    await store.close();
    rmSync(jobDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('zips the GeoPackage and the resolved layout; GDAL reads the unzipped GeoPackage', async () => {
    const template = library.template(plan.template)!;
    const layout = buildLayoutDocument({ plan, template, service, aoi, sheetId: SHEET, extract: plan.extract!, extraction, databaseName: `${SHEET}.gpkg`, jobDate: '2026-03-01T10:00:00.000Z' });
    const zipPath = join(jobDir, `${SHEET}.zip`);
    const bytes = await writeProductPackage(zipPath, extraction.path, `${SHEET}.gpkg`, layout);
    assert.equal(readFileSync(zipPath).length, bytes);
    assert.ok(!readdirSync(jobDir).some((f) => f.endsWith('.tmp')), 'written under a temporary name, then renamed');

    const entries = unzipSync(readFileSync(zipPath));
    assert.deepEqual(Object.keys(entries).sort(), [`${SHEET}.gpkg`, LAYOUT_ENTRY]);
    assert.deepEqual(Buffer.from(entries[`${SHEET}.gpkg`]!), readFileSync(extraction.path));
    const unzipped = join(jobDir, 'unzipped.gpkg');
    writeFileSync(unzipped, entries[`${SHEET}.gpkg`]!);
    const info = spawnSync('ogrinfo', ['-ro', '-so', '-al', unzipped], { encoding: 'utf8' });
    assert.equal(info.status, 0, info.stderr);
    assert.equal(info.stderr.trim(), '');
    for (const l of extraction.layers) assert.match(info.stdout, new RegExp(`Layer name: ${l.table}\\n[\\s\\S]*?Feature Count: ${l.count}\\n`));

    const doc = JSON.parse(strFromU8(entries[LAYOUT_ENTRY]!));
    assert.equal(doc.format, PACKAGE_FORMAT.name);
    assert.deepEqual(doc.product, { name: 'TM50', version: 'TDS_7_1', gridType: 'TM50' });
    assert.equal(doc.template.name, 'TM50_Layout');
    assert.deepEqual(doc.template.mapFrames, JSON.parse(JSON.stringify(template.mapFrames)));
    assert.equal(doc.grid.scale, 50000);
    assert.equal(doc.parameters.contours.interval, 20);
    assert.equal(doc.parameters.declination.date, '2026-03-01T00:00:00.000Z');
    assert.equal(doc.sheetId, SHEET);
    assert.deepEqual(doc.extract, { layers: '*', buffer: 500, clip: true, features: extraction.features });
    const roads = doc.maps[0].layers.find((l: { id: number }) => l.id === 4);
    assert.deepEqual(roads.source, { type: 'geopackage', path: `${SHEET}.gpkg`, table: 'roads' });
    assert.deepEqual(roads.drawingInfo, JSON.parse(JSON.stringify(service.layerDefinition(4)!.drawingInfo)));
    assert.equal(roads.featureCount, extraction.layers.find((l) => l.layerId === 4)!.count);
    assert.equal(doc.aoi.spatialReference.wkid, 32630);
  });

  it('refuses a GeoPackage name that is a path or the layout entry', async () => {
    await assert.rejects(writeProductPackage(join(jobDir, 'x.zip'), extraction.path, '../x.gpkg', {}), /cannot name/);
    await assert.rejects(writeProductPackage(join(jobDir, 'x.zip'), extraction.path, LAYOUT_ENTRY, {}), /cannot name/);
  });
});
