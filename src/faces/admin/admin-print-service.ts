/**
 * The printing service in the Administrator API (printing.md §1, admin.md): a system service
 * (`isDefault: true`) that can be read, edited, stopped, started and given permissions, but not
 * deleted. Its settings live in the catalog store, so every node sees a change.
 * @module faces/admin/admin-print-service
 */
import { AdminError } from '../../admin/admin-error.js';
import {
  editPrintServiceSettings, printServiceSettings, PRINT_SERVICE, PRINT_SERVICE_KEY, type PrintServiceSettings,
} from '../../printing/print-service-settings.js';
import { serviceResourceKey } from '../../security/access-policy.js';
import type { AdminCall, AdminRoute } from './admin-face.js';
import { SUCCESS } from './admin-respond.js';
import { permissionsRoute } from './admin-services.js';

const TARGET = PRINT_SERVICE_KEY;
const PATH = `services/${PRINT_SERVICE.folder}/${PRINT_SERVICE.name}.${PRINT_SERVICE.type}`;

/** The service JSON (admin.md §7's shape, with the print properties). */
function serviceJson(s: PrintServiceSettings) {
  return {
    serviceName: PRINT_SERVICE.name, type: PRINT_SERVICE.type, description: 'Prints web maps (Export Web Map, Get Layout Templates Info)',
    capabilities: '', isDefault: true, configuredState: s.configuredState, maxUsageTime: s.maxUsageTime,
    properties: { executionType: s.executionType, syncTimeout: String(s.syncTimeout), maxFileAge: String(s.maxFileAge), toolbox: 'PrintingTools' },
  };
}

/** The folder listing's entry for the printing service. */
export async function printServiceSummary(call: AdminCall, detail: boolean): Promise<Record<string, unknown>> {
  const base = { folderName: PRINT_SERVICE.folder, serviceName: PRINT_SERVICE.name, type: PRINT_SERVICE.type };
  return detail ? { ...base, ...serviceJson(await printServiceSettings(call.ctx.store)) } : { ...base, description: '' };
}

async function change(call: AdminCall, action: string, next: (s: PrintServiceSettings) => PrintServiceSettings): Promise<typeof SUCCESS> {
  const settings = next(await printServiceSettings(call.ctx.store));
  await call.ctx.store.putSystemService(PRINT_SERVICE_KEY, { ...settings });
  await call.ctx.admin.audit(call.caller.username, action, TARGET, '');
  return SUCCESS;
}

/** Routes below `services/Utilities/PrintingTools.GPServer`. */
export function printServiceRoute(rest: string[]): AdminRoute | null {
  const op = rest.join('/');
  const page = (title: string, children: string[] = []) => ({ title: `${title}${TARGET}`, path: op ? `${PATH}/${op}` : PATH, children });
  const operation = (title: string, handle: (call: AdminCall) => Promise<unknown>): AdminRoute => ({ privilege: 'PUBLISH', operation: true, page: page(`${title} `), handle });
  switch (op) {
    case '': return { privilege: 'PUBLISH', page: page('', ['status', 'permissions']), handle: async (call) => serviceJson(await printServiceSettings(call.ctx.store)) };
    case 'status': return {
      privilege: 'PUBLISH', page: page('Status of '),
      handle: async (call) => { const { configuredState } = await printServiceSettings(call.ctx.store); return { configuredState, realTimeState: configuredState }; },
    };
    case 'start': return operation('Start', (call) => change(call, 'started', (s) => ({ ...s, configuredState: 'STARTED' })));
    case 'stop': return operation('Stop', (call) => change(call, 'stopped', (s) => ({ ...s, configuredState: 'STOPPED' })));
    case 'edit': return operation('Edit', (call) => {
      const text = call.params.get('service');
      if (text === undefined) throw new AdminError(400, "'service' parameter is required.");
      let json: unknown;
      try { json = JSON.parse(text); } catch { throw new AdminError(400, "'service' parameter is not valid JSON."); }
      return change(call, 'edited', (s) => {
        try { return editPrintServiceSettings(s, json); } catch (error) { throw new AdminError(400, (error as Error).message); }
      });
    });
    case 'delete': return operation('Delete', async () => { throw new AdminError(400, `${TARGET} is a system service and cannot be deleted.`); });
    case 'permissions':
    case 'permissions/add':
      return permissionsRoute(serviceResourceKey(PRINT_SERVICE.folder, PRINT_SERVICE.name, PRINT_SERVICE.type), TARGET, `${PATH}/${op}`, op === 'permissions/add');
    default: return null;
  }
}
