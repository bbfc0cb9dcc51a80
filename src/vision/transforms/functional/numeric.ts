// Float32 arithmetic as libtorch does it. torchvision's uint8 kernels compute in float32 and cast
// back with truncation; JS numbers are float64, so every float32 operation is followed by
// Math.fround. A product or sum of two float32 values is exact in float64, so rounding it once
// with fround gives the float32 result bit for bit.

/** Rounds to the nearest float32 (alias of Math.fround, kept short for the kernels). */
export const f32 = Math.fround;

/** Rounds half to even, as libtorch's torch.round and nearbyint do (Math.round rounds half up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** clamp(0, 255) then a C cast to uint8 (truncation): how torchvision turns float32 results into bytes. */
export function clampTruncU8(x: number): number {
  return x <= 0 ? 0 : x >= 255 ? 255 : x | 0;
}

/** clamp(0, 1) of a float32 value (torchvision's bound for float images). */
export function clampUnit(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}
