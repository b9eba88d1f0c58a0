/**
 * Maps the typed errors engines throw to ArcGIS error codes and safe messages
 * (mapserver.md §2). Used by the HTTP error handler and by worker threads alike.
 * @module http/error-mapping
 */
import { FeatureQueryError } from '../data/feature-source.js';
import { isDatabaseUnavailable } from '../db/database-error.js';
import { WhereClauseError } from '../data/where/index.js';
import { EsriGeometryError } from '../geo/esri-json.js';
import { SpatialReferenceError } from '../geo/spatial-reference.js';
import { WkbError } from '../geo/wkb.js';
import { ProductionError } from '../production/production-errors.js';
import { SheetError } from '../sheet/generate-sheet.js';
import { ArcGisError, invalidQuery } from './arcgis-error.js';

/** Turns any thrown value into an ArcGisError with a safe message. */
export function toArcGisError(error: unknown): ArcGisError {
  if (error instanceof ArcGisError) return error;
  if (error instanceof WhereClauseError) return invalidQuery(error.message);
  if (error instanceof FeatureQueryError) return invalidQuery(error.message);
  if (error instanceof SpatialReferenceError) return new ArcGisError(400, 'Unable to complete operation.', [`Invalid spatial reference: ${error.message}`]);
  if (error instanceof EsriGeometryError) return new ArcGisError(400, 'Unable to complete operation.', [`'geometry' parameter is invalid: ${error.message}`]);
  if (error instanceof ProductionError) return new ArcGisError(error.code, error.message, error.details);
  if (error instanceof SheetError) return new ArcGisError(400, error.message, []);
  if (error instanceof WkbError) return new ArcGisError(500, 'Unable to complete operation.', ['stored geometry is unreadable']);
  // A lost database is the server's state, not the request's: clients may retry.
  if (isDatabaseUnavailable(error)) return new ArcGisError(503, 'Service Unavailable', ['the database cannot be reached; try again shortly']);
  const fe = error as { statusCode?: unknown; code?: unknown };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ArcGisError(400, 'Unable to complete operation.', [fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'request body is too large' : 'request body cannot be read']);
  }
  return new ArcGisError(500, 'Unable to complete operation.', []);
}
