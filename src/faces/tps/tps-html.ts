/**
 * The Services Directory side of the Topographic Production Service: breadcrumbs below the map
 * service, and operation pages that show a form and, once submitted, the answer under it — so
 * every operation answers `f=html` as well as `json` and `pjson` (tps.md §1).
 * @module faces/tps/tps-html
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml, renderForm, renderPage, renderValue, type Crumb, type FormField } from '../../http/html/page.js';
import type { RequestParams } from '../../http/request-params.js';
import { resolveFormat, sendHtml, sendJson } from '../../http/respond.js';
import type { ServerContext } from '../../http/server.js';
import { serviceCrumbs } from '../mapserver/service-urls.js';
import { TPS_TYPE_NAME, tpsOf, type TpsTarget } from './tps-target.js';

/** Home › folder › service › TopographicProductionServer › `extra`. */
export function tpsCrumbs(ctx: ServerContext, target: TpsTarget, extra: Crumb[] = []): Crumb[] {
  return serviceCrumbs(ctx, target.service, [{ label: TPS_TYPE_NAME, href: target.base }, ...extra]);
}

/** A form that can only be POSTed (addProduct, tps.md §6). */
export function renderPostForm(action: string, fields: FormField[]): string {
  const rows = fields.map((f) => {
    const name = escapeHtml(f.name);
    const input = f.kind === 'textarea'
      ? `<textarea name="${name}" rows="12">${escapeHtml(f.value ?? '')}</textarea>`
      : `<input type="text" name="${name}" value="${escapeHtml(f.value ?? '')}">`;
    return `<tr><td><label>${escapeHtml(f.label ?? f.name)}:</label></td><td>${input}</td></tr>`;
  });
  const format = `<tr><td><label>Format:</label></td><td><select name="f"><option selected>html</option><option>json</option><option>pjson</option></select></td></tr>`;
  return `<form action="${escapeHtml(action)}" method="post"><table class="form">${rows.join('')}${format}
<tr><td></td><td><input type="submit" value="Run (POST)"></td></tr></table></form>`;
}

export interface OperationPage {
  /** Operation name: the URL segment below `<tps>` (`jobs/cancel`, `generateProduct`). */
  name: string;
  title: string;
  fields: FormField[];
  /** Parameters whose presence means the HTML form was submitted. */
  required: string[];
  /** POST-only operations get a POST form. */
  postOnly?: boolean;
  /** Run even when no parameter is given (a query whose every parameter is optional). */
  alwaysRun?: boolean;
}

/**
 * Runs an operation and writes its answer: JSON for `json`/`pjson`; for `html` the form (filled
 * with the request's values) and, when it was submitted, the answer below it.
 */
export async function sendOperation(
  request: FastifyRequest, reply: FastifyReply, params: RequestParams, ctx: ServerContext, page: OperationPage, run: () => Promise<unknown>,
): Promise<FastifyReply> {
  const format = resolveFormat(params, ['html', 'json', 'pjson'] as const, 'html');
  if (format !== 'html') return sendJson(reply, params, format, await run());
  const ran = page.alwaysRun === true || page.required.some((p) => params.has(p));
  const result = ran ? await run() : undefined;
  const target = tpsOf(request);
  const url = `${target.base}/${page.name}`;
  const values = new Map(params.entries());
  const fields = page.fields.map((f) => ({ ...f, value: values.get(f.name.toLowerCase()) ?? f.value }));
  return sendHtml(reply, renderPage({
    title: `${page.title} (${target.service.path})`,
    breadcrumbs: tpsCrumbs(ctx, target),
    body: [
      page.postOnly ? renderPostForm(url, fields) : renderForm(url, fields),
      ...(ran ? ['<h3>Results</h3>', renderValue(result)] : []),
    ],
  }));
}
