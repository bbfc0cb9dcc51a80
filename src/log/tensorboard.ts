// A pure TypeScript writer of TensorBoard event files, readable by TensorBoard exactly as PyTorch's
// SummaryWriter files are: TFRecord framing (u64 length, masked CRC-32C of the length, data, masked
// CRC-32C of the data) around Event protobuf messages, the first carrying file_version.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { maskedCrc32c } from './crc32c.js';
import { encodePng } from './png.js';
import { bytesField, doubleField, floatField, message, packedDoubles, varintField } from './protobuf.js';

// Field numbers of tensorflow/core/util/event.proto and framework/summary.proto.
const EVENT = { wallTime: 1, step: 2, fileVersion: 3, summary: 5 };
const SUMMARY = { value: 1 };
const VALUE = { tag: 1, simpleValue: 2, image: 4, histo: 5, tensor: 8, metadata: 9 };
const IMAGE = { height: 1, width: 2, colorspace: 3, encoded: 4 };
const HISTO = { min: 1, max: 2, num: 3, sum: 4, sumSquares: 5, bucketLimit: 6, bucket: 7 };

/** HWC uint8 pixels with 1 (gray), 3 (RGB) or 4 (RGBA) channels. */
export interface ImageData {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

// TensorBoard's default histogram edges, as SummaryWriter builds them: +-1e-12 * 1.1^k up to 1e20.
const DEFAULT_BINS: number[] = (() => {
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  return [...positive.map((v) => -v).reverse(), 0, ...positive];
})();

/** Counts `values` in DEFAULT_BINS and trims empty bins as torch.utils.tensorboard's make_histogram. */
export function histogram(values: ArrayLike<number>): { min: number; max: number; num: number; sum: number; sumSquares: number; limits: number[]; counts: number[] } {
  if (values.length === 0) throw new RangeError('histogram: no values');
  const edges = DEFAULT_BINS;
  const counts = new Array<number>(edges.length - 1).fill(0);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
    if (!(v >= edges[0] && v <= edges[edges.length - 1])) continue; // np.histogram drops outliers
    let lo = 0;
    let hi = edges.length - 1; // the last bin also holds its right edge
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= v) lo = mid;
      else hi = mid;
    }
    counts[lo] += 1;
  }
  const nonZero = counts.map((c, i) => (c > 0 ? i : -1)).filter((i) => i >= 0);
  const start = nonZero[0] ?? 0;
  const end = (nonZero[nonZero.length - 1] ?? 0) + 1;
  // TensorBoard keeps right edges only, so an empty bin on the left carries the leftmost edge.
  const keptCounts = start > 0 ? counts.slice(start - 1, end) : [0, ...counts.slice(0, end)];
  return { min, max, num: values.length, sum, sumSquares, limits: edges.slice(start, end + 1), counts: keptCounts };
}

/** Writes scalars, histograms, images and text for TensorBoard into `logdir`, like PyTorch's SummaryWriter. */
export class TensorBoardWriter {
  /** The event file being written. */
  readonly path: string;
  #fd: number | null;
  readonly #children = new Map<string, TensorBoardWriter>();

  constructor(readonly logdir: string, { filenameSuffix = '' }: { filenameSuffix?: string } = {}) {
    mkdirSync(logdir, { recursive: true });
    const seconds = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    this.path = join(logdir, `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${writerCount++}${filenameSuffix}`);
    this.#fd = openSync(this.path, 'a');
    this.#write(message(doubleField(EVENT.wallTime, Date.now() / 1000), bytesField(EVENT.fileVersion, 'brain.Event:2')));
  }

  /** Logs one number under `tag` at `step`. */
  addScalar(tag: string, value: number, step: number, wallTime?: number): void {
    this.#summary(step, wallTime, message(bytesField(VALUE.tag, tag), floatField(VALUE.simpleValue, value)));
  }

