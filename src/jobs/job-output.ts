/**
 * Job folders and the files in them. Each job owns `<outputDir>/<jobId>/`; nothing else writes
 * there, and the engine removes it with the job. Handlers must write every file through
 * `writeOutputAtomically` (or their own temp-name-then-rename), because a job can be stopped at
 * any instant (cancel, time limit, shutdown) and a client polling the job or downloading its
 * output must never see half a file under its final name.
 * @module jobs/job-output
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { normaliseJobId } from './job-types.js';

/** The folder of a job; throws for anything that is not a job ID, so no path escapes `outputDir`. */
export function jobDirectory(outputDir: string, jobId: string): string {
  const id = normaliseJobId(jobId);
  if (!id) throw new Error(`not a job ID: ${jobId}`);
  return join(outputDir, id);
}

/** Removes a job's folder and all in it; a missing folder is fine. */
export async function removeJobDirectory(outputDir: string, jobId: string): Promise<void> {
  await rm(jobDirectory(outputDir, jobId), { recursive: true, force: true });
}

/** Writes `data` to a hidden temp name beside `path` and renames it into place. */
export async function writeOutputAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
