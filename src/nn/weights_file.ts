// Reading model weights from a file in either format a user may hold: safetensors (what
// torch.save writes in smoothlab) or PyTorch's own .pth zip checkpoints (how torchvision publishes
// its pretrained weights). The format is recognized from the first bytes, not the file name.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { fileFormat, load } from '../torch/serialization.js';
import type { Tensor } from '../torch/tensor.js';

function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(n);
    const read = readSync(fd, buffer, 0, n, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a state dict from `path`, a safetensors file or a PyTorch .pth / .pt zip checkpoint (`key`
 * picks an entry of a wrapping dict). A missing or foreign file gives an error naming it. The
 * tensors are new (CPU) and belong to the caller.
 */
export function loadStateDictFile(path: string, { key }: { key?: string } = {}): Record<string, Tensor> {
  if (!existsSync(path)) throw new Error(`weights file ${path} does not exist`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new Error(`weights file ${path} is not a regular file`);
  const start = head(path, 16);
  if (fileFormat(start, stat.size) !== null) return load(path, { key });
  const shown = Array.from(start.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new Error(`${path} is neither a safetensors file nor a PyTorch .pth (zip) checkpoint (it starts with bytes ${shown || 'none: it is empty'})`);
}
