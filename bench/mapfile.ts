/**
 * A MapServer mapfile generated from a Quadrangle service definition, so `map2img` draws the
 * same default-visible vector layers with the same symbology (as far as MapServer can say it):
 * renderers become CLASSes, Esri symbols STYLEs, labelingInfo LABELs. Raster layers and layers
 * hidden by default (the sheet indexes) are left out; `vectorLayerIds` lists the layers kept,
 * for the matching `layers=show:` of a Quadrangle export. Used by bench/run.ts.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LayerDefinition, ServiceDefinition } from '../src/catalog/service-definition.js';

/** px per pt at 96 dpi: Esri sizes are points. */
const PX = 96 / 72;
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
/** FONTSET aliases for the DejaVu Sans faces an esriTS font asks for. */
const FONTS: Record<string, string> = {
  sans: 'DejaVuSans.ttf', 'sans-bold': 'DejaVuSans-Bold.ttf', 'sans-italic': 'DejaVuSans-Oblique.ttf', 'sans-bold-italic': 'DejaVuSans-BoldOblique.ttf',
};
/** Dash patterns in multiples of the line width (as src/carto/line-symbol.ts draws them). */
const DASHES: Record<string, number[]> = {
  esriSLSDash: [4, 3], esriSLSDashDot: [4, 3, 1, 3], esriSLSDashDotDot: [4, 3, 1, 3, 1, 3], esriSLSDot: [1, 3], esriSLSLongDash: [8, 3], esriSLSShortDash: [2, 2],
};
const MARKERS: Record<string, string> = {
  esriSMSCircle: 'circle', esriSMSSquare: 'square', esriSMSTriangle: 'triangle', esriSMSDiamond: 'diamond', esriSMSCross: 'cross', esriSMSX: 'x',
};
/** esriSFS hatches: MapServer HATCH angle (degrees counter-clockwise from east). */
const HATCHES: Record<string, number[]> = {
  esriSFSHorizontal: [0], esriSFSVertical: [90], esriSFSForwardDiagonal: [45], esriSFSBackwardDiagonal: [-45], esriSFSCross: [0, 90], esriSFSDiagonalCross: [45, -45],
};
/** Esri label placements → MapServer POSITION (points, polygons) or ANGLE FOLLOW (lines). */
const POSITIONS: Record<string, string> = {
  esriServerPointLabelPlacementAboveCenter: 'uc', esriServerPointLabelPlacementAboveLeft: 'ul', esriServerPointLabelPlacementAboveRight: 'ur',
  esriServerPointLabelPlacementBelowCenter: 'lc', esriServerPointLabelPlacementBelowLeft: 'll', esriServerPointLabelPlacementBelowRight: 'lr',
  esriServerPointLabelPlacementCenterCenter: 'cc', esriServerPointLabelPlacementCenterLeft: 'cl', esriServerPointLabelPlacementCenterRight: 'cr',
  esriServerPolygonPlacementAlwaysHorizontal: 'cc',
};

type Sym = Record<string, unknown> | null | undefined;
type Rgba = [number, number, number, number];

const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const n = (v: number): string => String(Math.round(v * 100) / 100);
const rgba = (c: unknown): Rgba | null => (Array.isArray(c) && c.length >= 3 ? [Number(c[0]), Number(c[1]), Number(c[2]), Number(c[3] ?? 255)] : null);
const visible = (c: Rgba | null): c is Rgba => c !== null && c[3] > 0;
const rgb = (c: Rgba): string => `${c[0]} ${c[1]} ${c[2]}`;
/** STYLE lines for a colour's alpha, when not opaque. */
const alpha = (c: Rgba): string[] => (c[3] < 255 ? [`OPACITY ${Math.round((c[3] / 255) * 100)}`] : []);

