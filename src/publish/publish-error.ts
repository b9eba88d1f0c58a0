/**
 * The one error `publishFiles` throws for anything wrong with what a user asked to publish: a
 * bad or clashing name, a file that cannot be read, a CRS that cannot be resolved, a DEM without
 * georeferencing, data that cannot be opened. The message names the file (or parameter) and the
 * problem, so the command line prints it as it is.
 * @module publish/publish-error
 */

export class PublishError extends Error {
  override readonly name = 'PublishError';
  /** @param file the user's file (or the parameter, e.g. `--name`) the message is about */
  constructor(readonly file: string, message: string) {
    super(message);
  }
}
