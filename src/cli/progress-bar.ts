/**
 * A one-line progress bar for long CLI runs: redrawn in place on a terminal, printed every few
 * seconds otherwise (so logs stay readable).
 * @module cli/progress-bar
 */

const WIDTH = 24;

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** The bar's text: `[####----] done/total unit  rate  ETA`. */
export function progressLine(done: number, total: number, unit: string, rate: string, etaSeconds: number): string {
  const fraction = total ? done / total : 1;
  const filled = Math.round(fraction * WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} ${unit}  ${rate}  ETA ${formatDuration(etaSeconds)}`;
}

/** Draws progress lines on `stream`; the `final` one always prints and ends the line. */
export class ProgressBar {
  private lastPrint = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly intervalMs = 2000) {}

  update(line: string, final = false): void {
    if (this.stream.isTTY) { this.stream.write(`\r${line}\x1b[K${final ? '\n' : ''}`); return; }
    const now = Date.now();
    if (final || now - this.lastPrint >= this.intervalMs) { this.lastPrint = now; this.stream.write(`${line}\n`); }
  }
}
