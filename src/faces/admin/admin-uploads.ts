/**
 * `/admin/uploads…`: the items uploaded to publish from (ArcGIS Server's Uploads API) — the
 * list, `upload` (multipart `itemFile`, optional `description`), each item, and its `delete`.
 * The work is done by the UploadStore engine.
 * @module faces/admin/admin-uploads
 */
import { AdminError } from '../../admin/admin-error.js';
import type { UploadItem } from '../../admin/upload-store.js';
import type { AdminCall, AdminRoute } from './admin-face.js';
import { SUCCESS } from './admin-respond.js';

/** What the API shows of an item (the file list is Quadrangle's own addition). */
const itemJson = ({ itemID, itemName, description, pathOnServer, date, committed, size, files }: UploadItem) =>
  ({ itemID, itemName, description, pathOnServer, date, committed, size, files });

function itemOf(call: AdminCall, itemID: string): UploadItem {
  const item = call.ctx.uploads.get(itemID);
  if (!item) throw new AdminError(404, `Item '${itemID.slice(0, 80)}' does not exist.`);
  return item;
}

export function resolveUploadsRoute(rest: string[]): AdminRoute | null {
  const [id, op, ...more] = rest;
  if (id === undefined) {
    return {
      privilege: 'PUBLISH', page: { title: 'Uploads', path: 'uploads', children: ['upload'] },
      handle: async (call) => ({ items: call.ctx.uploads.list().map(itemJson) }),
    };
  }
  if (id === 'upload' && op === undefined) {
    return {
      privilege: 'PUBLISH', operation: true, multipart: true, page: { title: 'Upload item', path: 'uploads/upload' },
      handle: async (call) => {
        const file = call.file;
        if (!file) throw new AdminError(400, `'itemFile' parameter is required: send the file as multipart/form-data.`);
        if (file.fieldname !== 'itemFile') throw new AdminError(400, `Unexpected file field '${file.fieldname.slice(0, 40)}': send the file as 'itemFile'.`);
        const item = await call.ctx.uploads.add(file.filename, call.params.get('description') ?? '', file.file);
        return { status: 'success', item: itemJson(item) };
      },
    };
  }
  if (more.length) return null;
  if (op === undefined) return { privilege: 'PUBLISH', page: { title: `Item ${id}`, path: `uploads/${id}`, children: ['delete'] }, handle: async (call) => itemJson(itemOf(call, id)) };
  if (op === 'delete') {
    return {
      privilege: 'PUBLISH', operation: true, page: { title: 'Delete item', path: `uploads/${id}/delete` },
      handle: async (call) => { itemOf(call, id); call.ctx.uploads.remove(id); return SUCCESS; },
    };
  }
  return null;
}
