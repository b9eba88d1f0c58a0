/**
 * Files that operations hand back by URL (export images now, job outputs later), kept under
 * `<data>/output` for a limited time. Files are written atomically (temp name, then rename)
 * and looked up only by names this store generated.
 * @module output/output-store
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `Folder/Name_MapServer`-style directory names: word characters and one level of folder. */
const DIR = /^[A-Za-z0-9_]{1,120}(\/[A-Za-z0-9_]{1,120})?$/;
const FILE = /^_ags_[a-z]{0,10}[0-9a-f]{32}\.[a-z0-9]{1,5}$/;

export class OutputStore {
  constructor(readonly root: string) {}

  /** Writes `data` as a new file in `dir`; returns its path relative to the root. */
  async write(dir: string, prefix: string, extension: string, data: Uint8Array): Promise<string> {
    if (!DIR.test(dir)) throw new Error(`invalid output directory ${dir}`);
    const name = `_ags_${prefix}${randomBytes(16).toString('hex')}.${extension}`;
    if (!FILE.test(name)) throw new Error(`invalid output name ${name}`);
    const full = join(this.root, dir);
    await mkdir(full, { recursive: true });
    const tmp = join(full, `.${name}.tmp`);
    await writeFile(tmp, data);
    await rename(tmp, join(full, name));
    return `${dir}/${name}`;
  }

  /** The absolute path of a stored file, or null when `relPath` is not one this store makes. */
  resolve(relPath: string): string | null {
    const i = relPath.lastIndexOf('/');
    if (i < 0 || !DIR.test(relPath.slice(0, i)) || !FILE.test(relPath.slice(i + 1))) return null;
    return join(this.root, relPath);
  }

  /**
   * Deletes files older than `maxAgeMs`, or than the age given for their directory in
   * `ageByDir` (`Utilities/PrintingTools_GPServer` → ms); returns how many went.
   */
  async sweep(maxAgeMs: number, ageByDir: Record<string, number> = {}): Promise<number> {
    let removed = 0;
    const now = Date.now();
    const visit = async (dir: string, rel: string, depth: number): Promise<void> => {
      let entries;
      try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
      const age = ageByDir[rel] ?? maxAgeMs;
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory() && depth < 2) await visit(p, rel ? `${rel}/${e.name}` : e.name, depth + 1);
        else if (e.isFile()) {
          try { if (now - (await stat(p)).mtimeMs > age) { await rm(p, { force: true }); removed++; } } catch { /* already gone */ }
        }
      }
    };
    await visit(this.root, '', 0);
    return removed;
  }
}
