/**
 * `generateProduct` (tps.md §9): checks the request, queues the job and answers at once with
 * its ID and the absolute `statusUrl` under the base form (canonical or alias) the request used.
 * @module faces/tps/generate-product.route
 */
import type { JsonValue } from '../../jobs/job-types.js';
import { getAndPost, requestOrigin } from '../route-helpers.js';
import { readGenerateRequest, SUPPORTED_OUTPUT_TYPES } from './generate-request.js';
import { tpsOf, type TpsRouteContext } from './tps-target.js';
import { sendOperation } from './tps-html.js';

export function registerGenerateProductRoute({ app, ctx }: TpsRouteContext): void {
  getAndPost(app, '/generateProduct', (request, reply, params) => {
    const target = tpsOf(request);
    return sendOperation(request, reply, params, ctx, {
      name: 'generateProduct', title: 'Generate product', required: ['productName'],
      fields: [{ name: 'productName' }, { name: 'productVersion' }, { name: 'aoiLayer' }, { name: 'aoiFeatureId' }, { name: 'customAoi', kind: 'textarea' },
        { name: 'layerExclusion' }, { name: 'ancillaryLayers' }, { name: 'outputType', kind: 'select', options: [...SUPPORTED_OUTPUT_TYPES] },
        { name: 'exportName' }, { name: 'outputSettings' }],
    }, async () => {
      const job = await readGenerateRequest(ctx, request, params, target);
      const record = await ctx.jobs.submit('generateProduct', job.request as unknown as JsonValue, job.meta);
      return { jobId: record.jobId, statusUrl: `${requestOrigin(request, ctx.config.port)}${target.base}/jobs/job/${record.jobId}`, success: true };
    });
  });
}
