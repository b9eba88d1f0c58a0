import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { GeoPackageFeatureSource } from '../data/geopackage/geopackage-feature-source.js';
import { hasGdal, tempDir, type TempDir } from '../ingest/gdal-test-fixtures.js';
import { inspectGeoPackage } from '../ingest/geopackage-inspect.js';
import { SqliteSecurityStore } from '../security/sqlite-security-store.js';
import { PublishError } from './publish-error.js';
import { publishFiles, type PublishResult } from './publish-service.js';
import { writePublishFixtures, type PublishFixtures } from './publish-test-fixtures.js';

let dir: TempDir;
let dataDir: string;
let files: PublishFixtures;
let store: SqliteCatalogStore;
let security: SqliteSecurityStore;
let published: PublishResult;

/** Services in the catalog, as `folder/name`. */
async function catalog(): Promise<string[]> {
  const out: string[] = [];
  for (const folder of ['', ...(await store.listFolders())]) for (const s of await store.listServices(folder)) out.push(`${folder}/${s.definition.serviceName}`);
  return out.sort();
}

/** Everything under `<data>/published`, as relative paths. */
function publishedFiles(): string[] {
  const root = join(dataDir, 'published');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[]).map((p) => p.split('\\').join('/')).sort();
}

/** Runs a publish that must fail with a PublishError matching `message`, leaving catalog and disk as they were. */
async function assertRefused(options: Parameters<typeof publishFiles>[0], message: RegExp): Promise<PublishError> {
  const [servicesBefore, filesBefore] = [await catalog(), publishedFiles()];
  const error = await publishFiles(options, { store, security }).then(() => null, (e: unknown) => e);
  assert.ok(error instanceof PublishError, `a PublishError, not ${String(error)}`);
  assert.match(error.message, message);
  assert.deepEqual(await catalog(), servicesBefore, 'the catalog is unchanged');
  assert.deepEqual(publishedFiles(), filesBefore, 'nothing is left on disk');
  return error;
}

