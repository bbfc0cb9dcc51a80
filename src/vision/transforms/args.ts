// Argument checks shared by the transform classes: torchvision's _setup_size and the range
// arguments, with errors that name the transform and the argument.

/** A crop or output size: n for n x n, [n], or [height, width]. */
export type SizeArg = number | readonly [number] | readonly [number, number];

/** torchvision's _setup_size: [height, width] from n, [n] or [h, w]; throws naming `where`. */
export function setupSize(size: unknown, where: string, name = 'size'): [number, number] {
  const s = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 1 ? [size[0], size[0]] : size;
  if (!Array.isArray(s) || s.length !== 2 || !s.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new TypeError(`${where}: ${name} must be an integer, [n] or [height, width], got ${JSON.stringify(size)}`);
  }
  if (!s.every((v) => v > 0)) throw new RangeError(`${where}: ${name} must be positive, got ${JSON.stringify(size)}`);
  return [s[0], s[1]];
}

/** A [min, max] pair of finite numbers with min <= max; throws naming `where` and `name`. */
export function checkRange(value: unknown, where: string, name: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new TypeError(`${where}: ${name} must be [min, max], got ${JSON.stringify(value)}`);
  }
  if (!(value[0] <= value[1])) throw new RangeError(`${where}: ${name} must be [min, max] with min <= max, got ${JSON.stringify(value)}`);
  return [value[0], value[1]];
}
