// The globals every pickle may use: containers, and the helpers protocols 0-2 use to spell bytes.
import { PickleError } from './pickle_error.js';
import { encodeString } from './pickle_text.js';

/** The JS stand-in of an allow-listed Python global; REDUCE and NEWOBJ call `fn` with the arguments. */
export type GlobalHandler = (...args: unknown[]) => unknown;

function toBytes(value: unknown, where: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value) && value.every((v) => Number.isInteger(v) && v >= 0 && v < 256)) return Uint8Array.from(value as number[]);
  throw new PickleError(`${where}: expected bytes`);
}

/** Handlers of the globals every pickle may use, by 'module.name'. */
export const DEFAULT_GLOBALS: Record<string, GlobalHandler> = {
  'collections.OrderedDict': (items?: unknown) => new Map(items === undefined ? [] : (items as [unknown, unknown][])),
  'builtins.set': (items: unknown = []) => new Set(items as unknown[]),
  'builtins.frozenset': (items: unknown = []) => new Set(items as unknown[]),
  'builtins.bytes': (data: unknown = []) => toBytes(data, 'bytes()'),
  'builtins.bytearray': (data: unknown = [], encoding?: unknown) =>
    typeof data === 'string' ? encodeString(data, String(encoding ?? 'latin1')) : Uint8Array.from(toBytes(data, 'bytearray()')),
  // Protocol <= 2 writes bytes as _codecs.encode(latin-1 text, 'latin1').
  '_codecs.encode': (text: unknown, encoding: unknown = 'utf-8') => {
    if (typeof text !== 'string') throw new PickleError('_codecs.encode: expected a str');
    return encodeString(text, String(encoding));
  },
};
// Python 3 writes protocols 0-2 with Python 2's module names (`__builtin__`), for Python 2 readers.
for (const name of ['set', 'frozenset', 'bytes', 'bytearray']) DEFAULT_GLOBALS[`__builtin__.${name}`] = DEFAULT_GLOBALS[`builtins.${name}`];

/** The names of the globals every pickle may use. */
export const DEFAULT_GLOBAL_NAMES: readonly string[] = Object.keys(DEFAULT_GLOBALS);

