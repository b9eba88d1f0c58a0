/**
 * HTTP routes for service-level operations that run on the worker pool (identify, find): the
 * capability check, `f` handling, and an HTML page with the operation's form and results.
 * @module faces/mapserver/operation-route
 */
import type { Capability } from '../../catalog/service-definition.js';
import { renderForm, renderPage, renderValue, type FormField } from '../../http/html/page.js';
import { resolveFormat, sendHtml, sendJsonText } from '../../http/respond.js';
import { getAndPost, pathParams } from '../route-helpers.js';
import type { RouteContext } from './mapserver-face.js';
import { requireCapability, runJsonOperation, serviceOf } from './mapserver-face.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

export interface OperationRouteOptions {
  /** Operation name, also the URL segment. */
  name: string;
  title: string;
  capability: Capability;
  form: FormField[];
  /** Parameters whose presence means the HTML form was submitted. */
  required: string[];
}

export function registerOperationRoute({ app, ctx }: RouteContext, o: OperationRouteOptions): void {
  getAndPost(app, `/${o.name}`, async (request, reply, params) => {
    const service = serviceOf(request);
    requireCapability(service, o.capability);
    const format = resolveFormat(params, ['html', 'json', 'pjson'] as const, 'html');
    const ran = format !== 'html' || o.required.some((p) => params.has(p));
    const { folder = '', service: name } = pathParams(request);
    const text = ran ? await runJsonOperation(ctx, { operation: o.name, folder, service: name!, params: params.entries(), format }) : null;
    if (format !== 'html') return sendJsonText(reply, params, format, text!);
    const url = `${serviceUrl(ctx, service)}/${o.name}`;
    const values = new Map(params.entries());
    return sendHtml(reply, renderPage({
      title: `${o.title} (${service.path})`, breadcrumbs: serviceCrumbs(ctx, service),
      body: [renderForm(url, o.form.map((f) => ({ ...f, value: values.get(f.name.toLowerCase()) ?? f.value }))),
        ...(text ? ['<h3>Results</h3>', renderValue(JSON.parse(text))] : [])],
    }));
  });
}