function lineStyle(sym: Sym): string[][] {
  if (!sym || sym.style === 'esriSLSNull') return [];
  const c = rgba(sym.color);
  if (!visible(c)) return [];
  const width = Number(sym.width ?? 1) > 0 ? Number(sym.width ?? 1) * PX : 1;
  const dash = DASHES[String(sym.style ?? 'esriSLSSolid')];
  // Dashes with butt caps, so a pattern of widths reads as it does in Quadrangle's round-capped marks.
  return [[`COLOR ${rgb(c)}`, ...alpha(c), `WIDTH ${n(width)}`, `LINECAP ${dash ? 'BUTT' : 'ROUND'}`, 'LINEJOIN ROUND',
    ...(dash ? [`PATTERN ${dash.map((d) => n(d * width)).join(' ')} END`] : [])]];
}

/** The outline of a marker or fill as its own STYLE (OUTLINECOLOR + WIDTH). */
function outlineStyle(sym: Sym): string[][] {
  if (!sym || sym.style === 'esriSLSNull') return [];
  const c = rgba(sym.color);
  if (!visible(c)) return [];
  const width = Number(sym.width ?? 1) > 0 ? Number(sym.width ?? 1) * PX : 1;
  return [[`OUTLINECOLOR ${rgb(c)}`, ...alpha(c), `WIDTH ${n(width)}`]];
}

function fillStyle(sym: Sym): string[][] {
  if (!sym) return [];
  const c = rgba(sym.color);
  const style = String(sym.style ?? 'esriSFSSolid');
  const out: string[][] = [];
  if (visible(c) && style !== 'esriSFSNull') {
    const hatch = HATCHES[style];
    if (hatch) for (const angle of hatch) out.push([`SYMBOL "hatch"`, `COLOR ${rgb(c)}`, ...alpha(c), `SIZE ${n(6 * PX)}`, `WIDTH ${n(PX)}`, `ANGLE ${angle}`]);
    else out.push([`COLOR ${rgb(c)}`, ...alpha(c)]);
  }
  return [...out, ...outlineStyle(sym.outline as Sym)];
}

function markerStyle(sym: Sym): string[][] {
  if (!sym) return [];
  const c = rgba(sym.color);
  const name = MARKERS[String(sym.style ?? 'esriSMSCircle')] ?? 'circle';
  const size = Number(sym.size ?? 8) * PX;
  const outline = sym.outline as Sym;
  const oc = outline ? rgba(outline.color) : null;
  if (!visible(c) && !visible(oc)) return [];
  const lines = [`SYMBOL ${q(name)}`, `SIZE ${n(size)}`];
  if (visible(c)) lines.push(`COLOR ${rgb(c)}`, ...alpha(c));
  if (visible(oc)) lines.push(`OUTLINECOLOR ${rgb(oc)}`, `WIDTH ${n(Math.max(0, Number(outline!.width ?? 1)) * PX)}`);
  if (sym.angle) lines.push(`ANGLE ${n(Number(sym.angle))}`);
  return [lines];
}

type Geometry = 'POINT' | 'LINE' | 'POLYGON';

function symbolStyles(sym: Sym, geometry: Geometry): string[][] {
  return geometry === 'POINT' ? markerStyle(sym) : geometry === 'LINE' ? lineStyle(sym) : fillStyle(sym);
}

/** The geometry a renderer's symbols draw (the definition names no geometry type). */
function geometryOf(renderer: Record<string, unknown>): Geometry | null {
  const syms = [renderer.symbol, renderer.defaultSymbol,
    ...((renderer.uniqueValueInfos ?? renderer.classBreakInfos ?? []) as { symbol?: Sym }[]).map((i) => i.symbol)] as Sym[];
  const type = syms.find((s) => s && typeof s.type === 'string')?.type;
  return type === 'esriSMS' || type === 'esriPMS' ? 'POINT' : type === 'esriSLS' ? 'LINE' : type === 'esriSFS' || type === 'esriPFS' ? 'POLYGON' : null;
}

