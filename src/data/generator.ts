// A seeded random generator that draws exactly like PyTorch's CPU generator (mt19937, seeded from
// the low 32 bits of the seed), so that `new Generator(s).randint(0, 25)` equals
// `torch.randint(25, (1,), generator=torch.Generator().manual_seed(s))`. Pure TypeScript: worker
// threads and transforms need randomness without a round trip through libtorch.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
// 2^-24: torch turns the low 24 bits of one draw into a float32 in [0, 1).
const FLOAT_DIVISOR = 1 / 16777216;
// 2^-53: and the low 53 bits of a 64-bit draw into a float64.
const DOUBLE_DIVISOR = 1 / 9007199254740992;

/** PyTorch's default seed for a new torch.Generator (default_rng_seed_val). */
export const DEFAULT_SEED = 67280421310721;

/** Mersenne Twister 19937 with PyTorch's seeding and its integer, float and permutation draws. */
export class Generator {
  private readonly state = new Uint32Array(N);
  private index = N;
  private seedValue: number | bigint = DEFAULT_SEED;

  /** A generator seeded like `torch.Generator().manual_seed(seed)`. */
  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Reseeds (torch.Generator.manual_seed); only the low 32 bits reach the twister, as in PyTorch. */
  manualSeed(seed: number | bigint): this {
    if (typeof seed === 'number' && (!Number.isSafeInteger(seed) || seed < 0)) {
      throw new TypeError(`Generator.manualSeed: seed must be a non-negative safe integer or a bigint, got ${seed}`);
    }
    if (typeof seed !== 'number' && typeof seed !== 'bigint') throw new TypeError(`Generator.manualSeed: seed must be a number or a bigint, got ${typeof seed}`);
    this.seedValue = seed;
    const s = this.state;
    s[0] = Number(BigInt.asUintN(32, BigInt(seed)));
    for (let j = 1; j < N; j++) {
      const prev = s[j - 1] ^ (s[j - 1] >>> 30);
      // 1812433253 * prev + j modulo 2^32, split so that no product exceeds 2^53.
      s[j] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + j) >>> 0;
    }
    this.index = N;
    return this;
  }

  /** The seed last given (torch.Generator.initial_seed). */
  initialSeed(): number | bigint {
    return this.seedValue;
  }

  /** The whole state, for checkpoints and for handing a stream to another thread. */
  getState(): Uint32Array {
    const out = new Uint32Array(N + 1);
    out.set(this.state);
    out[N] = this.index;
    return out;
  }

  /** Restores a state from getState(). */
  setState(state: Uint32Array): this {
    if (!(state instanceof Uint32Array) || state.length !== N + 1 || state[N] > N) {
      throw new TypeError(`Generator.setState: expected a Uint32Array of ${N + 1} words from getState()`);
    }
    this.state.set(state.subarray(0, N));
    this.index = state[N];
    return this;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & UPPER_MASK) | (s[(i + 1) % N] & LOWER_MASK);
      s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }

  /** One 32-bit draw as an unsigned integer (the generator's random()). */
  random(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** One 64-bit draw (random64(): the first 32-bit draw is the high word). */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** An integer in [low, high) as torch.randint(low, high, (1,)) draws it: one draw modulo the range. */
  randint(low: number, high: number): number {
    const range = high - low;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || range <= 0) {
      throw new RangeError(`Generator.randint: need integers low < high, got [${low}, ${high})`);
    }
    // PyTorch switches to a 64-bit draw for ranges of 2^32 and more.
    if (range >= 4294967296) return low + Number(this.random64() % BigInt(range));
    return low + (this.random() % range);
  }

  /** A float32 in [0, 1) as torch.rand draws it (24 random bits). */
  rand(): number {
    return (this.random() & 0xffffff) * FLOAT_DIVISOR;
  }

  /** A float64 in [0, 1) as torch.rand(dtype=float64) draws it (53 random bits of a 64-bit draw). */
  randDouble(): number {
    const hi = this.random();
    const lo = this.random();
    // The low 53 bits of (hi << 32 | lo): 21 bits of hi, all of lo.
    return ((hi & 0x1fffff) * 4294967296 + lo) * DOUBLE_DIVISOR;
  }

  /** A float32 in [from, to) as `torch.empty(1).uniform_(from, to)` computes it (in float32). */
  uniform(from: number, to: number): number {
    const f = Math.fround(from);
    const span = Math.fround(Math.fround(to) - f);
    // x * span + from with one rounding: GCC fuses libtorch's expression into an FMA (the product
    // of two float32 values is exact in float64, so rounding the float64 sum once is that FMA).
    return Math.fround(this.rand() * span + f);
  }

  /** A standard normal sample (Box-Muller on two float64 draws); the distribution of torch.randn, not its exact numbers. */
  normal(): number {
    const u1 = this.randDouble();
    const u2 = this.randDouble();
    return Math.sqrt(-2 * Math.log1p(-u2)) * Math.cos(2 * Math.PI * u1);
  }

  /** A random permutation of 0..n-1 drawn as torch.randperm(n, generator=...) does on the CPU. */
  randperm(n: number): Int32Array {
    if (!Number.isSafeInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError(`Generator.randperm: n must be an integer in [0, 2^31), got ${n}`);
    const r = new Int32Array(n);
    for (let i = 0; i < n; i++) r[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const z = this.random() % (n - i);
      const t = r[i];
      r[i] = r[z + i];
      r[z + i] = t;
    }
    return r;
  }
}

/**
 * A 32-bit seed derived from a base seed and integer keys (epoch, batch index, ...): nearby keys
 * give unrelated streams, and the result depends on nothing else (not on which thread asks).
 */
export function deriveSeed(seed: number | bigint, ...keys: number[]): number {
  const base = BigInt.asUintN(64, BigInt(seed));
  let h = Number(base & 0xffffffffn) ^ Math.imul(Number(base >> 32n), 0x9e3779b1);
  for (const k of [...keys, keys.length]) {
    // murmur3's 32-bit mix, once per key.
    h = Math.imul(h ^ Math.imul(k | 0, 0xcc9e2d51), 0x1b873593);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}
