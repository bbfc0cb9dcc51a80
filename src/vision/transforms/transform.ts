// What every transform is: an object with forward(input, generator), and a spec that lets a
// DataLoader worker thread rebuild it (functions and class instances cannot cross threads; a
// module URL, a class name and plain options can). Random transforms draw all their randomness
// from the generator they are given, so that one seed fixes an entire pipeline.
import { Generator } from '../../data/generator.js';

/** How to rebuild a transform in another thread: `new (await import(module))[name](options)`. */
export interface TransformSpec {
  /** URL of the ES module that exports the class (its import.meta.url). */
  module: string;
  /** The exported class name. */
  name: string;
  /** Structured-cloneable constructor options. */
  options?: unknown;
}

/** A data transform; random ones draw from `generator` (the module's default one when omitted). */
export interface Transform<In = unknown, Out = unknown> {
  forward(input: In, generator?: Generator): Out;
  /** How a worker thread rebuilds this transform; throws if it cannot be rebuilt. */
  toSpec(): TransformSpec;
}

/** The generator random transforms use when forward() gets none (seed it with manualSeed). */
export const defaultGenerator = new Generator();

/** Seeds the default generator of the transforms: a fixed seed gives fixed augmentations. */
export function manualSeed(seed: number | bigint): void {
  defaultGenerator.manualSeed(seed);
}

/** A class whose instances can be rebuilt from a spec; Compose overrides fromSpec to rebuild children. */
interface Rebuildable {
  new (...args: never[]): Transform;
  fromSpec?: (spec: TransformSpec) => Promise<Transform>;
}

/** Rebuilds a transform from its spec (in a worker thread, usually). */
export async function transformFromSpec(spec: TransformSpec): Promise<Transform> {
  if (spec === null || typeof spec !== 'object' || typeof spec.module !== 'string' || typeof spec.name !== 'string') {
    throw new TypeError(`transformFromSpec: not a transform spec: ${JSON.stringify(spec)}`);
  }
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const ctor = mod[spec.name] as Rebuildable | undefined;
  if (typeof ctor !== 'function') throw new TypeError(`transformFromSpec: ${spec.module} exports no class ${spec.name}`);
  if (typeof ctor.fromSpec === 'function') return ctor.fromSpec(spec);
  return new (ctor as unknown as new (options: unknown) => Transform)(spec.options);
}

/**
 * A rewrite of adjacent steps into one faster step with identical results (Compose applies the
 * ones registered here, e.g. ToDtype(float32, scale) + Normalize -> one table lookup per byte).
 */
export interface Fusion {
  /** The fused step replacing transforms[i] and transforms[i + 1], or null when they do not fuse. */
  fuse(first: Transform, second: Transform): Transform | null;
}

const fusions: Fusion[] = [];

/** Registers a fusion of adjacent steps for every Compose built afterwards. */
export function registerFusion(fusion: Fusion): void {
  fusions.push(fusion);
}

function fuseSteps(transforms: readonly Transform[]): Transform[] {
  const steps: Transform[] = [];
  for (const t of transforms) {
    const last = steps[steps.length - 1];
    const fused = last === undefined ? null : fusions.reduce<Transform | null>((found, f) => found ?? f.fuse(last, t), null);
    if (fused !== null) steps[steps.length - 1] = fused;
    else steps.push(t);
  }
  return steps;
}

/** Chains transforms, passing one generator through all of them (torchvision's Compose). */
export class Compose<In = unknown, Out = unknown> implements Transform<In, Out> {
  /** The transforms, applied in order. */
  readonly transforms: readonly Transform[];
  // What forward() runs: the transforms with registered fusions applied.
  private readonly steps: readonly Transform[];

  /** Applies `transforms` in order. */
  constructor(transforms: readonly Transform[]) {
    if (!Array.isArray(transforms) || !transforms.every((t) => t !== null && typeof t === 'object' && typeof t.forward === 'function')) {
      throw new TypeError('Compose: expected an array of transforms (objects with forward())');
    }
    this.transforms = [...transforms];
    this.steps = fuseSteps(this.transforms);
  }

  /** Runs every transform on the output of the one before. */
  forward(input: In, generator: Generator = defaultGenerator): Out {
    let x: unknown = input;
    for (const t of this.steps) x = t.forward(x, generator);
    return x as Out;
  }

  /** The children's specs, rebuilt by fromSpec. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'Compose', options: this.transforms.map((t) => t.toSpec()) };
  }

  /** Rebuilds a Compose and its children from toSpec()'s output. */
  static async fromSpec(spec: TransformSpec): Promise<Compose> {
    return new Compose(await Promise.all((spec.options as TransformSpec[]).map(transformFromSpec)));
  }
}

/**
 * Wraps a function as a transform (torchvision's Lambda). It cannot be sent to worker threads:
 * use it with numWorkers 0, or write a class with toSpec().
 */
export class Lambda<In = unknown, Out = unknown> implements Transform<In, Out> {
  /** Wraps `fn`; it receives the input and the generator. */
  constructor(readonly fn: (input: In, generator: Generator) => Out) {
    if (typeof fn !== 'function') throw new TypeError('Lambda: expected a function');
  }

  /** Calls the function. */
  forward(input: In, generator: Generator = defaultGenerator): Out {
    return this.fn(input, generator);
  }

  /** Always throws: a closure cannot be rebuilt in another thread. */
  toSpec(): TransformSpec {
    throw new TypeError('Lambda transforms cannot run in DataLoader worker threads (a closure cannot cross threads); use numWorkers: 0 or a Transform class with toSpec()');
  }
}