/** A label class's `where` as a MapServer LABEL EXPRESSION, when simple enough; else undefined. */
export function labelExpression(where: string): string | undefined {
  const list = /^\s*(\w+)\s+IN\s*\(\s*((?:'[^']*'\s*,\s*)*'[^']*')\s*\)\s*$/i.exec(where);
  if (list) return `("[${list[1]}]" IN ${q([...list[2]!.matchAll(/'([^']*)'/g)].map((m) => m[1]).join(','))})`;
  const eq = /^\s*(\w+)\s*=\s*'([^']*)'\s*$/.exec(where);
  if (eq) return `("[${eq[1]}]" = ${q(eq[2]!)})`;
  const num = /^\s*(\w+)\s*(=|<>|<|<=|>|>=)\s*(-?[\d.]+)\s*$/.exec(where);
  if (num) return `([${num[1]}] ${num[2] === '<>' ? '!=' : num[2]} ${num[3]})`;
  // OGR reads NULL text as an empty string.
  const notNull = /^\s*(\w+)\s+IS\s+NOT\s+NULL\s*$/i.exec(where);
  if (notNull) return `("[${notNull[1]}]" != "")`;
  return undefined;
}

function labelBlocks(labeling: Record<string, unknown>[] | null | undefined, geometry: Geometry, notes: string[]): string[][] {
  const out: string[][] = [];
  for (const lc of labeling ?? []) {
    const ts = (lc.symbol ?? {}) as Record<string, unknown>;
    const font = (ts.font ?? {}) as Record<string, unknown>;
    const bold = font.weight === 'bold' || font.weight === 'bolder';
    const italic = font.style === 'italic' || font.style === 'oblique';
    const face = `sans${bold ? '-bold' : ''}${italic ? '-italic' : ''}`;
    const c = rgba(ts.color) ?? [0, 0, 0, 255];
    const lines = ['TYPE TRUETYPE', `FONT ${q(face)}`, `SIZE ${n(Number(font.size ?? 8))}`, `COLOR ${rgb(c)}`,
      `TEXT ${q(String(lc.labelExpression ?? ''))}`];
    const halo = rgba(ts.haloColor);
    if (Number(ts.haloSize ?? 0) > 0 && visible(halo)) lines.push(`OUTLINECOLOR ${rgb(halo)}`, `OUTLINEWIDTH ${Math.max(1, Math.round(Number(ts.haloSize) * PX))}`);
    const placement = String(lc.labelPlacement ?? '');
    if (geometry === 'LINE') {
      lines.push('ANGLE FOLLOW');
      // Above the line: MapServer offsets a following label perpendicular to the line with OFFSET 0 -y.
      if (/Above/.test(placement)) lines.push(`OFFSET 0 ${-Math.round(Number(font.size ?? 8) * PX * 0.7)}`);
    } else lines.push(`POSITION ${POSITIONS[placement] ?? (geometry === 'POINT' ? 'ur' : 'cc')}`);
    if (lc.where) {
      const expr = labelExpression(String(lc.where));
      if (expr) lines.push(`EXPRESSION ${expr}`);
      else notes.push(`label where ${JSON.stringify(lc.where)} not translated: drawn for every feature`);
    }
    // Esri minScale (zoomed-out limit) is MapServer's MAXSCALEDENOM, and maxScale its MINSCALEDENOM.
    if (Number(lc.minScale) > 0) lines.push(`MAXSCALEDENOM ${lc.minScale}`);
    if (Number(lc.maxScale) > 0) lines.push(`MINSCALEDENOM ${lc.maxScale}`);
    out.push(lines);
  }
  return out;
}

interface MapClass { name: string; expression?: string; styles: string[][] }

