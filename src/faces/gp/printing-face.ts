/**
 * The printing service (printing.md): `/rest/services/Utilities/PrintingTools/GPServer` with the
 * Export Web Map Task and the Get Layout Templates Info Task — service and task resources,
 * `execute` (on a warm print thread, at most `syncTimeout`; the file in the output store),
 * `submitJob` (a print job), the job resource, its cancel, results and inputs — and the job files
 * under `/rest/directories/arcgisjobs`.
 * @module faces/gp/printing-face
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ArcGisError, clip, invalidUrl } from '../../http/arcgis-error.js';
import { forbidden, tokenRequired } from '../../http/authentication.js';
import { renderForm, renderLinks, renderPage, renderProperties, type Crumb } from '../../http/html/page.js';
import type { RequestParams } from '../../http/request-params.js';
import { resolveFormat, sendHtml, sendResource } from '../../http/respond.js';
import type { ServerContext } from '../../http/server.js';
import { JOB_STATUS, isFinalStatus, type JobRecord, type JsonValue } from '../../jobs/job-types.js';
import { layoutTemplatesInfo } from '../../printing/compose-print.js';
import { PRINT_FORMATS } from '../../printing/print-format.js';
import { printTemplates, type PrintJobRequest, type PrintJobResult, type TemplatesJobRequest } from '../../printing/print-job.js';
import { isSecured, serviceAccess } from '../../security/access-policy.js';
import { hasPrivilege } from '../../security/privileges.js';
import { getAndPost, pathParams, requestOrigin } from '../route-helpers.js';
import { engineJobId, gpJobId, gpJobJson, gpJobStatus, PRINT_INPUTS } from './gp-job-json.js';
import { readPrintRequest } from './print-request.js';
import { PRINT_OUTPUT_DIR, PRINT_SERVICE, printServiceSettings, type PrintServiceSettings } from '../../printing/print-service-settings.js';

const EXPORT_TASK = 'Export Web Map Task';
const TEMPLATES_TASK = 'Get Layout Templates Info Task';
const TASKS = [EXPORT_TASK, TEMPLATES_TASK] as const;
type Task = (typeof TASKS)[number];

/** The job's service key: print jobs belong to the printing service. */
const SERVICE_KEY = `${PRINT_SERVICE.folder}/${PRINT_SERVICE.name}`;

/** Where job outputs are served, below `/rest/directories` (printing.md §14). */
const JOB_FILES = `arcgisjobs/${PRINT_SERVICE.folder.toLowerCase()}/${PRINT_SERVICE.name.toLowerCase()}_gpserver`;

const executionType = (s: PrintServiceSettings) => `esriExecutionType${s.executionType}`;

/** GP parameter descriptions (printing.md §3). */
function taskJson(ctx: ServerContext, task: Task, settings: PrintServiceSettings): Record<string, unknown> {
  const input = { direction: 'esriGPParameterDirectionInput', category: '' };
  const parameters = task === EXPORT_TASK
    ? [
      { name: 'Web_Map_as_JSON', dataType: 'GPString', displayName: 'Web Map as JSON', ...input, defaultValue: '', parameterType: 'esriGPParameterTypeRequired' },
      { name: 'Format', dataType: 'GPString', displayName: 'Format', ...input, defaultValue: 'PNG8', parameterType: 'esriGPParameterTypeOptional', choiceList: Object.keys(PRINT_FORMATS) },
      { name: 'Layout_Template', dataType: 'GPString', displayName: 'Layout Template', ...input, defaultValue: 'MAP_ONLY', parameterType: 'esriGPParameterTypeOptional', choiceList: printTemplates(ctx.library).map((t) => t.name) },
      { name: 'Output_File', dataType: 'GPDataFile', displayName: 'Output File', direction: 'esriGPParameterDirectionOutput', defaultValue: {}, parameterType: 'esriGPParameterTypeRequired', category: '' },
    ]
    : [
      { name: 'Layout_Item_ID', dataType: 'GPString', displayName: 'Layout Item ID', ...input, defaultValue: '', parameterType: 'esriGPParameterTypeOptional' },
      { name: 'Output_JSON', dataType: 'GPString', displayName: 'Output JSON', direction: 'esriGPParameterDirectionOutput', defaultValue: '', parameterType: 'esriGPParameterTypeRequired', category: '' },
    ];
  return { name: task, displayName: task.replace(/ Task$/, ''), description: '', category: '', helpUrl: '', executionType: executionType(settings), parameters };
}

