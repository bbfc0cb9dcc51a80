// The default generator as modules that must work without the engine see it (data/: a DataLoader
// with a custom collate runs without libtorch). random.ts installs the draws when the engine loads;
// until then there are none, and such modules fall back to their own seeding.

/** Draws from libtorch's default generator, which torch.manualSeed seeds. */
export interface DefaultDraws {
  /** A seed for another generator: a uniform integer in [0, 2^53 - 1). */
  seed(): number;
  /** torch.randperm(n) from the default generator, as PyTorch's random_split draws it. */
  randperm(n: number): Int32Array;
}

let draws: DefaultDraws | null = null;

/** Installs the engine's draws (random.ts does, on load). */
export function setDefaultDraws(d: DefaultDraws): void {
  draws = d;
}

/** The engine's draws, or null when the engine is not loaded. */
export function defaultDraws(): DefaultDraws | null {
  return draws;
}
