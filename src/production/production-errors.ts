/**
 * The errors of the Topographic Production Service engine (tps.md §19), each carrying the ArcGIS
 * code the HTTP layer writes: `Product name not found.` (-2147211775) and 400 with a message
 * that names the offending parameter. Engines know nothing of HTTP, so these are plain errors
 * with a `code`; the faces turn them into the ArcGIS envelope.
 * @module production/production-errors
 */

/** Code of `Product name not found.` (tps.md §19). */
export const PRODUCT_NOT_FOUND_CODE = -2147211775;

/** Any refusal of the production engine: an ArcGIS error code, a safe message, details (usually none). */
export class ProductionError extends Error {
  constructor(readonly code: number, message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'ProductionError';
  }
}

/** `productName` (or the path segment) names no product of the service. */
export class ProductNotFoundError extends ProductionError {
  constructor(readonly productName: string) {
    super(PRODUCT_NOT_FOUND_CODE, 'Product name not found.');
    this.name = 'ProductNotFoundError';
  }
}

/** A bad or missing request parameter; the message starts with the parameter's name (`inputGeometry: only points are supported`). */
export class ProductParameterError extends ProductionError {
  constructor(message: string) {
    super(400, message);
    this.name = 'ProductParameterError';
  }
}

/**
 * A product definition that cannot be accepted. Every problem found is kept in `messages`, each
 * naming its JSON path (`productDefinition.operations[3].type: unknown operation type 'Contour'`);
 * the error's message joins them.
 */
export class ProductDefinitionError extends ProductionError {
  constructor(readonly messages: string[]) {
    super(400, messages.join('; '));
    this.name = 'ProductDefinitionError';
  }
}
