/**
 * Checks a layout template document (a JSON file of the template library) against the types of
 * layout/layout-template.ts and returns it with its defaults filled in. Administrators write
 * these documents by hand, so every problem is collected and named by its JSON path
 * (`elements[3].box.width must be a positive number`) rather than stopping at the first.
 * @module layout/layout-schema
 */
import { canonicalWkid, lookupEpsg } from '../geo/spatial-reference.js';
import {
  TEXT_TOKENS,
  type FrameExtentRule, type LayoutBox, type LayoutElement, type LayoutElementType, type LayoutFont,
  type LayoutTemplate, type LayoutUnits, type MapFrameTemplate,
} from './layout-template.js';

/** A document that is not a valid layout template; `details` names each problem by JSON path. */
export class LayoutTemplateError extends Error {
  constructor(readonly details: string[], readonly file?: string) {
    super(`${file ?? 'layout template'}: ${details.join('; ')}`);
    this.name = 'LayoutTemplateError';
  }
}

export const LAYOUT_UNITS: readonly LayoutUnits[] = ['mm', 'in', 'pt'];
export const FRAME_EXTENT_RULES: readonly FrameExtentRule[] = ['sheet', 'fit'];
export const ELEMENT_TYPES: readonly LayoutElementType[] = [
  'text', 'scaleBars', 'legend', 'declinationDiagram', 'elevationGuide', 'adjoiningSheets',
  'boundariesDiagram', 'gridReferenceBox', 'northArrow', 'rule', 'image',
];
export const SCALE_BAR_UNITS = ['kilometers', 'miles', 'nauticalMiles', 'yards', 'feet', 'meters'] as const;

/** Template and grid names: 1–128 letters, digits, spaces, `_`, `-` or `.` (as product names, tps.md §5.1). */
export const LIBRARY_NAME_PATTERN = /^[A-Za-z0-9 _.-]{1,128}$/;

/** Font of a text element that gives none. */
export const DEFAULT_TEXT_FONT: Required<LayoutFont> = { size: 8, family: 'DejaVu Sans', weight: 'normal', style: 'normal', color: '#000000' };
/** Bars of a `scaleBars` element that names no units (topographic-sheet.md §3, row 11). */
export const DEFAULT_SCALE_BAR_UNITS: NonNullable<LayoutElement['units']> = ['kilometers', 'miles', 'nauticalMiles'];
/** Line width of a `rule`, mm. */
export const DEFAULT_RULE_WIDTH = 0.2;

const TOP_KEYS = ['name', 'description', 'page', 'margins', 'mapFrames', 'elements'];
const FRAME_KEYS = ['name', 'box', 'extent', 'scale', 'crs', 'grid', 'border'];
const ELEMENT_KEYS = ['name', 'type', 'box', 'map', 'text', 'font', 'align', 'verticalAlign', 'units', 'lineWidth', 'source', 'optional'];
/** Properties that belong to one element type only. */
const TYPE_ONLY: Record<string, LayoutElementType> = { text: 'text', units: 'scaleBars', lineWidth: 'rule', source: 'image' };
/** Element types that draw no map content, so have no `map` default. */
const UNMAPPED: readonly LayoutElementType[] = ['rule', 'image'];

/**
 * Collects problems in a plain JSON document by path. Shared by the template and grid
 * validators so both speak the same way.
 */
export class DocumentChecker {
  readonly problems: string[] = [];

  add(message: string): void { this.problems.push(message); }

  /** The value as an object, or undefined after reporting `<path> must be an object`. */
  object(v: unknown, path: string): Record<string, unknown> | undefined {
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    this.add(`${path || 'the document'} must be an object`);
    return undefined;
  }

