/**
 * @file The progress display. On a terminal it redraws one line in place (a bar, a percentage,
 * the elapsed time and the ETA, then free-form status such as the loss); elsewhere (a pipe, a log
 * file, CI, or TERM=dumb) it prints a plain line at most every few seconds, so logs stay readable.
 * The ETA comes from the rate since the first reported unit, so neither set-up time nor the work
 * a resumed run did before skews it.
 */

/** Where progress is written: a stream with optional TTY information (process.stderr fits). */
export interface ProgressStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of a {@link Progress}. */
export interface ProgressOptions {
  /** Minimum milliseconds between two plain (non-TTY) lines; default 5000. */
  readonly plainIntervalMs?: number;
  /** Print nothing at all (e.g. `--quiet`). */
  readonly silent?: boolean;
  /** The clock, injectable for tests; default Date.now. */
  readonly now?: () => number;
  /** The environment's TERM; default process.env.TERM ('dumb' means no cursor movement). */
  readonly term?: string;
}

/** Milliseconds of measured work before the first ETA is shown. */
const ETA_AFTER_MS = 1000;

/**
 * A progress bar for `total` units of work.
 *
 * @example
 * const bar = new Progress(process.stderr, 'train', 1000);
 * for (let i = 1; i <= 1000; i++) bar.update(i, `loss 0.52`);
 * bar.done('finished');
 */
export class Progress {
  private readonly start: number;
  private lastDraw = -Infinity;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly interval: number;
  private readonly silent: boolean;
  private first: { t: number; done: number } | null = null;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private total: number,
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.start = this.now();
    this.tty = stream.isTTY === true && (options.term ?? process.env.TERM) !== 'dumb';
    this.interval = options.plainIntervalMs ?? 5000;
    this.silent = options.silent ?? false;
  }

  /** Reports `done` of `total` units with a status text; redraws at most 10 times a second on a TTY. */
  update(done: number, status = ''): void {
    if (this.silent) return;
    const t = this.now();
    if (this.first === null) this.first = { t, done };
    const minGap = this.tty ? 100 : this.interval;
    if (t - this.lastDraw < minGap && done < this.total) return;
    this.lastDraw = t;
    this.draw(done, status, t);
  }

  /** Changes the amount of work (e.g. a sweep that learns how many cells are already done). */
  setTotal(total: number): void {
    this.total = total;
  }

  /** Ends the bar with a final line. */
  done(message: string): void {
    if (this.silent) return;
    const elapsed = formatDuration(this.now() - this.start);
    this.stream.write(`${this.tty ? '\r\x1b[2K' : ''}${this.label}: ${message} (${elapsed})\n`);
  }

  private draw(done: number, status: string, t: number): void {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const elapsedMs = t - this.start;
    const f = this.first ?? { t, done };
    const measured = t - f.t;
    const eta =
      measured >= ETA_AFTER_MS && done > f.done && done < this.total
        ? ` eta ${formatDuration((measured / (done - f.done)) * (this.total - done))}`
        : '';
    const head = `${this.label} ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${this.total} ${formatDuration(elapsedMs)}${eta}`;
    if (!this.tty) {
      this.stream.write(`${head}${status ? `  ${status}` : ''}\n`);
      return;
    }
    const columns = this.stream.columns ?? 100;
    const barWidth = Math.max(10, Math.min(30, columns - head.length - status.length - 6));
    const filled = Math.round(fraction * barWidth);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
    const line = `${bar} ${head}${status ? `  ${status}` : ''}`;
    this.stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
  }
}

/**
 * Formats milliseconds as `12.3s`, `4m05s` or `2h03m`.
 *
 * @example
 * formatDuration(65_000); // '1m05s'
 */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
