// Dataset statistics for normalization and for checking a split's balance.
import type { ImageClassificationDataset } from './types.js';

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1]. */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/**
 * Per-channel mean and standard deviation over every pixel of `dataset`, on the [0, 1] scale that
 * ToDtype('float32', { scale: true }) produces (pass them to Normalize). The standard deviation is
 * the population one (NumPy's default, what `data.std(axis=(0, 1, 2)) / 255` gives).
 *
 * Compute both from the training set. The course notebook takes its std from the validation set by
 * mistake; normalizing with test-set statistics leaks test data into training, however slightly.
 * Sums are exact integers (below 2^53 for any dataset under 10^11 pixels), so the result does
 * not depend on summation order.
 */
export function channelStats(dataset: ImageClassificationDataset): ChannelStats {
  const { images, channels } = dataset;
  if (!(images instanceof Uint8Array) || !Number.isInteger(channels) || channels < 1) throw new TypeError('channelStats: expected an image dataset with images and channels');
  const count = images.length / channels;
  if (count === 0) throw new RangeError('channelStats: the dataset is empty');
  const sums = new Array<number>(channels).fill(0);
  const squares = new Array<number>(channels).fill(0);
  // Histograms per channel turn 10^8 multiply-adds into 10^8 increments and 256 products.
  const hist = Array.from({ length: channels }, () => new Float64Array(256));
  if (channels === 3) {
    const [h0, h1, h2] = hist;
    for (let i = 0; i < images.length; i += 3) {
      h0[images[i]]++;
      h1[images[i + 1]]++;
      h2[images[i + 2]]++;
    }
  } else {
    for (let i = 0; i < images.length; i++) hist[i % channels][images[i]]++;
  }
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) {
      sums[c] += hist[c][v] * v;
      squares[c] += hist[c][v] * v * v;
    }
  }
  const mean = sums.map((s) => s / count / 255);
  // Var = E[x^2] - E[x]^2 on exact integer sums; the subtraction loses nothing that matters at 8 bits.
  const std = squares.map((q, c) => Math.sqrt(Math.max(0, q / count - (sums[c] / count) ** 2)) / 255);
  return { mean, std };
}

/** Number of examples of each class, indexed by label (length = classes.length). */
export function labelHistogram(dataset: ImageClassificationDataset): number[] {
  const counts = new Array<number>(dataset.classes.length).fill(0);
  for (const l of dataset.labels) {
    if (l >= counts.length) throw new RangeError(`labelHistogram: label ${l} is not a class index (0..${counts.length - 1})`);
    counts[l]++;
  }
  return counts;
}