/** The CLASSes of an Esri renderer, the default (no EXPRESSION) last. */
function rendererClasses(renderer: Record<string, unknown>, geometry: Geometry, notes: string[]): MapClass[] {
  switch (renderer.type) {
    case 'simple':
      return [{ name: String(renderer.label || 'all'), styles: symbolStyles(renderer.symbol as Sym, geometry) }];
    case 'uniqueValue': {
      if (renderer.field2) notes.push('uniqueValue on several fields: only field1 used');
      const field = String(renderer.field1);
      const infos = (renderer.uniqueValueInfos ?? []) as { value: unknown; label?: string; symbol: Sym }[];
      const classes: MapClass[] = infos.map((i) => ({ name: String(i.label ?? i.value), expression: `("[${field}]" = ${q(String(i.value))})`, styles: symbolStyles(i.symbol, geometry) }));
      if (renderer.defaultSymbol) classes.push({ name: String(renderer.defaultLabel ?? 'Other'), styles: symbolStyles(renderer.defaultSymbol as Sym, geometry) });
      return classes;
    }
    case 'classBreaks': {
      const field = String(renderer.field);
      const infos = (renderer.classBreakInfos ?? []) as { classMaxValue: number; label?: string; symbol: Sym }[];
      let min = Number(renderer.minValue ?? -Infinity);
      return infos.map((info, i) => {
        const lower = i === 0 ? (Number.isFinite(min) ? `[${field}] >= ${min}` : '') : `[${field}] > ${min}`;
        const expression = `(${lower ? `${lower} AND ` : ''}[${field}] <= ${info.classMaxValue})`;
        min = info.classMaxValue;
        return { name: String(info.label ?? info.classMaxValue), expression, styles: symbolStyles(info.symbol, geometry) };
      });
    }
    default:
      notes.push(`renderer ${String(renderer.type)} not translated`);
      return [];
  }
}

/** A mapfile block: `head`, the body lines indented, END. */
const block = (head: string, body: string[]): string[] => [head, ...body.map((l) => `  ${l}`), 'END'];

/** Whether a layer draws by default: visible itself and in every parent group. */
function defaultVisible(def: ServiceDefinition, layer: LayerDefinition): boolean {
  for (let cur: LayerDefinition | undefined = layer; cur; cur = cur.parentLayerId !== undefined && cur.parentLayerId >= 0 ? def.layers.find((l) => l.id === cur!.parentLayerId) : undefined) {
    if (cur.defaultVisibility === false) return false;
  }
  return true;
}

export interface GeneratedMapfile {
  text: string;
  /** IDs of the layers in the mapfile, top first (for `layers=show:`). */
  vectorLayerIds: number[];
  /** What could not be said in a mapfile. */
  notes: string[];
}

/**
 * The mapfile of the default-visible GeoPackage feature layers of `def`, whose source paths are
 * relative to `dataDir`; `fontsetPath` is the FONTSET file (see `fontset`). MapServer draws layers in file order (first at the bottom), ArcGIS lists
 * the top layer first, so the order is reversed.
 */
