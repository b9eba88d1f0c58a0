/**
 * The output formats of the Export Web Map task (printing.md §10) and the `Format` parameter
 * that picks one (§4).
 * @module printing/print-format
 */

/**
 * A print parameter the client got wrong, answered as a top-level 400 whose message is the
 * error's message as is (printing.md §15), unlike a `PrintRequestError`'s `Error executing tool.`.
 */
export class PrintParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrintParameterError';
  }
}

/** Each format's file extension and media type; SVGZ files are gzip-compressed SVG. */
export const PRINT_FORMATS = {
  PDF: { extension: '.pdf', mimeType: 'application/pdf' },
  PNG32: { extension: '.png', mimeType: 'image/png' },
  PNG8: { extension: '.png', mimeType: 'image/png' },
  JPG: { extension: '.jpg', mimeType: 'image/jpeg' },
  GIF: { extension: '.gif', mimeType: 'image/gif' },
  SVG: { extension: '.svg', mimeType: 'image/svg+xml' },
  SVGZ: { extension: '.svgz', mimeType: 'image/svg+xml' },
  TIFF: { extension: '.tif', mimeType: 'image/tiff' },
} as const satisfies Record<string, { extension: string; mimeType: string }>;

export type PrintFormat = keyof typeof PRINT_FORMATS;

const FORMAT_NAMES = Object.keys(PRINT_FORMATS) as PrintFormat[];

/**
 * Reads the `Format` parameter, case-insensitively; empty or absent means `PNG8`. Throws
 * `PrintParameterError` naming the value as sent for anything else (EPS and AIX included).
 */
export function parsePrintFormat(value: string | undefined): PrintFormat {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') return 'PNG8';
  const format = FORMAT_NAMES.find((name) => name === trimmed.toUpperCase());
  if (!format) throw new PrintParameterError(`Format '${value}' is not supported. Supported formats: ${FORMAT_NAMES.join(', ')}.`);
  return format;
}
