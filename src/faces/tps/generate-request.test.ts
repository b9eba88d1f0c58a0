import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeExportName, SUPPORTED_OUTPUT_TYPES } from './generate-request.js';

describe('generateProduct request helpers', () => {
  it('sanitises export names to a plain file name of at most 100 characters', () => {
    assert.equal(sanitizeExportName('5645N00515W'), '5645N00515W');
    assert.equal(sanitizeExportName('my sheet/../x'), 'my_sheet_.._x');
    assert.equal(sanitizeExportName('..\\..\\etc'), '_._.._etc');
    assert.equal(sanitizeExportName('Ærø ø'), '_r___');
    assert.equal(sanitizeExportName('a'.repeat(150)).length, 100);
  });

  it('offers the output types of tps.md §9', () => {
    assert.deepEqual(SUPPORTED_OUTPUT_TYPES, ['pdf', 'tiff', 'png', 'jpg', 'svg', 'package']);
  });
});
