/**
 * Warnings from the map engine, which has no logger of its own: each distinct message is emitted
 * once per process as a Node.js warning, so a bad label class does not flood the log on every
 * map request.
 * @module carto/warn-once
 */

/** Receives a human-readable warning about drawingInfo the engine cannot honour. */
export type Warn = (message: string) => void;

const seen = new Set<string>();

/** Emits `message` as a process warning (code QUADRANGLE_CARTO) the first time it is seen. */
export const warnOnce: Warn = (message) => {
  if (seen.has(message)) return;
  seen.add(message);
  process.emitWarning(message, { code: 'QUADRANGLE_CARTO' });
};
