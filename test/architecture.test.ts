/**
 * Imports flow http → faces → engines: no engine may import Fastify, src/http or src/faces.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const ENGINES = ['data', 'geo', 'catalog', 'carto', 'terrain', 'sample', 'config', 'mapping', 'layout', 'sheet', 'production', 'jobs', 'ingest', 'publish', 'db', 'printing'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('layering', () => {
  for (const engine of ENGINES) {
    it(`${engine} imports neither fastify nor the http and faces layers`, () => {
      for (const file of files(join(src, engine))) {
        const imports = [...readFileSync(file, 'utf8').matchAll(/^\s*import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
        for (const spec of imports) {
          assert.ok(!/^fastify|^@fastify\//.test(spec), `${relative(src, file)} imports ${spec}`);
          assert.ok(!/\/(http|faces)\//.test(spec), `${relative(src, file)} imports ${spec}`);
        }
      }
    });
  }
});