export function generateMapfile(def: ServiceDefinition, dataDir: string, fontsetPath: string): GeneratedMapfile {
  const notes: string[] = [];
  const epsg = def.spatialReference.latestWkid ?? def.spatialReference.wkid;
  const layers: string[] = [];
  const ids: number[] = [];
  for (const l of def.layers) {
    if (l.type !== 'Feature Layer' || !defaultVisible(def, l)) continue;
    if (l.source?.type !== 'geopackage' || !l.source.table) { notes.push(`layer ${l.id}: not a GeoPackage table, skipped`); continue; }
    const renderer = l.drawingInfo?.renderer;
    const geometry = renderer && geometryOf(renderer);
    if (!renderer || !geometry) { notes.push(`layer ${l.id}: no renderer, skipped`); continue; }
    const labels = labelBlocks(l.drawingInfo?.labelingInfo, geometry, notes);
    const classes = rendererClasses(renderer, geometry, notes);
    const body = [
      `NAME ${q(`l${l.id}`)}`, `TYPE ${geometry}`, 'STATUS ON', 'CONNECTIONTYPE OGR',
      `CONNECTION ${q(resolve(dataDir, l.source.path))}`, `DATA ${q(l.source.table)}`,
      // Keep the GeoPackage open between draws, as a running server would.
      'PROCESSING "CLOSE_CONNECTION=DEFER"',
      ...block('PROJECTION', [q(`init=epsg:${epsg}`)]),
      ...(Number(l.minScale) > 0 ? [`MAXSCALEDENOM ${l.minScale}`] : []),
      ...(Number(l.maxScale) > 0 ? [`MINSCALEDENOM ${l.maxScale}`] : []),
      ...(l.drawingInfo?.transparency ? block('COMPOSITE', [`OPACITY ${100 - l.drawingInfo.transparency}`]) : []),
      ...classes.flatMap((c) => block('CLASS', [
        `NAME ${q(c.name)}`, ...(c.expression ? [`EXPRESSION ${c.expression}`] : []),
        ...c.styles.flatMap((st) => block('STYLE', st)), ...labels.flatMap((lb) => block('LABEL', lb)),
      ])),
    ];
    layers.unshift(block('LAYER', body).map((line) => `  ${line}`).join('\n'));
    ids.push(l.id);
  }
  const e = def.initialExtent ?? { xmin: 0, ymin: 0, xmax: 1, ymax: 1 };
  const text = `# Generated by bench/mapfile.ts from the service definition ${def.folder ? `${def.folder}/` : ''}${def.serviceName}; do not edit.
MAP
  NAME ${q(def.serviceName)}
  SIZE 1024 768
  EXTENT ${e.xmin} ${e.ymin} ${e.xmax} ${e.ymax}
  UNITS METERS
  IMAGECOLOR 255 255 255
  # Sizes below are px at 96 dpi (Esri points × 96/72); scales are computed at 96 dpi as ArcGIS does.
  RESOLUTION 96
  DEFRESOLUTION 96
  FONTSET ${q(fontsetPath)}
  PROJECTION
    ${q(`init=epsg:${epsg}`)}
  END
  OUTPUTFORMAT
    NAME "png"
    DRIVER AGG/PNG
    MIMETYPE "image/png"
    IMAGEMODE RGB
    EXTENSION "png"
  END
  IMAGETYPE "png"
  SYMBOL NAME "circle" TYPE ELLIPSE FILLED TRUE POINTS 1 1 END END
  SYMBOL NAME "square" TYPE VECTOR FILLED TRUE POINTS 0 0 0 1 1 1 1 0 0 0 END END
  SYMBOL NAME "triangle" TYPE VECTOR FILLED TRUE POINTS 0 1 0.5 0 1 1 0 1 END END
  SYMBOL NAME "diamond" TYPE VECTOR FILLED TRUE POINTS 0.5 0 1 0.5 0.5 1 0 0.5 0.5 0 END END
  SYMBOL NAME "cross" TYPE VECTOR POINTS 0.5 0 0.5 1 -99 -99 0 0.5 1 0.5 END END
  SYMBOL NAME "x" TYPE VECTOR POINTS 0 0 1 1 -99 -99 0 1 1 0 END END
  SYMBOL NAME "hatch" TYPE HATCH END
${layers.join('\n')}
END
`;
  return { text, vectorLayerIds: ids.reverse(), notes };
}

/** The FONTSET file: alias and TrueType file per line. */
export function fontset(): string {
  return Object.entries(FONTS).map(([alias, file]) => `${alias} ${FONT_DIR}/${file}`).join('\n') + '\n';
}

/**
 * Writes `<dir>/quadrangle.map` and its fontset for `def` over `dataDir`.
 * @returns the mapfile path and the layer IDs it draws (top first).
 */
export function writeMapfile(def: ServiceDefinition, dataDir: string, dir: string): GeneratedMapfile & { path: string } {
  const fontsFile = resolve(dir, 'fonts.list');
  writeFileSync(fontsFile, fontset());
  const generated = generateMapfile(def, dataDir, fontsFile);
  const path = resolve(dir, 'quadrangle.map');
  writeFileSync(path, generated.text);
  return { ...generated, path };
}
