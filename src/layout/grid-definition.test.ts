import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILT_IN_GRID_NAMES, GridDefinitionError, sheetSpanMinutes, validateGridDefinition, type GridDefinition } from './grid-definition.js';
import { BUILT_IN_GRID_DIR } from './template-library.js';

function shipped(): Map<string, GridDefinition> {
  const grids = new Map<string, GridDefinition>();
  for (const f of readdirSync(BUILT_IN_GRID_DIR).filter((n) => n.endsWith('.json'))) {
    const g = validateGridDefinition(JSON.parse(readFileSync(join(BUILT_IN_GRID_DIR, f), 'utf8')));
    assert.equal(f, `${g.name}.json`);
    grids.set(g.name, g);
  }
  return grids;
}

function problems(doc: unknown): string[] {
  try { validateGridDefinition(doc); } catch (e) {
    assert.ok(e instanceof GridDefinitionError);
    return e.details;
  }
  assert.fail('document was accepted');
}

describe('grid definitions', () => {
  it('ships the grids of tps.md §5.2 with their scales, sheets, intervals and graticule marks', () => {
    const grids = shipped();
    assert.deepEqual([...grids.keys()].sort(), [...BUILT_IN_GRID_NAMES].sort());
    // name: scale, sheet lat × lon (′), grid interval, neatline ticks, ticks / crosses / labels (′), contours, units
    const table: Record<string, [number, number, number, number, number | undefined, number, number, number, number, string]> = {
      TM25: [25000, 7.5, 7.5, 1000, undefined, 1, 2.5, 2.5, 10, 'meters'],
      TM50: [50000, 15, 15, 1000, undefined, 1, 5, 5, 20, 'meters'],
      TM100: [100000, 30, 30, 10000, 1000, 5, 10, 10, 40, 'meters'],
      JOG250: [250000, 60, 90, 10000, undefined, 5, 30, 30, 100, 'meters'],
      CTM25: [25000, 7.5, 7.5, 1000, undefined, 1, 2.5, 2.5, 10, 'meters'],
      CTM50: [50000, 15, 15, 1000, undefined, 1, 5, 5, 20, 'meters'],
      USTopo24: [24000, 7.5, 7.5, 1000, undefined, 0, 2.5, 2.5, 20, 'feet'],
    };
    for (const [name, row] of Object.entries(table)) {
      const g = grids.get(name)!;
      assert.deepEqual([g.scale, g.sheetMinutes.lat, g.sheetMinutes.lon, g.gridInterval, g.neatlineTickInterval,
        g.graticule.tickMinutes, g.graticule.crossMinutes, g.graticule.labelMinutes, g.contourInterval, g.contourUnits], row, name);
      assert.equal(g.poleward60DoubleLon, true);
    }
    assert.equal(grids.get('TM50')!.layout, 'TM50_Layout');
    assert.equal(grids.get('CTM25')!.layout, 'TM25_Layout');
  });

  it('doubles the longitude span of sheets poleward of 60°', () => {
    const tm50 = shipped().get('TM50')!;
    assert.deepEqual(sheetSpanMinutes(tm50, 49.1), { lat: 15, lon: 15 });
    assert.deepEqual(sheetSpanMinutes(tm50, 60.125), { lat: 15, lon: 30 });
    assert.deepEqual(sheetSpanMinutes(tm50, -70), { lat: 15, lon: 30 });
    assert.deepEqual(sheetSpanMinutes({ ...tm50, poleward60DoubleLon: false }, 70), { lat: 15, lon: 15 });
  });

  it('names the path of each problem', () => {
    const good = () => JSON.parse(readFileSync(join(BUILT_IN_GRID_DIR, 'TM100.json'), 'utf8')) as Record<string, any>;
    const cases: [(d: Record<string, any>) => void, RegExp][] = [
      [(d) => { d.scale = 0; }, /^scale must be a positive integer$/],
      [(d) => { d.sheetMinutes.lon = -15; }, /^sheetMinutes\.lon must be a positive number$/],
      [(d) => { d.graticule.crossMinutes = '5'; }, /^graticule\.crossMinutes must be a positive number$/],
      [(d) => { d.graticule.tickMinutes = -1; }, /^graticule\.tickMinutes must be a number ≥ 0$/],
      [(d) => { d.neatlineTickInterval = 20000; }, /^neatlineTickInterval must be smaller than gridInterval$/],
      [(d) => { d.contourUnits = 'fathoms'; }, /^contourUnits must be one of meters, feet \(got "fathoms"\)$/],
      [(d) => { d.gridSpacing = 1000; }, /^unknown property 'gridSpacing' at gridSpacing \(expected one of name, /],
      [(d) => { d.graticule.every = 1; }, /^unknown property 'every' at graticule\.every/],
      [(d) => { delete d.graticule; }, /^graticule must be an object$/],
      [(d) => { d.layout = ''; }, /^layout must be a non-empty string$/],
    ];
    for (const [spoil, expected] of cases) {
      const doc = good();
      spoil(doc);
      const found = problems(doc);
      assert.equal(found.length, 1, found.join(' | '));
      assert.match(found[0]!, expected);
    }
    const d = good();
    delete d.contourUnits;
    delete d.poleward60DoubleLon;
    const g = validateGridDefinition(d);
    assert.equal(g.contourUnits, 'meters');
    assert.equal(g.poleward60DoubleLon, true);
  });
});
