/**
 * Esri colours (mapserver.md §15.3): `[r, g, b, a]`, each 0–255, or null.
 * @module carto/esri-color
 */
import type { Rgba } from './display-list.js';

const channel = (v: unknown): number => Math.max(0, Math.min(255, Number(v) || 0));

/**
 * Reads an Esri colour; a missing alpha means opaque. Returns null for a missing, malformed or
 * fully transparent colour, so callers can skip painting it at all.
 */
export function esriColor(value: unknown): Rgba | null {
  if (!Array.isArray(value) || value.length < 3) return null;
  const a = value[3] === undefined || value[3] === null ? 255 : channel(value[3]);
  return a > 0 ? [channel(value[0]), channel(value[1]), channel(value[2]), a] : null;
}
