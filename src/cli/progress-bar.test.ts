import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, progressLine } from './progress-bar.js';

describe('progress bar', () => {
  it('formats durations and the bar line', () => {
    assert.equal(formatDuration(5), '0:05');
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(Infinity), '--:--');
    assert.equal(progressLine(6, 24, 'metatiles', '12.0 tiles/s', 90), '[######------------------] 6/24 metatiles  12.0 tiles/s  ETA 1:30');
  });
});
