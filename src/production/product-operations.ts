/**
 * The operation list every generated product carries (tps.md §5.5), with operation GUIDs that
 * depend only on a key, so a product registered again on any server gets the same ones.
 * @module production/product-operations
 */
import { createHash } from 'node:crypto';

/** A GUID that depends only on `key`: the first 128 bits of its SHA-1, upper-case. */
function stableGuid(key: string): string {
  const h = createHash('sha1').update(key).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Extract, layout, grid, contours (at the `Contours` resource), hillshade, spot heights,
 * elevation guide, adjoining sheets, declination, surrounds (with the series name and number)
 * and export. Each operation's GUID derives from `guidKey` and its type.
 */
export function productOperations(guidKey: string, series: { name: string; number: string }): Record<string, unknown>[] {
  const op = (step: string, type: string, parameters?: { name: string; value: string }[]) => ({
    id: stableGuid(`${guidKey}/${type}`), name: step, type, ...(parameters ? { parameters } : {}),
  });
  return [
    op('Extract', 'ExtractData', [{ name: 'buffer', value: '500' }]),
    op('Layout', 'ApplyLayout'),
    op('Grid', 'BuildGrid'),
    op('Contours', 'GenerateContours', [{ name: 'contour_interval', value: '[Contours]' }]),
    op('Hillshade', 'GenerateHillshade'),
    op('Spot heights', 'GenerateSpotHeights'),
    op('Elevation guide', 'ElevationGuide'),
    op('Adjoining sheets', 'AdjoiningSheets'),
    op('Declination', 'Declination'),
    op('Surrounds', 'UpdateSurrounds', [
      { name: 'series_name', value: series.name },
      { name: 'series_number', value: series.number },
    ]),
    op('Export', 'Export'),
  ];
}
