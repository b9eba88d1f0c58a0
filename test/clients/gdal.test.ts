/**
 * GDAL as a real ArcGIS REST client: its ESRIJSON driver reads layers from the running server
 * (paging through exceededTransferLimit) and must get exactly what GDAL itself reads from the
 * GeoPackage behind the service.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server.close(); });

interface Fc { features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[] }

/** Runs ogr2ogr into a GeoJSON file and parses it. Asynchronously: the server runs in this process. */
async function ogrToGeoJson(source: string, extra: string[] = []): Promise<Fc> {
  const out = join(server.dataDir, `out-${Math.random().toString(36).slice(2)}.geojson`);
  await promisify(execFile)('ogr2ogr', ['-f', 'GeoJSON', '-lco', 'RFC7946=NO', '-lco', 'COORDINATE_PRECISION=3', out, source, ...extra], {
    env: { ...process.env, CPL_DEBUG: 'OFF', GDAL_HTTP_TIMEOUT: '60' },
  });
  return JSON.parse(readFileSync(out, 'utf8')) as Fc;
}

const byId = (fc: Fc) => new Map(fc.features.map((f) => [f.properties.OBJECTID as number, f]));

describe('GDAL ESRIJSON client', () => {
  for (const [layerId, table] of [[4, 'roads'], [6, 'lakes'], [0, 'place_names']] as const) {
    it(`reads layer ${layerId} (${table}) with the same features as the GeoPackage`, async () => {
      const url = `${server.base}/services/Topo/SampleRegion/MapServer/${layerId}/query?where=1%3D1&outFields=*&orderByFields=OBJECTID&f=json`;
      const remote = await ogrToGeoJson(`ESRIJSON:${url}`);
      // GDAL reads the GeoPackage's primary key as the FID; selecting it again keeps it as a field.
      const local = await ogrToGeoJson(join(server.dataDir, 'sample', 'region.gpkg'), ['-sql', `SELECT OBJECTID AS OID_, * FROM ${table}`]);
      for (const f of local.features) delete f.properties.OID_;
      assert.ok(local.features.length > 0);
      assert.equal(remote.features.length, local.features.length, 'same feature count (GDAL paged through exceededTransferLimit)');
      const remoteById = byId(remote);
      for (const [id, lf] of byId(local)) {
        const rf = remoteById.get(id);
        assert.ok(rf, `feature ${id} is missing`);
        // GDAL leaves ESRIJSON nulls unset, and its GeoJSON writer then omits them.
        for (const [k, v] of Object.entries(lf.properties)) assert.deepEqual(rf.properties[k] ?? null, v, `feature ${id} attribute ${k}`);
        if (lf.geometry.type.endsWith('Polygon')) {
          // Esri rings are re-grouped by GDAL; compare the vertex sets.
          const flat = (g: Fc['features'][0]['geometry']) => JSON.stringify((g.coordinates as unknown[]).flat(4).map(Number).sort((a, b) => a - b));
          assert.equal(flat(rf.geometry), flat(lf.geometry), `feature ${id} geometry`);
        } else {
          const norm = (g: Fc['features'][0]['geometry']) => JSON.stringify(g.type.startsWith('Multi') ? g.coordinates : [g.coordinates]);
          assert.equal(norm(rf.geometry), norm(lf.geometry), `feature ${id} geometry`);
        }
      }
    });
  }
});
