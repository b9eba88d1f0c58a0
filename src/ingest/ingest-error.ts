/**
 * The one error type of the ingest engine: raised for anything wrong with a user's file (not a
 * shapefile, truncated, missing companion file, unknown code page, malformed GeoJSON…). The
 * message always names the file and the problem, so it can be shown to the user as it is.
 * @module ingest/ingest-error
 */

/** A user's vector file cannot be read or imported; `file` is the path the message names. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(readonly file: string, message: string) {
    super(message);
  }
}
