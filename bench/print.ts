/**
 * Printing: seconds per print through `Export Web Map Task/execute` on an otherwise idle server —
 * an A4 Landscape PDF and an A3 Landscape PNG at 150 dpi of the sample service's 1:50,000 town
 * window with two operational layers (the topographic map service and its elevation tint as a second
 * map service layer) and a feature collection of 200 graphics. The wall time of the request is
 * what a client waits; it includes queuing the job and starting its thread. Run by
 * `npm run bench`, or alone: `BENCH_ONLY=print npm run bench`.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { freshDataDir } from '../test/support/test-server.js';

const RUNS = Number(process.env.BENCH_PRINTS ?? 7);
const bin = new URL('../bin/quadrangle.js', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The web map: a 13 × 9.75 km window (1:50,000 on A4) around the sample's main town. */
function webMap(ms: string, cx: number, cy: number) {
  const sr = { wkid: 32630 };
  const features = Array.from({ length: 200 }, (_, i) => ({
    geometry: { x: cx - 5000 + (i % 20) * 500, y: cy - 3500 + Math.floor(i / 20) * 700, spatialReference: sr },
    attributes: { id: i },
  }));
  return {
    mapOptions: { extent: { xmin: cx - 6500, ymin: cy - 4875, xmax: cx + 6500, ymax: cy + 4875, spatialReference: sr }, spatialReference: sr },
    operationalLayers: [
      { id: 'relief', title: 'Relief', url: ms, layerType: 'ArcGISMapServiceLayer', opacity: 0.6, visibleLayers: [18] },
      { id: 'topo', title: 'Topographic map', url: ms, layerType: 'ArcGISMapServiceLayer', opacity: 1 },
      { id: 'incidents', title: 'Incidents', featureCollection: { layers: [{
        layerDefinition: { name: 'Incidents', geometryType: 'esriGeometryPoint', drawingInfo: { renderer: { type: 'simple', symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: [220, 30, 30, 255], size: 8, outline: { color: [255, 255, 255, 255], width: 1 } } } } },
        featureSet: { geometryType: 'esriGeometryPoint', features },
      }] } },
    ],
    exportOptions: { dpi: 150 },
    layoutOptions: { titleText: 'Sample region', authorText: 'Survey unit', copyrightText: '© Quadrangle sample data' },
  };
}

async function execute(gp: string, body: Record<string, string>): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${gp}/execute`, { method: 'POST', body: new URLSearchParams({ ...body, f: 'json' }) });
  const answer = await res.json() as { results?: { value: { url: string } }[]; error?: unknown };
  if (!answer.results) throw new Error(`print failed: ${JSON.stringify(answer.error)}`);
  await (await fetch(answer.results[0]!.value.url)).arrayBuffer();
  return (performance.now() - t) / 1000;
}

const dataDir = await freshDataDir();
const port = await freePort();
const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'silent'], { stdio: 'ignore' });
try {
  const root = `http://127.0.0.1:${port}/arcgis/rest/services`;
  const ms = `${root}/Topo/SampleRegion/MapServer`;
  for (let i = 0; i < 600; i++) { try { if ((await fetch(`${ms}?f=json`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 100)); }
  const town = await (await fetch(`${ms}/0/query?where=${encodeURIComponent("TYPE IN ('City','Town')")}&orderByFields=POP%20DESC&resultRecordCount=1&f=json`)).json() as { features: { geometry: { x: number; y: number } }[] };
  const { x, y } = town.features[0]!.geometry;
  const gp = `${root}/Utilities/PrintingTools/GPServer/Export%20Web%20Map%20Task`;
  const map = JSON.stringify(webMap(ms, x, y));
  const cases = [
    { name: 'A4 Landscape PDF', body: { Web_Map_as_JSON: map, Format: 'PDF', Layout_Template: 'A4 Landscape' } },
    { name: 'A3 Landscape PNG32, 150 dpi', body: { Web_Map_as_JSON: map, Format: 'PNG32', Layout_Template: 'A3 Landscape' } },
  ];
  // Warm-up: the first print of a process pays for loading fonts, the DEM and the sample's layers.
  for (const c of cases) await execute(gp, c.body);
  console.log(`\nPrinting (execute, ${RUNS} prints each after a warm-up, seconds)\n`);
  console.log('| print | median s | fastest s | slowest s | goal |\n|---|---:|---:|---:|---|');
  for (const c of cases) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await execute(gp, c.body));
    const goal = c.name.includes('PDF') ? (median(times) < 1 ? '< 1 s ✔' : '< 1 s ✘') : '';
    console.log(`| ${c.name} | ${median(times).toFixed(2)} | ${Math.min(...times).toFixed(2)} | ${Math.max(...times).toFixed(2)} | ${goal} |`);
  }
} finally {
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
