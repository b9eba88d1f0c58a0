/**
 * Errors with an ArcGIS error code, written by one handler as the ArcGIS error envelope
 * (mapserver.md §2). Messages are fixed texts; details name the offending parameter and never
 * echo more than a short, escaped fragment of user input.
 * @module http/arcgis-error
 */

export class ArcGisError extends Error {
  constructor(readonly code: number, message: string, readonly details: string[] = []) {
    super(message);
  }
}

/** Keeps echoed user text short. */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** 400 naming the parameter: `'geometry' parameter is invalid: <why>`. */
export function invalidParameter(name: string, why?: string): ArcGisError {
  return new ArcGisError(400, 'Unable to complete operation.', [`'${name}' parameter is invalid${why ? `: ${why}` : ''}`]);
}

export function missingParameter(name: string): ArcGisError {
  return new ArcGisError(400, 'Unable to complete operation.', [`'${name}' parameter is required`]);
}

export function invalidUrl(detail?: string): ArcGisError {
  return new ArcGisError(400, 'Invalid URL', detail ? [detail] : []);
}

export function invalidQuery(detail: string): ArcGisError {
  return new ArcGisError(400, 'Cannot perform query. Invalid query parameters.', [detail]);
}

export function unsupportedOperation(): ArcGisError {
  return new ArcGisError(400, 'Requested operation is not supported by this service.', []);
}