  /** Reports every property of `o` not in `allowed`. */
  knownKeys(o: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(o)) {
      if (!allowed.includes(key)) this.add(`unknown property '${key}' at ${join(path, key)} (expected one of ${allowed.join(', ')})`);
    }
  }

  /** A required (or, with `fallback`, optional) number that passes `test`. */
  number(o: Record<string, unknown>, path: string, key: string, rule: NumberRule, fallback?: number): number {
    const v = o[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'number' && Number.isFinite(v) && NUMBER_RULES[rule].test(v)) return v;
    this.add(`${join(path, key)} must be ${NUMBER_RULES[rule].says}`);
    return fallback ?? 0;
  }

  /** A required (or, with `fallback`, optional) string; `empty` allows ''. */
  string(o: Record<string, unknown>, path: string, key: string, opts: { fallback?: string; empty?: boolean } = {}): string {
    const v = o[key];
    if (v === undefined && opts.fallback !== undefined) return opts.fallback;
    if (typeof v === 'string' && (opts.empty || v.trim() !== '')) return v;
    this.add(`${join(path, key)} must be a${opts.empty ? '' : ' non-empty'} string`);
    return opts.fallback ?? '';
  }

  /** An optional boolean. */
  boolean(o: Record<string, unknown>, path: string, key: string, fallback: boolean): boolean {
    const v = o[key];
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    this.add(`${join(path, key)} must be true or false`);
    return fallback;
  }

  /** A required (or, with `fallback`, optional) value from `allowed`. */
  oneOf<T extends string>(o: Record<string, unknown>, path: string, key: string, allowed: readonly T[], fallback?: T): T {
    const v = o[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (allowed.includes(v as T)) return v as T;
    this.add(`${join(path, key)} must be one of ${allowed.join(', ')}${v === undefined ? '' : ` (got ${JSON.stringify(v)})`}`);
    return fallback ?? allowed[0]!;
  }

  /** A library name (template or grid). */
  libraryName(o: Record<string, unknown>, path: string): string {
    const v = o.name;
    if (typeof v === 'string' && LIBRARY_NAME_PATTERN.test(v) && !/\.pagx$/i.test(v)) return v;
    this.add(`${join(path, 'name')} must be 1–128 letters, digits, spaces, '_', '-' or '.', not ending in .pagx`);
    return typeof v === 'string' ? v : '';
  }
}

type NumberRule = 'positive' | 'nonNegative' | 'finite' | 'positiveInteger';
const NUMBER_RULES: Record<NumberRule, { test: (v: number) => boolean; says: string }> = {
  positive: { test: (v) => v > 0, says: 'a positive number' },
  nonNegative: { test: (v) => v >= 0, says: 'a number ≥ 0' },
  finite: { test: () => true, says: 'a number' },
  positiveInteger: { test: (v) => Number.isInteger(v) && v > 0, says: 'a positive integer' },
};

