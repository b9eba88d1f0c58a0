/**
 * Seconds and peak memory per topographic sheet PDF (TM25, TM50, TM100 of the sample region),
 * each product in a fresh process: the first sheet is cold (DEM read, code warmed), the second
 * warm, as a production worker makes sheet after sheet. Run by `npm run bench`, or alone:
 * `BENCH_ONLY=sheet npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSampleService } from '../src/app/quadrangle-app.js';
import { ServiceManager } from '../src/catalog/service-manager.js';
import { SqliteCatalogStore } from '../src/catalog/sqlite-catalog-store.js';
import { loadConfig } from '../src/config/config.js';
import { TemplateLibrary } from '../src/layout/template-library.js';
import { generateSheet } from '../src/sheet/generate-sheet.js';
import { freshDataDir } from '../test/support/test-server.js';

const SHEETS: Record<string, string> = { TM25: '5645N00515W-NE', TM50: '5645N00515W', TM100: '5630N00530W' };

/** One product in this process: prints a JSON line of timings. */
async function measure(product: string): Promise<void> {
  const dataDir = await freshDataDir();
  const store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
  await ensureSampleService(loadConfig({ dataDir }, {}), store, () => {});
  const services = new ServiceManager(store, dataDir);
  const service = (await services.get('Topo', 'SampleRegion'))!;
  const library = new TemplateLibrary();
  const runs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const { data } = await generateSheet({ service, library, product, sheetId: SHEETS[product]!, format: 'pdf', date: new Date('2026-11-22T00:00:00Z') });
    runs.push(performance.now() - t);
    bytes = data.length;
  }
  services.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify({ product, cold: runs[0], warm: Math.min(...runs.slice(1)), bytes, peakMb: process.resourceUsage().maxRSS / 1024 }));
}

if (process.argv[2]) await measure(process.argv[2]);
else {
  console.log('\nTopographic sheets, PDF, sample region (each product in a fresh process)\n');
  console.log('| product | sheet | cold s | warm s | PDF MB | peak memory MB |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const product of Object.keys(SHEETS)) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, product], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { cold: number; warm: number; bytes: number; peakMb: number };
    console.log(`| ${product} | ${SHEETS[product]} | ${(r.cold / 1000).toFixed(1)} | ${(r.warm / 1000).toFixed(1)} | ${(r.bytes / 1e6).toFixed(1)} | ${r.peakMb.toFixed(0)} |`);
  }
}