describe('publishFiles', { skip: !hasGdal() && 'GDAL is not installed' }, () => {
  before(async () => {
    dir = tempDir('quadrangle-publish-');
    dataDir = dir.file('data');
    mkdirSync(dataDir);
    files = writePublishFixtures(dir);
    store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
    security = new SqliteSecurityStore(join(dataDir, 'security.sqlite'));
  });
  after(async () => {
    await store?.close();
    await security?.close();
    dir?.remove();
  });

  it('refuses bad inputs before anything reaches the catalog or the disk', async () => {
    // Before the first success, so "nothing left" also covers the published/ folder itself.
    const text = await assertRefused({ dataDir, files: [files.places, files.badShp], name: 'Notes' }, /notes\.shp is not a shapefile/);
    assert.equal(text.file, files.badShp);
    const dem = await assertRefused({ dataDir, files: [files.places], name: 'Plain', dem: files.demWithoutGeoreferencing }, /plain\.tif: the GeoTIFF has no georeferencing/);
    assert.equal(dem.file, files.demWithoutGeoreferencing);
    await assertRefused({ dataDir, files: [files.noPrj], name: 'NoPrj' }, /noprj\.shp states no coordinate reference system \(no noprj\.prj beside it\)/);
    await assertRefused({ dataDir, files: [files.places], name: 'Bad-Name' }, /--name 'Bad-Name' is not a valid service name/);
    await assertRefused({ dataDir, files: [join(dir.path, 'missing.geojson')], name: 'Missing' }, /missing\.geojson cannot be read \(ENOENT\)/);
    await assertRefused({ dataDir, files: [], name: 'Nothing' }, /nothing to publish/);
    assert.deepEqual(publishedFiles(), []);
  });

  it('publishes a shapefile, GeoJSON and a DEM as one service', async () => {
    published = await publishFiles({ dataDir, files: [files.areas, files.places, files.roads], name: 'Survey', folder: 'Field', dem: files.dem, user: 'ana' }, { store, security });
    assert.equal(published.restPath, 'services/Field/Survey/MapServer');
    assert.deepEqual(published.layers.map((l) => [l.id, l.name, l.type, l.featureCount ?? null]), [
      [0, 'places', 'Feature Layer', 2], [1, 'roads', 'Feature Layer', 1], [2, 'areas', 'Feature Layer', 1],
      [3, 'Hillshade', 'Raster Layer', null], [4, 'Elevation tint', 'Raster Layer', null], [5, 'Elevation', 'Raster Layer', null],
    ], 'points above lines above polygons, terrain at the bottom');
    assert.equal(published.layers[1]!.styledAfter, 'Roads', 'the roads follow the sample\'s feature codes');
    assert.deepEqual(publishedFiles(), ['Field', 'Field/Survey', 'Field/Survey/Survey.gpkg', 'Field/Survey/dem.tif']);
    assert.deepEqual(await catalog(), ['Field/Survey']);
    const audit = await security.listAudit({ target: 'Field/Survey.MapServer' });
    assert.deepEqual(audit.map((a) => [a.user, a.action]), [['ana', 'created']]);
  });

  it('writes a definition whose paths are relative to the data directory', async () => {
    const def = (await store.getService('Field', 'Survey'))!.definition;
    assert.deepEqual(def.spatialReference, { wkid: 27700, latestWkid: 27700 }, "the first layer's");
    assert.deepEqual(def.layers.map((l) => l.source?.path ?? l.raster?.path), [
      'published/Field/Survey/Survey.gpkg', 'published/Field/Survey/Survey.gpkg', 'published/Field/Survey/Survey.gpkg',
      'published/Field/Survey/dem.tif', 'published/Field/Survey/dem.tif', 'published/Field/Survey/dem.tif',
    ]);
    assert.deepEqual(def.layers.slice(3).map((l) => [l.raster?.render, l.defaultVisibility]), [['hillshade', true], ['elevation', false], ['dem', false]]);
    const places = def.layers[0]!;
    assert.equal(places.displayField, 'NOM');
    assert.equal(places.drawingInfo?.labelingInfo?.[0]?.labelExpression, '[NOM]');
    assert.deepEqual(places.fieldAliases, { Region: 'Région' }, 'a renamed field keeps its name as alias');
    // The extent covers the DEM and every feature.
    const e = def.initialExtent!;
    assert.ok(e.xmin <= 400000 && e.ymin <= 99000 && e.xmax >= 402000 && e.ymax >= 101000, JSON.stringify(e));
  });

  it('keeps the windows-1252 attributes and the coordinates', () => {
    const source = new GeoPackageFeatureSource(join(dataDir, 'published/Field/Survey/Survey.gpkg'), 'places');
    try {
      const rows = [...source.scan({ fields: ['NOM', 'Region', 'POP'], geometry: true })];
      assert.deepEqual(rows.map((r) => r.attributes), [
        { NOM: "Château d'Eau", Region: 'Île-de-France', POP: 1200 },
        { NOM: 'Øresund Ærø', Region: 'Zürich', POP: 35 },
      ]);
      assert.deepEqual(rows.map((r) => r.geometry), [{ type: 'Point', coordinates: [400500, 100500] }, { type: 'Point', coordinates: [401500, 100500] }]);
    } finally { source.close(); }
  });

  it('refuses a name that is taken, in any case, and leaves the service as it was', async () => {
    const before = await store.getService('Field', 'Survey');
    const e = await assertRefused({ dataDir, files: [files.roads], name: 'survey', folder: 'field' }, /a service named 'Field\/Survey' already exists/);
    assert.equal(e.file, '--name');
    assert.deepEqual(await store.getService('Field', 'Survey'), before);
  });

  it('copies a GeoPackage as it is and makes a layer of every feature table', async () => {
    const r = await publishFiles({ dataDir, files: [files.gpkg], name: 'Wells' }, { store });
    assert.deepEqual(r.layers.map((l) => [l.id, l.name, l.geometryType]), [[0, 'wells', 'esriGeometryPoint'], [1, 'hedges', 'esriGeometryPolyline']]);
    const copy = join(dataDir, 'published/Wells/survey.gpkg');
    assert.deepEqual(inspectGeoPackage(copy), inspectGeoPackage(files.gpkg), 'the same tables, columns, SRS and extents');
    assert.equal(readFileSync(copy).length, readFileSync(files.gpkg).length);
    assert.deepEqual(r.definition.layers.map((l) => l.source?.path), ['published/Wells/survey.gpkg', 'published/Wells/survey.gpkg']);
    assert.equal(r.definition.folder, '');
  });

  it('refuses to write over a folder that is already there', async () => {
    mkdirSync(join(dataDir, 'published/Leftover'), { recursive: true });
    await assertRefused({ dataDir, files: [files.roads], name: 'Leftover' }, /published\/Leftover already exists/);
  });
});