  /**
   * Logs several numbers under one chart, as PyTorch's add_scalars: each key gets its own writer in
   * `logdir/MAINTAG_KEY` (slashes in the main tag become underscores) logging under `mainTag`, so
   * TensorBoard draws them as runs on one chart.
   */
  addScalars(mainTag: string, values: Record<string, number>, step: number, wallTime?: number): void {
    for (const [key, value] of Object.entries(values)) {
      const folder = join(this.logdir, `${mainTag.replace(/\//g, '_')}_${key}`);
      let child = this.#children.get(folder);
      if (!child) {
        child = new TensorBoardWriter(folder);
        this.#children.set(folder, child);
      }
      child.addScalar(mainTag, value, step, wallTime);
    }
  }

  /** Logs the distribution of `values` (TensorBoard's default exponential bins). */
  addHistogram(tag: string, values: ArrayLike<number>, step: number, wallTime?: number): void {
    const h = histogram(values);
    const proto = message(
      doubleField(HISTO.min, h.min), doubleField(HISTO.max, h.max), doubleField(HISTO.num, h.num),
      doubleField(HISTO.sum, h.sum), doubleField(HISTO.sumSquares, h.sumSquares),
      packedDoubles(HISTO.bucketLimit, h.limits), packedDoubles(HISTO.bucket, h.counts),
    );
    this.#summary(step, wallTime, message(bytesField(VALUE.tag, tag), bytesField(VALUE.histo, proto)));
  }

  /** Logs an image (HWC uint8 pixels, stored as PNG). */
  addImage(tag: string, image: ImageData, step: number, wallTime?: number): void {
    const png = encodePng(image.pixels, image.width, image.height, image.channels);
    const proto = message(
      varintField(IMAGE.height, image.height), varintField(IMAGE.width, image.width),
      varintField(IMAGE.colorspace, image.channels), bytesField(IMAGE.encoded, png),
    );
    this.#summary(step, wallTime, message(bytesField(VALUE.tag, tag), bytesField(VALUE.image, proto)));
  }

  /** Logs text (markdown) for TensorBoard's text plugin, under `${tag}/text_summary` as PyTorch does. */
  addText(tag: string, text: string, step: number, wallTime?: number): void {
    const metadata = bytesField(VALUE.metadata, bytesField(1, bytesField(1, 'text'))); // plugin_data.plugin_name
    const shape = bytesField(2, bytesField(2, varintField(1, 1))); // tensor_shape { dim { size: 1 } }
    const tensor = message(varintField(1, 7), shape, bytesField(8, text)); // dtype DT_STRING, string_val
    this.#summary(step, wallTime, message(bytesField(VALUE.tag, `${tag}/text_summary`), metadata, bytesField(VALUE.tensor, tensor)));
  }

  /** Forces written events to disk. */
  flush(): void {
    if (this.#fd !== null) fsyncSync(this.#fd);
    for (const child of this.#children.values()) child.flush();
  }

  /** Flushes and closes the file; later writes throw. */
  close(): void {
    for (const child of this.#children.values()) child.close();
    if (this.#fd === null) return;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = null;
  }

  #summary(step: number, wallTime: number | undefined, value: Uint8Array): void {
    if (!Number.isInteger(step)) throw new TypeError(`TensorBoardWriter: step must be an integer, got ${step}`);
    this.#write(message(
      doubleField(EVENT.wallTime, wallTime ?? Date.now() / 1000),
      varintField(EVENT.step, step),
      bytesField(EVENT.summary, bytesField(SUMMARY.value, value)),
    ));
  }

  #write(data: Uint8Array): void {
    if (this.#fd === null) throw new Error(`TensorBoardWriter: ${this.path} is closed`);
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(data.length));
    const lengthCrc = Buffer.alloc(4);
    lengthCrc.writeUInt32LE(maskedCrc32c(length));
    const dataCrc = Buffer.alloc(4);
    dataCrc.writeUInt32LE(maskedCrc32c(data));
    // One write per record, so a crash leaves at most one torn record at the end (readers skip it).
    writeSync(this.#fd, Buffer.concat([length, lengthCrc, data, dataCrc]));
  }
}

let writerCount = 0;
