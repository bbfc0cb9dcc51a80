// The two image layouts of smoothlab.vision. Datasets hold HWC bytes (PIL's and NumPy's layout, as
// torchvision datasets hand out); transforms work on CHW planes (torchvision's tensor layout),
// where a per-channel operation walks one contiguous plane. ToImage converts the one to the other.

/** Element types a tensor image can hold. */
export type ImageDType = 'uint8' | 'float32';

/** The pixel storage of a tensor image. */
export type ImageData = Uint8Array | Float32Array;

/**
 * A tensor image: channels x height x width values, one plane per channel (torchvision's CHW).
 * `data` may hold several images back to back (a batch, N x C x H x W); kernels that accept a
 * batch say so.
 */
export interface Image<D extends ImageData = ImageData> {
  data: D;
  channels: number;
  height: number;
  width: number;
}

/** An image as datasets store it: height x width x channels bytes (what ToImage takes). */
export interface HWCImage {
  readonly layout: 'HWC';
  data: Uint8Array;
  channels: number;
  height: number;
  width: number;
}

/** The element type of an image's storage. */
export function imageDType(img: Image): ImageDType {
  return img.data instanceof Uint8Array ? 'uint8' : 'float32';
}

/** Throws a TypeError naming `where` unless `img` is a well-formed CHW image (or batch of them). */
export function checkImage(img: unknown, where: string, { batch = false } = {}): asserts img is Image {
  const i = img as Partial<Image> & { layout?: string };
  if (i === null || typeof i !== 'object') throw new TypeError(`${where}: expected an image, got ${i === null ? 'null' : typeof i}`);
  if (i.layout === 'HWC') throw new TypeError(`${where}: got an HWC image (as datasets store them); put ToImage() first to get a CHW image`);
  if (!(i.data instanceof Uint8Array) && !(i.data instanceof Float32Array)) {
    throw new TypeError(`${where}: image data must be a Uint8Array or a Float32Array, got ${describe(i.data)}`);
  }
  const { channels: c, height: h, width: w } = i;
  // Plain checks, no arrays: this runs several times per image in a pipeline.
  if (!(Number.isInteger(c) && (c as number) > 0 && Number.isInteger(h) && (h as number) > 0 && Number.isInteger(w) && (w as number) > 0)) {
    throw new TypeError(`${where}: channels, height and width must be positive integers, got ${c} x ${h} x ${w}`);
  }
  const size = (c as number) * (h as number) * (w as number);
  const ok = batch ? i.data.length % size === 0 : i.data.length === size;
  if (!ok) {
    throw new TypeError(`${where}: data has ${i.data.length} values, ${batch ? 'not a multiple of' : 'but'} ${c} x ${h} x ${w} = ${size}`);
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  return typeof v === 'object' ? (v as object).constructor.name : typeof v;
}

// Small images are carved from 64 KiB slabs: a fresh typed array costs its own backing-store
// allocation (about 1 us here, several per augmented image), a view of a slab a fifth of that.
// Slabs are never reused, so every view starts zeroed; a slab is freed when none of its views
// is alive (an image kept for long keeps its slab, at most 64 KiB, alive with it).
const SLAB_BYTES = 65536;
const SLAB_LIMIT = 16384;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOffset = 0;

function slabView(bytes: number): [ArrayBuffer, number] {
  const need = (bytes + 7) & ~7;
  if (slabOffset + need > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const at = slabOffset;
  slabOffset += need;
  return [slab, at];
}

/** Zeroed uint8 storage for `n` values (8-byte aligned, so word loops apply). */
export function allocBytes(n: number): Uint8Array {
  if (n > SLAB_LIMIT) return new Uint8Array(n);
  const [buffer, at] = slabView(n);
  return new Uint8Array(buffer, at, n);
}

/** Zeroed float32 storage for `n` values. */
export function allocFloats(n: number): Float32Array {
  if (4 * n > SLAB_LIMIT) return new Float32Array(n);
  const [buffer, at] = slabView(4 * n);
  return new Float32Array(buffer, at, n);
}

/** Zeroed storage of the same element type as `like`. */
export function allocLike<D extends ImageData>(like: D, n: number): D {
  return (like instanceof Uint8Array ? allocBytes(n) : allocFloats(n)) as D;
}

/** A new image of the same kind (dtype and shape) as `img`, with fresh zeroed storage. */
export function emptyLike<D extends ImageData>(img: Image<D>, shape: { channels?: number; height?: number; width?: number } = {}): Image<D> {
  const channels = shape.channels ?? img.channels;
  const height = shape.height ?? img.height;
  const width = shape.width ?? img.width;
  return { data: allocLike(img.data, channels * height * width), channels, height, width };
}

/** A copy of `img` with its own storage. */
export function cloneImage<D extends ImageData>(img: Image<D>): Image<D> {
  const data = allocLike(img.data, img.data.length);
  data.set(img.data);
  return { data, channels: img.channels, height: img.height, width: img.width };
}

/** Whether the image holds uint8 values in [0, 255] (as opposed to float32 in [0, 1]). */
export const isUint8 = (img: Image): img is Image<Uint8Array> => img.data instanceof Uint8Array;

/** The largest value of the image's type: 255 for uint8, 1 for float32 (torchvision's bound). */
export const maxValue = (img: Image): number => (isUint8(img) ? 255 : 1);
