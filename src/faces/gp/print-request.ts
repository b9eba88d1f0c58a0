/**
 * Reading an Export Web Map request (printing.md §4): the task's parameters checked at once
 * (Format, Layout_Template, Layout_Item_ID, Web_Map_as_JSON present), and the print job's
 * request built — with the keys of this server's services the web map names that the caller
 * (or the layer's own token) may use, so the job never needs the security store.
 * @module faces/gp/print-request
 */
import type { FastifyRequest } from 'fastify';
import { ArcGisError } from '../../http/arcgis-error.js';
import { refererOf } from '../../http/authentication.js';
import type { RequestParams } from '../../http/request-params.js';
import type { ServerContext } from '../../http/server.js';
import { ownServiceKey, ownServiceRef } from '../../printing/own-services.js';
import { parseWebMap } from '../../printing/parse-web-map.js';
import { parsePrintFormat, PrintParameterError } from '../../printing/print-format.js';
import { printTemplates, type PrintJobRequest } from '../../printing/print-job.js';
import { PrintRequestError } from '../../printing/web-map.js';
import { serviceAccess } from '../../security/access-policy.js';
import type { Caller } from '../../security/privileges.js';
import { requestOrigin } from '../route-helpers.js';


/** This server's base URLs: the configured public ones and the one the request came in on. */
export function serverBases(ctx: ServerContext, request: FastifyRequest): string[] {
  return [...ctx.config.publicUrls, `${requestOrigin(request, ctx.config.port)}/${ctx.config.instance}`];
}

function parameterError(error: unknown): never {
  if (error instanceof PrintParameterError) throw new ArcGisError(400, error.message, []);
  throw error;
}

/** `Layout_Template`, matched case-insensitively; empty means MAP_ONLY. */
function readTemplate(ctx: ServerContext, value: string | undefined): string {
  const wanted = value?.trim() || 'MAP_ONLY';
  const hit = printTemplates(ctx.library).find((t) => t.name.toLowerCase() === wanted.toLowerCase());
  if (!hit) throw new ArcGisError(400, `Layout_Template '${wanted.slice(0, 80)}' not found`, []);
  return hit.name;
}

/** Whether a token (a layer's) or the caller may use a service of this server. */
async function mayUse(ctx: ServerContext, request: FastifyRequest, caller: Caller | null, token: string | undefined, folder: string, name: string): Promise<boolean> {
  let who = caller;
  if (token) {
    const check = await ctx.security.tokens.verify(token, { ip: request.ip, referer: refererOf(request) });
    if (!check.ok) return false;
    who = check.caller;
  }
  return (await serviceAccess(ctx.security.store, who, folder, name)) === 'allowed';
}

/**
 * The keys of own services the web map names and may use; null when security is off. A web map
 * that does not parse names none (the job reports why it cannot print).
 */
async function permittedServices(ctx: ServerContext, request: FastifyRequest, webMapText: string, bases: string[]): Promise<string[] | null> {
  if (!(await ctx.security.enabled())) return null;
  let layers;
  try {
    const { webMap } = parseWebMap(webMapText);
    layers = [...webMap.baseMapLayers, ...webMap.operationalLayers];
  } catch (error) {
    if (error instanceof PrintRequestError) return [];
    throw error;
  }
  const permitted = new Set<string>();
  for (const layer of layers) {
    const ref = layer.url ? ownServiceRef(layer.url, bases) : null;
    if (!ref || ref.type !== 'MapServer') continue;
    if (await mayUse(ctx, request, request.caller, layer.token, ref.folder, ref.name)) permitted.add(ownServiceKey(ref));
  }
  return [...permitted];
}

/** The print job for an Export Web Map request; parameter errors answer 400 at once. */
export async function readPrintRequest(ctx: ServerContext, request: FastifyRequest, params: RequestParams): Promise<PrintJobRequest> {
  if (params.get('Layout_Item_ID')?.trim()) throw new ArcGisError(400, 'Layout_Item_ID is not supported', []);
  let format;
  try { format = parsePrintFormat(params.get('Format')); } catch (error) { parameterError(error); }
  const layoutTemplate = readTemplate(ctx, params.get('Layout_Template'));
  const webMap = params.get('Web_Map_as_JSON');
  if (!webMap?.trim()) throw new ArcGisError(400, 'Error executing tool.', ['Web_Map_as_JSON is required']);
  const bases = serverBases(ctx, request);
  return {
    dataDir: ctx.config.dataDir, ...(ctx.config.databaseUrl ? { databaseUrl: ctx.config.databaseUrl } : {}),
    webMap, format, layoutTemplate, bases,
    permitted: await permittedServices(ctx, request, webMap, bases),
    fetchPolicy: ctx.config.print,
  };
}
