/**
 * The production service across a crash: a server started as its own process takes a job from
 * `quadrangle generate`, is killed with SIGKILL in the middle of the sheet, and on restart over
 * the same data directory runs the job again to success; `quadrangle generate --wait` then
 * follows a second job to its downloaded output.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freshDataDir } from '../support/test-server.js';

const run = promisify(execFile);
const bin = new URL('../../bin/quadrangle.js', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
  });
}

async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir], { stdio: 'ignore' });
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/arcgis/rest/info?f=json`)).ok) return child; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

async function job(port: number, id: string): Promise<Record<string, any>> {
  return (await fetch(`http://127.0.0.1:${port}/arcgis/rest/services/Topo/SampleRegion/TopographicProductionServer/jobs/job/${id}?f=json`)).json() as Promise<Record<string, any>>;
}

describe('production jobs across a crash', () => {
  let dataDir: string;
  let server: ChildProcess | null = null;
  after(() => {
    server?.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-runs a job cut off by SIGKILL after the restart, and generate --wait downloads a sheet', async () => {
    dataDir = await freshDataDir();
    const port = await freePort();
    server = await startServer(dataDir, port);
    const serverUrl = `http://127.0.0.1:${port}/arcgis`;
    const { stderr } = await run(process.execPath, [bin, 'generate', '--product', 'TM50', '--version', 'TDS_7_1', '--sheet', '5645N00515W', '--server', serverUrl]);
    const id = /Submitted job ([0-9A-F-]{36})/.exec(stderr)?.[1];
    assert.ok(id, stderr);
    // Kill the server once the sheet is under way.
    let seen = '';
    for (let i = 0; i < 300 && seen !== 'InProgress'; i++) { seen = (await job(port, id)).status; if (seen !== 'InProgress') await new Promise((r) => setTimeout(r, 100)); }
    assert.equal(seen, 'InProgress');
    server.kill('SIGKILL');
    await new Promise((r) => server!.once('exit', r));

    server = await startServer(dataDir, port);
    let final: Record<string, any> = {};
    for (let i = 0; i < 900; i++) {
      final = await job(port, id);
      if (['Succeeded', 'Failed', 'TimedOut', 'Canceled'].includes(final.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(final.status, 'Succeeded', JSON.stringify(final.messages));
    assert.ok((final.messages.informative as string[]).some((m) => /again|restart|re-?queued|interrupted/i.test(m)), JSON.stringify(final.messages.informative));
    const pdf = Buffer.from(await (await fetch(final.outputUrl)).arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');

    const out = join(dataDir, 'second.svg');
    const waited = await run(process.execPath, [bin, 'generate', '--product', 'TM25', '--version', 'TDS_7_1', '--sheet', '5645N00515W-NE', '--format', 'svg', '--wait', '-o', out, '--server', serverUrl]);
    assert.match(waited.stderr, /succeeded/);
    assert.match(readFileSync(out, 'utf8'), /5645N00515W-NE/);
  });
});
