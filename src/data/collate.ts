// Turning a prepared batch into what the training loop consumes. The default makes libtorch
// tensors; it loads the engine lazily, so that loaders with their own collate (tests, tools that
// only want bytes) run without the native addon.
import type { Device } from '../torch/dtype.js';
import type { Tensor } from '../torch/tensor.js';

/** A prepared batch as the loader hands it to `collate`: views of its slot, valid until the next batch is requested. */
export interface RawBatch {
  /** N x C x H x W values (CHW per sample), float32 or uint8 as the transform produced them. */
  images: Float32Array | Uint8Array;
  /** N labels. */
  labels: Int32Array;
  /** Dataset indices of the N samples. */
  indices: Int32Array;
  /** [N, C, H, W]. */
  shape: [number, number, number, number];
  /** Index of the batch within its epoch. */
  batch: number;
  /** The epoch it belongs to. */
  epoch: number;
}

/** The default batch: an image tensor [N, C, H, W] and int64 labels [N], owned by the caller (dispose them). */
export interface Batch {
  images: Tensor;
  labels: Tensor;
  /** Dataset indices of the samples (e.g. to find misclassified images). */
  indices: Int32Array;
  /** Releases both tensors. */
  dispose(): void;
  /** Releases both tensors (for `using`). */
  [Symbol.dispose](): void;
}

type TorchModule = typeof import('../torch/index.js');
let torchModule: Promise<TorchModule> | undefined;

/** The engine, imported on first use. */
export function loadTorch(): Promise<TorchModule> {
  torchModule ??= import('../torch/index.js');
  return torchModule;
}

/** The default collate: copies the batch into tensors (images float32 or uint8, labels int64) on `device`. */
export function tensorCollate(device: Device = 'cpu'): (raw: RawBatch) => Promise<Batch> {
  return async (raw) => {
    const torch = await loadTorch();
    // slice(): libtorch copies from a private buffer (its addon cannot read a SharedArrayBuffer),
    // and the slot is reused for a later batch anyway.
    let images = torch.tensor(raw.images.slice(), { shape: raw.shape });
    let labels = torch.tensor(raw.labels.slice(), { dtype: 'int64', shape: [raw.shape[0]] });
    if (device !== 'cpu') {
      const [a, b] = [images.to(device), labels.to(device)];
      images.dispose();
      labels.dispose();
      [images, labels] = [a, b];
    }
    const dispose = () => {
      images.dispose();
      labels.dispose();
    };
    return { images, labels, indices: raw.indices.slice(), dispose, [Symbol.dispose]: dispose };
  };
}
