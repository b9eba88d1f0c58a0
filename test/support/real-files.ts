/**
 * Files other software wrote, for tests of reading users' data: the example data of Debian's
 * R packages sf, terra and stars (`scripts/fetch-real-files.sh`, run by `.ci/run`, and here
 * when the files are missing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = fileURLToPath(new URL('../data/r-cran', import.meta.url));

/** The folder holding the files (`shape/nc.shp`, `stars/olinda_dem_utm25s.tif`, …), fetched on first use. */
export function realFilesDir(): string {
  if (!existsSync(`${DIR}/.complete`)) execFileSync('bash', ['scripts/fetch-real-files.sh'], { cwd: ROOT, stdio: 'inherit' });
  return DIR;
}
