// Progress of long work (an epoch, an evaluation): a redrawn bar with throughput, metrics and ETA
// on a terminal; plain periodic lines when the output is a file or a CI log; nothing when quiet.

/** Where progress goes: a stream, and whether it is a terminal that understands '\r'. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of a Progress display. */
export interface ProgressOptions {
  /** Items (images) expected in total. */
  total: number;
  /** Shown first on each line, e.g. 'epoch 3/25'. */
  label?: string;
  /** Name of the items, e.g. 'img'. */
  unit?: string;
  quiet?: boolean;
  stream?: ProgressStream;
  /** Milliseconds between plain lines when the stream is not a terminal. */
  lineInterval?: number;
  /** A clock in milliseconds (tests pass a fake one). */
  now?: () => number;
}

/** Formats seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

function formatStats(stats: Record<string, number>): string {
  return Object.entries(stats).map(([k, v]) => `${k} ${Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4)}`).join('  ');
}

/** A progress display: call tick() as items complete and done() at the end. */
export class Progress {
  readonly #options: Required<Omit<ProgressOptions, 'stream'>> & { stream: ProgressStream };
  readonly #start: number;
  #done = 0;
  #lastDraw = -Infinity;
  #finished = false;

  constructor(options: ProgressOptions) {
    if (!(options.total >= 0)) throw new RangeError(`Progress: total must be >= 0, got ${options.total}`);
    this.#options = {
      label: '', unit: 'img', quiet: false, lineInterval: 10_000, now: () => performance.now(),
      ...options, stream: options.stream ?? process.stderr,
    };
    this.#start = this.#options.now();
  }

  /** Items per second so far. */
  get rate(): number {
    const seconds = (this.#options.now() - this.#start) / 1000;
    return seconds > 0 ? this.#done / seconds : 0;
  }

  /** Records `count` more completed items and the latest metrics (loss, score, ...). */
  tick(count: number, stats: Record<string, number> = {}): void {
    this.#done += count;
    if (this.#options.quiet || this.#finished) return;
    const now = this.#options.now();
    const tty = this.#options.stream.isTTY === true;
    if (now - this.#lastDraw < (tty ? 100 : this.#options.lineInterval)) return;
    this.#lastDraw = now;
    this.#options.stream.write(tty ? `\r${this.#line(stats, true)}\x1b[K` : `${this.#line(stats, false)}\n`);
  }

  /** Prints the final line (with the elapsed time instead of the ETA). */
  done(stats: Record<string, number> = {}): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#options.quiet) return;
    const tty = this.#options.stream.isTTY === true;
    this.#options.stream.write(`${tty ? '\r' : ''}${this.#line(stats, tty, true)}${tty ? '\x1b[K' : ''}\n`);
  }

  #line(stats: Record<string, number>, bar: boolean, final = false): string {
    const { total, label, unit } = this.#options;
    const fraction = total > 0 ? Math.min(1, this.#done / total) : 1;
    const rate = this.rate;
    const elapsed = (this.#options.now() - this.#start) / 1000;
    const time = final ? `in ${formatDuration(elapsed)}` : `ETA ${formatDuration(rate > 0 ? (total - this.#done) / rate : NaN)}`;
    const width = 24;
    const filled = Math.round(fraction * width);
    const barText = bar ? `[${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}] ` : '';
    const parts = [
      `${label ? `${label} ` : ''}${barText}${(fraction * 100).toFixed(0).padStart(3)}%`,
      `${this.#done}/${total} ${unit}`,
      `${rate.toFixed(0)} ${unit}/s`,
      formatStats(stats),
      time,
    ];
    return parts.filter(Boolean).join('  ');
  }
}