export const printingFace: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const root = `/${ctx.config.instance}/rest/services/${PRINT_SERVICE.folder}/${PRINT_SERVICE.name}/GPServer`;
  const crumbs = (extra: Crumb[] = []): Crumb[] => [
    { label: 'Home', href: `/${ctx.config.instance}/rest/services` },
    { label: PRINT_SERVICE.folder, href: `/${ctx.config.instance}/rest/services/${PRINT_SERVICE.folder}` },
    { label: `${PRINT_SERVICE.name} (GPServer)`, href: root }, ...extra,
  ];

  /** The service as the caller may use it: 500 when stopped, 499/403 when secured (printing.md §2). */
  async function startedSettings(request: FastifyRequest): Promise<PrintServiceSettings> {
    const settings = await printServiceSettings(ctx.store);
    if (await ctx.security.enabled()) {
      const access = await serviceAccess(ctx.security.store, request.caller, PRINT_SERVICE.folder, PRINT_SERVICE.name, 'GPServer');
      if (access === 'token-required') throw tokenRequired();
      if (access === 'forbidden') throw forbidden(request.caller);
    }
    if (settings.configuredState === 'STOPPED') throw new ArcGisError(500, `Service ${SERVICE_KEY}/GPServer not started`, []);
    return settings;
  }

  function taskOf(request: FastifyRequest): Task {
    const name = pathParams(request).task ?? '';
    const task = TASKS.find((t) => t === name);
    if (!task) throw invalidUrl();
    return task;
  }

  /** A job of this service the caller may see (printing.md §7 decision on access). */
  async function jobOf(request: FastifyRequest): Promise<JobRecord> {
    const id = engineJobId(pathParams(request).jobId ?? '');
    const job = id ? await ctx.jobs.get(id) : null;
    if (!job || job.kind !== 'print' || job.serviceKey !== SERVICE_KEY) throw new ArcGisError(400, 'Invalid jobId', []);
    const caller = request.caller;
    if (await ctx.security.enabled() && await isSecured(ctx.security.store, PRINT_SERVICE.folder, PRINT_SERVICE.name, 'GPServer')) {
      const seesAll = caller ? hasPrivilege(caller.privilege, 'PUBLISH') : false;
      if (!seesAll && job.user !== (caller?.username ?? 'anonymous')) throw new ArcGisError(400, 'Invalid jobId', []);
    }
    return job;
  }

  const send = (request: FastifyRequest, reply: FastifyReply, params: RequestParams, title: string, body: Record<string, unknown>, extra: string[] = [], pageCrumbs = crumbs()) =>
    sendResource(reply, params, () => body, () => renderPage({ title, breadcrumbs: pageCrumbs, jsonHref: `${request.url.split('?')[0]}?f=pjson`, body: [renderProperties(body), ...extra] }));

  const submit = (request: FastifyRequest, job: PrintJobRequest | TemplatesJobRequest, settings: PrintServiceSettings) =>
    ctx.jobs.submit('print', job as unknown as JsonValue, { serviceKey: SERVICE_KEY, user: request.caller?.username ?? 'anonymous', timeLimitMs: settings.maxUsageTime * 1000 });

  const directories = (request: FastifyRequest) => `${requestOrigin(request, ctx.config.port)}/${ctx.config.instance}/rest/directories`;

  /** A succeeded job's output value. */
  function outputValue(request: FastifyRequest, job: JobRecord): { paramName: string; dataType: string; value: unknown } {
    const result = job.result as Partial<PrintJobResult & { outputJson: JsonValue }>;
    if (result.outputJson !== undefined) return { paramName: 'Output_JSON', dataType: 'GPString', value: result.outputJson };
    return { paramName: 'Output_File', dataType: 'GPDataFile', value: { url: `${directories(request)}/${JOB_FILES}/${gpJobId(job.jobId)}/scratch/${result.file}` } };
  }

  /** The templates' descriptions as the task's result (printing.md §9). */
  const templatesValue = () => ({ paramName: 'Output_JSON', dataType: 'GPString', value: layoutTemplatesInfo(printTemplates(ctx.library)) });

  getAndPost(app, root, async (request, reply, params) => {
    const settings = await startedSettings(request);
    const body = { currentVersion: ctx.config.currentVersion, serviceDescription: '', tasks: [...TASKS], executionType: executionType(settings), resultMapServerName: '', maximumRecords: 1000, capabilities: '' };
    return send(request, reply, params, `${SERVICE_KEY} (GPServer)`, body, [renderLinks('Tasks', TASKS.map((t) => ({ label: t, href: `${root}/${encodeURIComponent(t)}` })))], crumbs().slice(0, 2));
  });

  getAndPost(app, `${root}/:task`, async (request, reply, params) => {
    const settings = await startedSettings(request);
    const task = taskOf(request);
    const here = `${root}/${encodeURIComponent(task)}`;
    return send(request, reply, params, task, taskJson(ctx, task, settings), [renderLinks('Operations', [{ label: 'Execute', href: `${here}/execute` }, { label: 'Submit Job', href: `${here}/submitJob` }])]);
  });

  for (const mode of ['execute', 'submitJob'] as const) {
    getAndPost(app, `${root}/:task/${mode}`, async (request, reply, params) => {
      const settings = await startedSettings(request);
      const task = taskOf(request);
      const here = `${root}/${encodeURIComponent(task)}`;
      const pageCrumbs = crumbs([{ label: task, href: here }]);
      const format = resolveFormat(params, ['html', 'json', 'pjson'] as const, 'html');
      // The HTML page shows the form until it is submitted.
      if (format === 'html' && task === EXPORT_TASK && params.get('Web_Map_as_JSON') === undefined) {
        const fields = [{ name: 'Web_Map_as_JSON', kind: 'textarea' as const }, { name: 'Format', kind: 'select' as const, options: Object.keys(PRINT_FORMATS), value: 'PNG8' }, { name: 'Layout_Template', kind: 'select' as const, options: printTemplates(ctx.library).map((t) => t.name), value: 'MAP_ONLY' }];
        return sendHtml(reply, renderPage({ title: `${task}: ${mode}`, breadcrumbs: pageCrumbs, body: [renderForm(`${here}/${mode}`, fields, undefined, true)] }));
      }
      if (task === TEMPLATES_TASK && params.get('Layout_Item_ID')?.trim()) throw new ArcGisError(400, 'Layout_Item_ID is not supported', []);
      let answer: Record<string, unknown>;
      if (mode === 'submitJob') {
        const job = await submit(request, task === EXPORT_TASK ? await readPrintRequest(ctx, request, params) : { task: 'layoutTemplates', dataDir: ctx.config.dataDir }, settings);
        answer = { jobId: gpJobId(job.jobId), jobStatus: gpJobStatus(job) };
      } else {
        answer = task === EXPORT_TASK ? await executePrint(request, await readPrintRequest(ctx, request, params), settings) : { results: [templatesValue()], messages: [] };
      }
      return send(request, reply, params, `${task}: ${mode}`, answer, [], pageCrumbs);
    });
  }

  /**
   * An execute: the print on a warm print thread, its file in the output store; 400 for what the
   * request asked wrongly, 500 past `syncTimeout` (printing.md §5).
   */
  async function executePrint(request: FastifyRequest, print: PrintJobRequest, settings: PrintServiceSettings): Promise<Record<string, unknown>> {
    let answer;
    try {
      answer = await ctx.printThreads.run(print, AbortSignal.timeout(settings.syncTimeout * 1000));
    } catch (error) {
      if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') throw new ArcGisError(500, `The print did not finish within ${settings.syncTimeout} seconds; use submitJob.`, []);
      throw new ArcGisError(500, 'Error executing tool.', [(error as Error).message]);
    }
    if (!answer.ok) throw new ArcGisError(400, 'Error executing tool.', answer.details);
    const file = await ctx.outputs.write(PRINT_OUTPUT_DIR, '', PRINT_FORMATS[print.format].extension.slice(1), answer.data);
    return {
      results: [{ paramName: 'Output_File', dataType: 'GPDataFile', value: { url: `${directories(request)}/arcgisoutput/${file}` } }],
      messages: answer.warnings.map((description) => ({ type: 'esriJobMessageTypeWarning', description })),
    };
  }

  /** Every job route: the service started, the task known, the job the caller's. */
  const jobRoute = (path: string, handle: (request: FastifyRequest, reply: FastifyReply, params: RequestParams, job: JobRecord, task: Task) => unknown) =>
    getAndPost(app, `${root}/:task/jobs/:jobId${path}`, async (request, reply, params) => {
      await startedSettings(request);
      const task = taskOf(request);
      return handle(request, reply, params, await jobOf(request), task);
    });

  jobRoute('', (request, reply, params, job) => send(request, reply, params, `Job ${gpJobId(job.jobId)}`, gpJobJson(job, params.get('returnMessages')?.trim().toLowerCase() !== 'false')));

  jobRoute('/cancel', async (request, reply, params, job) => {
    if (!isFinalStatus(job.statusCode)) await ctx.jobs.cancel(job.jobId);
    return send(request, reply, params, `Job ${gpJobId(job.jobId)}`, gpJobJson((await ctx.jobs.get(job.jobId)) ?? job));
  });

  jobRoute('/results/:param', (request, reply, params, job, task) => {
    const wanted = task === EXPORT_TASK ? 'Output_File' : 'Output_JSON';
    if (pathParams(request).param !== wanted) throw invalidUrl();
    if (job.statusCode !== JOB_STATUS.Succeeded) throw new ArcGisError(400, `Result not available: job is ${gpJobStatus(job)}`, []);
    return send(request, reply, params, wanted, outputValue(request, job));
  });

  jobRoute('/inputs/:param', (request, reply, params, job) => {
    const param = pathParams(request).param ?? '';
    const input = job.request as unknown as Partial<PrintJobRequest>;
    const values: Record<string, unknown> = { Web_Map_as_JSON: input.webMap, Format: input.format, Layout_Template: input.layoutTemplate };
    if (!(PRINT_INPUTS as readonly string[]).includes(param) || values[param] === undefined) throw invalidUrl(`no input '${clip(param, 40)}'`);
    return send(request, reply, params, param, { paramName: param, dataType: 'GPString', value: values[param] });
  });

  // Job files: no token needed, names are random and listings are off (printing.md §14).
  app.get(`/${ctx.config.instance}/rest/directories/${JOB_FILES}/:jobId/scratch/:file`, async (request, reply) => {
    const { jobId = '', file = '' } = pathParams(request);
    const id = engineJobId(jobId);
    const job = id ? await ctx.jobs.get(id) : null;
    const result = job?.result as Partial<PrintJobResult> | null | undefined;
    if (!job || job.kind !== 'print' || result?.file !== file || !result.format) return reply.code(404).type('text/plain').send('Not found');
    const path = join(ctx.jobs.jobDirectory(job.jobId), 'scratch', file);
    try { await stat(path); } catch { return reply.code(404).type('text/plain').send('Not found'); }
    return reply.type(PRINT_FORMATS[result.format].mimeType).header('cache-control', 'private, max-age=600').send(createReadStream(path));
  });
};
