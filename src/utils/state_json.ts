// JSON for smoothlab's own state files (checkpoint headers, a run's evaluation.json). JSON has no
// NaN or ±Infinity, and JSON.stringify would silently turn them into null; a fitted temperature can
// be Infinity and a diverged loss NaN, so these files write such a number as {"$number": "Infinity"}
// and read it back as the number. Files meant for other tools (results.json) stay plain JSON.

/** A non-finite number as these files store it. */
export interface EncodedNumber {
  $number: string;
}

/** The number itself when finite; otherwise its {"$number": ...} form. */
export function encodeNumber(value: number): number | EncodedNumber {
  return Number.isFinite(value) ? value : { $number: String(value) };
}

/** True for a parsed {"$number": "NaN" | "Infinity" | "-Infinity"} object. */
export function isEncodedNumber(value: unknown): value is EncodedNumber {
  return value !== null && typeof value === 'object' && typeof (value as EncodedNumber).$number === 'string' && Object.keys(value).length === 1;
}

/** JSON.stringify that keeps non-finite numbers. */
export function stringifyState(value: unknown, space?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? encodeNumber(v) : v), space);
}

/** JSON.parse that restores the non-finite numbers stringifyState wrote. */
export function parseState(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => (isEncodedNumber(v) ? Number(v.$number) : v));
}