/** `a.b`, `a[1]` or just `b` at the top level. */
function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Numbers in messages, without floating-point noise. */
function fmt(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

/** Rounding slack when comparing box edges with the page and margins. */
const EPS = 1e-9;

/**
 * Checks a parsed JSON document and returns it as a LayoutTemplate with defaults applied:
 * `margins` 0, `elements` [], frame `crs` (`utm` for sheet frames, `map` for fit frames),
 * `grid` false, `border` true; element `map` (`BaseMap`, else the first frame) except on rules
 * and images, `optional` false; text `font` (8 pt DejaVu Sans black, missing font properties
 * likewise), `align` left and `verticalAlign` top; scale bar `units`; rule `lineWidth` 0.2 mm.
 * Throws LayoutTemplateError listing every problem.
 */
export function validateLayoutTemplate(doc: unknown): LayoutTemplate {
  const c = new DocumentChecker();
  const d = c.object(doc, '');
  if (!d) throw new LayoutTemplateError(c.problems);
  c.knownKeys(d, '', TOP_KEYS);
  const name = c.libraryName(d, '');
  const description = d.description === undefined ? undefined : c.string(d, '', 'description', { empty: true });

  const pageDoc = c.object(d.page, 'page');
  let page: LayoutTemplate['page'] = { width: 0, height: 0, units: 'mm' };
  if (pageDoc) {
    c.knownKeys(pageDoc, 'page', ['width', 'height', 'units']);
    page = {
      width: c.number(pageDoc, 'page', 'width', 'positive'),
      height: c.number(pageDoc, 'page', 'height', 'positive'),
      units: c.oneOf(pageDoc, 'page', 'units', LAYOUT_UNITS),
    };
  }

  let margins = { top: 0, right: 0, bottom: 0, left: 0 };
  if (d.margins !== undefined) {
    const m = c.object(d.margins, 'margins') ?? {};
    c.knownKeys(m, 'margins', ['top', 'right', 'bottom', 'left']);
    margins = {
      top: c.number(m, 'margins', 'top', 'nonNegative', 0), right: c.number(m, 'margins', 'right', 'nonNegative', 0),
      bottom: c.number(m, 'margins', 'bottom', 'nonNegative', 0), left: c.number(m, 'margins', 'left', 'nonNegative', 0),
    };
    if (page.width > 0 && page.height > 0 && (margins.left + margins.right >= page.width || margins.top + margins.bottom >= page.height)) {
      c.add(`margins leave no room on the ${fmt(page.width)} × ${fmt(page.height)} ${page.units} page`);
    }
  }
  const pageArea = { x0: 0, y0: 0, x1: page.width, y1: page.height };
  const marginArea = { x0: margins.left, y0: margins.top, x1: page.width - margins.right, y1: page.height - margins.bottom };
  const pageChecked = page.width > 0 && page.height > 0;

  // Names share one namespace: frames and elements are both addressed by name.
  const names = new Map<string, string>();
  const uniqueName = (o: Record<string, unknown>, path: string): string => {
    const n = c.string(o, path, 'name');
    if (!n) return n;
    const first = names.get(n);
    if (first) c.add(`duplicate name '${n}' at ${path}.name (first used at ${first})`);
    else names.set(n, `${path}.name`);
    return n;
  };

  const mapFrames: MapFrameTemplate[] = [];
  if (!Array.isArray(d.mapFrames) || d.mapFrames.length === 0) c.add('mapFrames must be a list of at least one map frame');
  else {
    d.mapFrames.forEach((f: unknown, i: number) => {
      const p = `mapFrames[${i}]`;
      const o = c.object(f, p);
      if (!o) return;
      c.knownKeys(o, p, FRAME_KEYS);
      const frameName = uniqueName(o, p);
      const box = checkBox(c, o, p, false);
      if (box && pageChecked) inside(c, box, `${p}.box`, pageArea, 'the page', page.units);
      const extent = c.oneOf(o, p, 'extent', FRAME_EXTENT_RULES);
      const frame: MapFrameTemplate = { name: frameName, box: box ?? { x: 0, y: 0, width: 0, height: 0 }, extent };
      if (o.scale !== undefined) frame.scale = c.number(o, p, 'scale', 'positive');
      frame.crs = checkCrs(c, o.crs, `${p}.crs`) ?? (extent === 'sheet' ? 'utm' : 'map');
      frame.grid = c.boolean(o, p, 'grid', false);
      frame.border = c.boolean(o, p, 'border', true);
      mapFrames.push(frame);
    });
  }
  const frameNames = mapFrames.map((f) => f.name).filter((n) => n);
  const mainFrame = frameNames.includes('BaseMap') ? 'BaseMap' : frameNames[0];

  const elements: LayoutElement[] = [];
  if (d.elements !== undefined && !Array.isArray(d.elements)) c.add('elements must be a list');
  else {
    ((d.elements ?? []) as unknown[]).forEach((e, i) => {
      const p = `elements[${i}]`;
      const o = c.object(e, p);
      if (!o) return;
      c.knownKeys(o, p, ELEMENT_KEYS);
      const elementName = uniqueName(o, p);
      let type: LayoutElementType | undefined;
      if (ELEMENT_TYPES.includes(o.type as LayoutElementType)) type = o.type as LayoutElementType;
      else if (o.type === undefined) c.add(`${p}.type is required (one of ${ELEMENT_TYPES.join(', ')})`);
      else c.add(`unknown element type ${JSON.stringify(o.type)} at ${p}.type (expected one of ${ELEMENT_TYPES.join(', ')})`);
      for (const [key, only] of Object.entries(TYPE_ONLY)) {
        if (o[key] !== undefined && type && type !== only) c.add(`${p}.${key} applies only to ${only} elements, not ${type}`);
      }
      const box = checkBox(c, o, p, type === 'rule');
      if (box && pageChecked) inside(c, box, `${p}.box`, marginArea, 'the margins', page.units);
      const el: LayoutElement = { name: elementName, type: type ?? 'text', box: box ?? { x: 0, y: 0, width: 0, height: 0 } };

      if (o.map !== undefined) {
        if (typeof o.map === 'string' && frameNames.includes(o.map)) el.map = o.map;
        else c.add(`unknown map frame ${JSON.stringify(o.map)} at ${p}.map (expected one of ${frameNames.join(', ')})`);
      } else if (type && !UNMAPPED.includes(type) && mainFrame) el.map = mainFrame;

      if (o.font !== undefined || type === 'text') el.font = checkFont(c, o.font, `${p}.font`);
      if (o.align !== undefined || type === 'text') el.align = c.oneOf(o, p, 'align', ['left', 'center', 'right'] as const, 'left');
      if (o.verticalAlign !== undefined || type === 'text') el.verticalAlign = c.oneOf(o, p, 'verticalAlign', ['top', 'middle', 'bottom'] as const, 'top');

      if (type === 'text') {
        el.text = c.string(o, p, 'text', { empty: true });
        for (const m of el.text.matchAll(/\{([^{}]*)\}/g)) {
          if (!(TEXT_TOKENS as readonly string[]).includes(m[1]!)) {
            c.add(`unknown placeholder {${m[1]}} in ${p}.text (expected one of ${TEXT_TOKENS.map((t) => `{${t}}`).join(', ')})`);
          }
        }
      } else if (type === 'scaleBars') {
        el.units = checkScaleBarUnits(c, o.units, `${p}.units`);
      } else if (type === 'rule') {
        el.lineWidth = c.number(o, p, 'lineWidth', 'positive', DEFAULT_RULE_WIDTH);
      } else if (type === 'image') {
        const src = c.string(o, p, 'source');
        if (src && !/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=\s]+$/.test(src)) c.add(`${p}.source must be a data:image/png or data:image/jpeg base64 URL`);
        el.source = src;
      }
      el.optional = c.boolean(o, p, 'optional', false);
      elements.push(el);
    });
  }

  if (c.problems.length) throw new LayoutTemplateError(c.problems);
  return { name, ...(description !== undefined ? { description } : {}), page, margins, mapFrames, elements };
}

