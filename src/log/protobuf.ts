// The few protobuf wire-format pieces TensorBoard's Event / Summary messages need: a message is
// built as a list of encoded fields, so no schema compiler or dependency is involved.

const textEncoder = new TextEncoder();

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function key(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

/** An encoded field, or several, ready to concatenate into a message. */
export type Field = Uint8Array;

/** Concatenates fields into one message body. */
export function message(...fields: (Field | null | undefined)[]): Uint8Array {
  const parts = fields.filter((f): f is Field => f != null);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A varint field (int32, int64, enum, bool). */
export function varintField(field: number, value: number | bigint | boolean): Field {
  return Uint8Array.from([...key(field, 0), ...varint(typeof value === 'boolean' ? Number(value) : value)]);
}

// A fixed-width little-endian field: wire type 1 (8 bytes) or 5 (4 bytes).
function fixedField(field: number, wireType: 1 | 5, write: (view: DataView, offset: number) => void): Field {
  const head = key(field, wireType);
  const bytes = new Uint8Array(head.length + (wireType === 1 ? 8 : 4));
  bytes.set(head);
  write(new DataView(bytes.buffer), head.length);
  return bytes;
}

/** A double field. */
export function doubleField(field: number, value: number): Field {
  return fixedField(field, 1, (view, offset) => view.setFloat64(offset, value, true));
}

/** A float field. */
export function floatField(field: number, value: number): Field {
  return fixedField(field, 5, (view, offset) => view.setFloat32(offset, value, true));
}

/** A length-delimited field: bytes, a string, or an embedded message. */
export function bytesField(field: number, value: Uint8Array | string): Field {
  const body = typeof value === 'string' ? textEncoder.encode(value) : value;
  return message(Uint8Array.from([...key(field, 2), ...varint(body.length)]), body);
}

/** A packed repeated double field. */
export function packedDoubles(field: number, values: ArrayLike<number>): Field {
  const body = new Uint8Array(values.length * 8);
  const view = new DataView(body.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return bytesField(field, body);
}
