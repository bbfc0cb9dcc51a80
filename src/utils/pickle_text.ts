// Text in pickles: latin-1 conversions and the escaped literals of protocol 0.
import { PickleError } from './pickle_error.js';

function latin1Bytes(s: string, where: string): Uint8Array {
  // Buffer's 'latin1' is exact ISO-8859-1 (TextDecoder's 'latin1' is windows-1252), and fast on
  // the multi-megabyte strings of Python 2 pickles; it would silently truncate wider characters.
  if (/[^\x00-\xff]/.test(s)) throw new PickleError(`${where}: a character beyond U+00FF is not latin-1`);
  const b = Buffer.from(s, 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Decodes bytes as latin-1 text (each byte one character), as Python's bytes.decode('latin1'). */
export function latin1String(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Encodes a string as Python's str.encode would for latin-1, utf-8 and ascii. */
export function encodeString(s: string, encoding: string): Uint8Array {
  const e = encoding.toLowerCase().replace(/[-_]/g, '');
  if (e === 'latin1' || e === 'iso88591') return latin1Bytes(s, 'encode');
  if (e === 'utf8') return new TextEncoder().encode(s);
  if (e === 'ascii') {
    const bytes = latin1Bytes(s, 'encode');
    if (bytes.some((b) => b > 127)) throw new PickleError('encode: non-ASCII character');
    return bytes;
  }
  throw new PickleError(`encode: unsupported encoding ${JSON.stringify(encoding)}`);
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };

/** Protocol 0's STRING argument: a quoted Python 2 literal with backslash escapes, as bytes. */
export function decodeEscapedString(line: string): Uint8Array {
  const q = line[0];
  if (line.length < 2 || (q !== "'" && q !== '"') || line[line.length - 1] !== q) throw new PickleError('STRING argument is not quoted');
  const body = line.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new PickleError('STRING ends with a backslash');
    if (e in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[e]);
    else if (e === '\n') continue;
    else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new PickleError('bad \\x escape in STRING');
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      let oct = e;
      while (oct.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) oct += body[++i];
      out.push(parseInt(oct, 8) & 0xff);
    } else out.push(92, e.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

/** Protocol 0's UNICODE argument: latin-1 text where only \uXXXX and \UXXXXXXXX are escapes. */
export function decodeRawUnicodeEscape(line: string): string {
  return line.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u4: string | undefined, u8: string | undefined) =>
    String.fromCodePoint(parseInt((u4 ?? u8) as string, 16)));
}