/** A box; `line` allows width or height 0 (not both), for rules. */
function checkBox(c: DocumentChecker, o: Record<string, unknown>, path: string, line: boolean): LayoutBox | undefined {
  const p = `${path}.box`;
  const b = c.object(o.box, p);
  if (!b) return undefined;
  c.knownKeys(b, p, ['x', 'y', 'width', 'height']);
  const before = c.problems.length;
  const size = line ? 'nonNegative' : 'positive';
  const box = { x: c.number(b, p, 'x', 'finite'), y: c.number(b, p, 'y', 'finite'), width: c.number(b, p, 'width', size), height: c.number(b, p, 'height', size) };
  if (c.problems.length === before && line && box.width === 0 && box.height === 0) c.add(`${p} of a rule needs a width or a height`);
  return c.problems.length === before ? box : undefined;
}

/** Reports a box that reaches outside `area`. */
function inside(c: DocumentChecker, b: LayoutBox, path: string, area: { x0: number; y0: number; x1: number; y1: number }, what: string, units: string): void {
  if (b.x < area.x0 - EPS || b.y < area.y0 - EPS || b.x + b.width > area.x1 + EPS || b.y + b.height > area.y1 + EPS) {
    c.add(`${path} (x ${fmt(b.x)}, y ${fmt(b.y)}, width ${fmt(b.width)}, height ${fmt(b.height)}) reaches outside ${what} `
      + `(x ${fmt(area.x0)}–${fmt(area.x1)}, y ${fmt(area.y0)}–${fmt(area.y1)} ${units})`);
  }
}

function checkCrs(c: DocumentChecker, v: unknown, path: string): MapFrameTemplate['crs'] {
  if (v === undefined) return undefined;
  if (v === 'utm' || v === 'map') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) {
    if (lookupEpsg(canonicalWkid(v))) return v;
    c.add(`${path} ${v} is not a known EPSG code`);
    return undefined;
  }
  c.add(`${path} must be 'utm', 'map' or an EPSG code`);
  return undefined;
}

function checkFont(c: DocumentChecker, v: unknown, path: string): LayoutFont {
  if (v === undefined) return { ...DEFAULT_TEXT_FONT };
  const o = c.object(v, path);
  if (!o) return { ...DEFAULT_TEXT_FONT };
  c.knownKeys(o, path, ['size', 'family', 'weight', 'style', 'color']);
  const font: LayoutFont = {
    size: c.number(o, path, 'size', 'positive', DEFAULT_TEXT_FONT.size),
    family: c.oneOf(o, path, 'family', ['DejaVu Sans', 'DejaVu Serif'] as const, DEFAULT_TEXT_FONT.family),
    weight: c.oneOf(o, path, 'weight', ['normal', 'bold'] as const, DEFAULT_TEXT_FONT.weight),
    style: c.oneOf(o, path, 'style', ['normal', 'italic'] as const, DEFAULT_TEXT_FONT.style),
    color: c.string(o, path, 'color', { fallback: DEFAULT_TEXT_FONT.color }),
  };
  if (!/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(font.color!)) c.add(`${path}.color must be a hex colour such as #000000`);
  return font;
}

function checkScaleBarUnits(c: DocumentChecker, v: unknown, path: string): NonNullable<LayoutElement['units']> {
  if (v === undefined) return [...DEFAULT_SCALE_BAR_UNITS];
  const units = SCALE_BAR_UNITS as readonly string[];
  if (!Array.isArray(v) || v.length === 0) {
    c.add(`${path} must be a non-empty list of ${units.join(', ')}`);
    return [...DEFAULT_SCALE_BAR_UNITS];
  }
  v.forEach((u, i) => {
    if (!units.includes(u as string)) c.add(`unknown scale bar unit ${JSON.stringify(u)} at ${path}[${i}] (expected one of ${units.join(', ')})`);
    else if (v.indexOf(u) !== i) c.add(`${path}[${i}] repeats '${u as string}'`);
  });
  return v as NonNullable<LayoutElement['units']>;
}
