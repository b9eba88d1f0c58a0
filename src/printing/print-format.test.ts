import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrintFormat, PRINT_FORMATS, PrintParameterError } from './print-format.js';

const SUPPORTED = 'Supported formats: PDF, PNG32, PNG8, JPG, GIF, SVG, SVGZ, TIFF.';

test('every format of printing.md §10 has its extension and media type', () => {
  assert.deepEqual(PRINT_FORMATS, {
    PDF: { extension: '.pdf', mimeType: 'application/pdf' },
    PNG32: { extension: '.png', mimeType: 'image/png' },
    PNG8: { extension: '.png', mimeType: 'image/png' },
    JPG: { extension: '.jpg', mimeType: 'image/jpeg' },
    GIF: { extension: '.gif', mimeType: 'image/gif' },
    SVG: { extension: '.svg', mimeType: 'image/svg+xml' },
    SVGZ: { extension: '.svgz', mimeType: 'image/svg+xml' },
    TIFF: { extension: '.tif', mimeType: 'image/tiff' },
  });
});

test('formats are matched case-insensitively', () => {
  assert.equal(parsePrintFormat('pdf'), 'PDF');
  assert.equal(parsePrintFormat('Png32'), 'PNG32');
  assert.equal(parsePrintFormat('png8'), 'PNG8');
  assert.equal(parsePrintFormat('jpg'), 'JPG');
  assert.equal(parsePrintFormat('GIF'), 'GIF');
  assert.equal(parsePrintFormat('svg'), 'SVG');
  assert.equal(parsePrintFormat('svgz'), 'SVGZ');
  assert.equal(parsePrintFormat('Tiff'), 'TIFF');
});

test('an empty or absent Format means PNG8', () => {
  assert.equal(parsePrintFormat(undefined), 'PNG8');
  assert.equal(parsePrintFormat(''), 'PNG8');
  assert.equal(parsePrintFormat('  '), 'PNG8');
});

test('EPS, AIX and unknown formats are refused with the value as sent', () => {
  for (const value of ['EPS', 'AIX', 'eps', 'PNG24', 'bmp']) {
    assert.throws(() => parsePrintFormat(value), (error: unknown) => {
      assert.ok(error instanceof PrintParameterError);
      assert.ok(error instanceof Error);
      assert.equal(error.message, `Format '${value}' is not supported. ${SUPPORTED}`);
      return true;
    });
  }
});

test('the EPS message is exactly the one of printing.md §4', () => {
  assert.throws(() => parsePrintFormat('EPS'), {
    name: 'PrintParameterError',
    message: "Format 'EPS' is not supported. Supported formats: PDF, PNG32, PNG8, JPG, GIF, SVG, SVGZ, TIFF.",
  });
});
