/**
 * The table of map service operations that run off the event loop.
 * @module faces/mapserver/operations
 */
import type { Operation } from './operation.js';
import { exportOperation } from './export-operation.js';
import { findOperation } from './find-operation.js';
import { identifyOperation } from './identify-operation.js';
import { queryOperation } from './query-operation.js';
import { tileOperation } from './tile-operation.js';

export const MAP_OPERATIONS: Record<string, Operation> = {
  query: queryOperation,
  identify: identifyOperation,
  find: findOperation,
  export: exportOperation,
  tile: tileOperation,
};
