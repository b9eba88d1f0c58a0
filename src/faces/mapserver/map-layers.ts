/**
 * The `layers` parameter of `export` (mapserver.md §6): `show|hide|include|exclude:ids`.
 * @module faces/mapserver/map-layers
 */
import { invalidParameter } from '../../http/arcgis-error.js';
import type { LayersOption } from '../../mapping/service-map-layers.js';

/** Parses `show:1,2`, `hide:3`, `include:…`, `exclude:…` (mapserver.md §6). */
export function parseExportLayers(text: string | undefined): LayersOption {
  if (text === undefined) return { mode: 'default' };
  const m = /^\s*(show|hide|include|exclude)\s*:\s*([\d\s,]*)$/i.exec(text);
  if (!m) throw invalidParameter('layers', "expected show:, hide:, include: or exclude: followed by layer IDs");
  return { mode: m[1]!.toLowerCase() as 'show', ids: m[2]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number) };
}
