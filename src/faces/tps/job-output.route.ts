/**
 * Downloads of job outputs at
 * `/rest/directories/arcgisoutput/[<folder>/]<service>_MapServer/<jobId>/<file>` (tps.md §18).
 * Only the file a succeeded job of that service reported is served, from the job's own folder
 * (path confined to it); no token is needed, since the URL holds the random job ID, and there
 * are no directory listings. The job-ID segment is a GUID pattern, so export images under the
 * same directory (`…_MapServer/_ags_<hex>.png`) still reach the output store's route.
 * @module faces/tps/job-output.route
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ServerContext } from '../../http/server.js';
import { pathParams } from '../route-helpers.js';
import { jobOutputFile } from './job-json.js';

const GUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';
const SERVICE_DIR = /^([A-Za-z0-9_]{1,120})_MapServer$/;

/** Content types of the output types (tps.md §9), for a job that did not report one. */
const TYPES: Record<string, string> = {
  '.pdf': 'application/pdf', '.tif': 'image/tiff', '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.zip': 'application/zip',
};

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain').send('Not found');
}

/** Registered with the prefix `/<instance>/rest/directories/arcgisoutput`. */
export const tpsOutputFiles: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const serve = async (folder: string, serviceDir: string, jobId: string, file: string, reply: FastifyReply) => {
    const m = SERVICE_DIR.exec(serviceDir);
    if (!m) return notFound(reply);
    const job = await ctx.jobs.get(jobId);
    const output = job && jobOutputFile(job);
    if (!job || !output || job.serviceKey !== (folder ? `${folder}/${m[1]}` : m[1]) || file !== output || basename(file) !== file) return notFound(reply);
    const dir = ctx.jobs.jobDirectory(job.jobId);
    let path: string;
    try {
      path = await realpath(join(dir, file));
      if (!path.startsWith(`${await realpath(dir)}${sep}`) || !(await stat(path)).isFile()) return notFound(reply);
    } catch { return notFound(reply); }
    const type = typeof job.result?.contentType === 'string' ? job.result.contentType : TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return reply.type(type).header('cache-control', 'private, max-age=600').header('content-disposition', `inline; filename="${file}"`).send(createReadStream(path));
  };
  app.get(`/:serviceDir/:jobId(${GUID})/:file`, (request, reply) => {
    const p = pathParams(request);
    return serve('', p.serviceDir!, p.jobId!, p.file!, reply);
  });
  app.get(`/:folder/:serviceDir/:jobId(${GUID})/:file`, (request, reply) => {
    const p = pathParams(request);
    return serve(p.folder!, p.serviceDir!, p.jobId!, p.file!, reply);
  });
};
