import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileArcadeExpression, compileLabelExpression } from './label-expression.js';

describe('compileLabelExpression', () => {
  it('joins [FIELD] tokens and quoted literals with &', () => {
    const label = compileLabelExpression('[NAM] & " (" & [POP] & ")"')!;
    assert.equal(label({ NAM: 'Fort William', POP: 10459 }), 'Fort William (10459)');
  });

  it('reads fields case-insensitively, doubled quotes as quotes, and null as empty', () => {
    assert.equal(compileLabelExpression('[nam] & """"')!({ NAM: 'x' }), 'x"');
    assert.equal(compileLabelExpression('[A] & "-" & [B]')!({ A: null, B: 2 }), '-2');
  });

  it('refuses anything else', () => {
    for (const e of ['[A] + [B]', 'UCase([A])', '"open', '[A] &', 'function FindLabel ( [A] )']) assert.equal(compileLabelExpression(e), null, e);
  });
});

describe('compileArcadeExpression', () => {
  it('reads $feature.FIELD, $feature["FIELD"] and string literals joined by +', () => {
    const label = compileArcadeExpression(`$feature.NAM + ' ' + $feature["TYPE"] + "!"`)!;
    assert.equal(label({ NAM: 'Ben Nevis', TYPE: 'Peak' }), 'Ben Nevis Peak!');
  });

  it('adds two numbers and joins anything else as text', () => {
    assert.equal(compileArcadeExpression('$feature.A + $feature.B')!({ A: 1, B: 2 }), '3');
    assert.equal(compileArcadeExpression('$feature.A + "m"')!({ A: 1344 }), '1344m');
  });

  it('refuses other Arcade', () => {
    for (const e of ['Upper($feature.NAM)', 'var x = 1; return x', '$feature.A * 2', 'IIf($feature.A > 1, "a", "b")', '$feature.']) assert.equal(compileArcadeExpression(e), null, e);
  });
});
