// A bounds-checked cursor over the bytes of a pickle: every read past the end is an error that
// says where, never an out-of-range read.
import { PickleError } from './pickle_error.js';
import { latin1String } from './pickle_text.js';

/** Reads the little-endian integers, lengths and text lines of pickle opcodes' arguments. */
export class PickleInput {
  /** Offset of the next byte to read. */
  pos = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;

  constructor(bytes: Uint8Array) {
    // A plain Uint8Array view, even of a Node Buffer: Buffer#slice returns a view, not a copy, so
    // the copies made with slice() below would otherwise share (and expose) the whole pool.
    this.#bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** True once every byte has been read. */
  get atEnd(): boolean {
    return this.pos >= this.#bytes.byteLength;
  }

  /** Throws a PickleError with the current position. */
  fail(message: string): never {
    throw new PickleError(`${message} (at byte ${this.pos})`);
  }

  /** The next n bytes (a view). */
  take(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.#bytes.byteLength) this.fail(`truncated data: ${n} bytes wanted`);
    const out = this.#bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** An unsigned byte. */
  u8(): number {
    return this.take(1)[0];
  }

  /** An unsigned 16-bit little-endian integer. */
  u16(): number {
    return this.#view.getUint16(this.#skip(2), true);
  }

  /** A signed 32-bit little-endian integer. */
  i32(): number {
    return this.#view.getInt32(this.#skip(4), true);
  }

  /** An unsigned 32-bit little-endian integer. */
  u32(): number {
    return this.#view.getUint32(this.#skip(4), true);
  }

  /** An unsigned 64-bit little-endian length (refused beyond 2^53). */
  u64(): number {
    const v = this.#view.getBigUint64(this.#skip(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('a 64-bit length beyond 2^53');
    return Number(v);
  }

  /** A big-endian float64 (BINFLOAT's argument). */
  f64be(): number {
    return this.#view.getFloat64(this.#skip(8), false);
  }

  /** A text line without its '\n' (protocol 0 arguments), as latin-1. */
  line(): string {
    const end = this.#bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('truncated data: missing end of line');
    const raw = this.#bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return latin1String(raw);
  }

  #skip(n: number): number {
    const at = this.pos;
    this.take(n);
    return at;
  }
}
