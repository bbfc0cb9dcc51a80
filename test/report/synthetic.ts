// A small synthetic study (plain arrays, seeded) for the report tests: two epsilons, two seeds,
// every optional part filled, and optionally hostile names that must come out escaped.
import type { ReportData, RunCalibration, SampleImage } from '../../src/report/index.js';
import { smoothingLossFloor } from '../../src/report/index.js';

/** mulberry32: a tiny seeded PRNG, so the synthetic data is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text that breaks markup unless escaped. */
export const HOSTILE = `<script>alert("x")</script> & 'q' <b>`;

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function image(random: () => number, size: number, channels: 1 | 3, label: number): SampleImage {
  const pixels = new Uint8Array(size * size * channels);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < channels; c++) {
    // A class-dependent stripe pattern plus noise: distinct enough to see in the PNG.
    const v = ((x + y * (label + 1)) % 8 < 4 ? 200 : 40) + random() * 40;
    pixels[(y * size + x) * channels + c] = Math.min(255, v * (c === label % 3 ? 1 : 0.6));
  }
  return { pixels, width: size, height: size, channels, label };
}

/** Options of `syntheticReport`. */
export interface SyntheticOptions {
  hostile?: boolean;
  epsilons?: number[];
  seeds?: number[];
  epochs?: number;
  stepsPerEpoch?: number;
}

/** Builds a complete ReportData for a fake study. */
export function syntheticReport(opts: SyntheticOptions = {}): ReportData {
  const random = rng(7);
  const epsilons = opts.epsilons ?? [0, 0.1];
  const seeds = opts.seeds ?? [1, 2];
  const epochs = opts.epochs ?? 6;
  const spe = opts.stepsPerEpoch ?? 20;
  const classNames = opts.hostile ? [HOSTILE, ...FASHION.slice(1)] : FASHION;
  const C = classNames.length;
  const runName = (eps: number, seed: number) => (opts.hostile && eps === epsilons[0] && seed === seeds[0] ? `run ${HOSTILE}` : `eps${eps}-seed${seed}`);
  const runs: ReportData['runs'] = [];
  const results: ReportData['results'] = [];
  const calibration: RunCalibration[] = [];
  for (const eps of epsilons) for (const seed of seeds) {
    const floor = smoothingLossFloor(C, eps);
    const curve = (start: number, end: number) => Array.from({ length: epochs }, (_, e) => end + (start - end) * Math.exp(-e / 1.5) + random() * 0.02);
    const totalSteps = epochs * spe;
    runs.push({
      name: runName(eps, seed), epsilon: eps, seed,
      trainLoss: curve(1.6, floor + 0.15), valLoss: curve(1.4, floor + 0.25),
      trainScore: curve(0.55, 0.93).map((v) => Math.min(1, v)), valScore: curve(0.6, 0.9).map((v) => Math.min(1, v)),
      lr: Array.from({ length: totalSteps }, (_, i) => {
        const t = i / totalSteps;
        return t < 0.3 ? 2e-3 + (5e-2 - 2e-3) * (1 - Math.cos(Math.PI * t / 0.3)) / 2 : 5e-2 * (1 + Math.cos(Math.PI * (t - 0.3) / 0.7)) / 2 + 1e-6;
      }),
      stepsPerEpoch: spe,
    });
    const over = eps === 0 ? 0.04 : -0.01;
    results.push({
      run: runName(eps, seed), epsilon: eps, seed,
      accuracy: 0.9 + eps * 0.02 + random() * 0.004, nll: 0.3 - eps * 0.2 + random() * 0.01, ece: Math.abs(over) + random() * 0.005,
      temperature: eps === 0 ? 1.4 + random() * 0.05 : 0.92 + random() * 0.03, nllScaled: 0.27 + random() * 0.01, eceScaled: 0.01 + random() * 0.004,
    });
    const bins = Array.from({ length: 10 }, (_, b) => {
      const conf = b / 10 + 0.05;
      return { lower: b / 10, upper: (b + 1) / 10, count: b < 2 ? 0 : Math.round(20 * 1.6 ** b), confidence: conf, accuracy: Math.max(0, Math.min(1, conf - over * (b / 9))) };
    });
    calibration.push({ run: runName(eps, seed), epsilon: eps, seed, bins, ece: Math.abs(over), temperature: results.at(-1)!.temperature, binsScaled: bins.map((b) => ({ ...b, accuracy: Math.min(1, b.confidence + 0.005) })), eceScaled: 0.01 });
  }
  const confusion = epsilons.map((eps) => ({
    run: runName(eps, seeds[0]), epsilon: eps,
    matrix: Array.from({ length: C }, (_, r) => Array.from({ length: C }, (_, c) => (r === c ? 850 + Math.round(random() * 100) : Math.round(random() * 30)))),
  }));
  const penultimate = epsilons.map((eps) => ({
    epsilon: eps, run: runName(eps, seeds[0]), classes: [0, 2, 4],
    points: [0, 2, 4].flatMap((label, k) => Array.from({ length: 40 }, () => {
      const angle = (2 * Math.PI * k) / 3;
      const spread = eps > 0 ? 0.25 : 0.8;
      return { x: Math.cos(angle) * 3 + (random() - 0.5) * spread * 4, y: Math.sin(angle) * 3 + (random() - 0.5) * spread * 4, label };
    })),
  }));
  return {
    title: opts.hostile ? `study ${HOSTILE}` : 'synthetic-study',
    createdAt: '2024-01-02T03:04:05Z',
    config: { preset: 'quick', dataset: 'fashion-mnist', epsilons, seeds, epochs, note: opts.hostile ? HOSTILE : 'synthetic', nested: { maxLr: 0.05, betas: [0.9, 0.99] } },
    dataset: { name: 'fashion-mnist', classNames },
    smoothing: { epsilons, convention: 'uniform' },
    runs, results, calibration, confusion, penultimate,
    samples: Array.from({ length: 8 }, (_, i) => image(random, 28, 1, i % C)),
    augmented: Array.from({ length: 4 }, (_, i) => image(random, 32, 3, (i * 3) % C)),
    labelHistogram: [{ split: 'train', counts: classNames.map(() => 6000) }, { split: 'test', counts: classNames.map((_, i) => 1000 - i * 7) }],
  };
}
