// Pretrained weights for the ResNets: torchvision's published ImageNet checkpoints, read from
// torchvision's own cache folder or from a path. smoothlab never downloads weights.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Module } from '../../nn/module.js';
import { loadStateDictFile } from '../../nn/weights_file.js';
import { dispose } from '../../torch/memory.js';

/** torchvision's file name for each architecture's named weights (torchvision.models.ResNet*_Weights). */
export const TORCHVISION_WEIGHT_FILES: Record<string, Record<string, string>> = {
  resnet18: { IMAGENET1K_V1: 'resnet18-f37072fd.pth' },
  resnet34: { IMAGENET1K_V1: 'resnet34-b627a593.pth' },
  resnet50: { IMAGENET1K_V1: 'resnet50-0676ba61.pth', IMAGENET1K_V2: 'resnet50-11ad3fa6.pth' },
};

/** Where torchvision caches downloaded weights: $TORCH_HOME/hub/checkpoints (default ~/.cache/torch). */
export function torchHubCheckpointDir(): string {
  const torchHome = process.env.TORCH_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'torch');
  return join(torchHome, 'hub', 'checkpoints');
}

/**
 * The file for `weights`: a torchvision weights name ('IMAGENET1K_V1', or 'DEFAULT') looked up in
 * torchvision's cache folder, or a path to a .pth / safetensors file.
 */
export function resolveWeights(arch: string, weights: string): string {
  const names = TORCHVISION_WEIGHT_FILES[arch] ?? {};
  const name = weights === 'DEFAULT' ? Object.keys(names).at(-1) : weights;
  const file = name === undefined ? undefined : names[name];
  if (file === undefined) {
    if (/^[A-Z0-9_]+$/.test(weights)) {
      throw new Error(`${arch}: unknown weights '${weights}'; known: ${Object.keys(names).join(', ') || 'none'}, or a path to a .pth / safetensors file`);
    }
    return weights;
  }
  const path = join(torchHubCheckpointDir(), file);
  if (!existsSync(path)) {
    throw new Error(`${arch} ${name} weights are not on this machine: expected ${path} (torchvision's cache folder; ` +
      `set TORCH_HOME to use another). smoothlab does not download weights: copy the file there ` +
      `(torchvision fetches it from https://download.pytorch.org/models/${file}) or pass its path as weights`);
  }
  return path;
}

/** Loads the weights named by `weights` into `model` (strict keys and shapes); errors name the file. */
export function loadWeightsInto(model: Module, arch: string, weights: string): void {
  const path = resolveWeights(arch, weights);
  const stateDict = loadStateDictFile(path);
  try {
    model.loadStateDict(stateDict);
  } catch (error) {
    throw new Error(`loading ${path} into ${arch}: ${(error as Error).message}`);
  } finally {
    dispose(stateDict);
  }
}
