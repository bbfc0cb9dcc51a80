// A restricted reader of Python pickles (protocols 0-5). A pickle is a program for a small stack
// machine whose GLOBAL/REDUCE instructions can call any Python function; this reader never runs
// code: it rebuilds plain data (None, bools, numbers, strings, bytes, lists, tuples, dicts, sets)
// and calls only the JS handlers of an explicit allow-list of globals. Any other global is refused
// when it is named, before anything could use it.
//
// Python -> JS: None null; bool boolean; int number (bigint beyond 2^53); float number; str string;
// bytes/bytearray Uint8Array; list Array; tuple frozen Array; dict and OrderedDict Map (keys of any
// type, insertion order; a Map rather than an object so that keys such as '__proto__' are inert);
// set/frozenset Set.

import { DEFAULT_GLOBALS, type GlobalHandler } from './pickle_globals.js';
import { PickleInput } from './pickle_input.js';
import { PickleError } from './pickle_error.js';
import { decodeEscapedString, decodeRawUnicodeEscape, latin1String } from './pickle_text.js';

export { PickleError } from './pickle_error.js';
export { encodeString, latin1String } from './pickle_text.js';
export { DEFAULT_GLOBAL_NAMES, type GlobalHandler } from './pickle_globals.js';

/** A resolved global on the stack: the Python name and its JS handler. */
export class PickleGlobal {
  constructor(readonly module: string, readonly name: string, readonly fn: GlobalHandler) {}

  /** 'module.name'. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Objects made by allow-listed globals implement this to accept pickle's BUILD (Python's __setstate__). */
export const SETSTATE = Symbol('pickle.setstate');

/** An object that accepts BUILD state. */
export interface Settable {
  [SETSTATE](state: unknown): void;
}

/** Options of readPickle. */
export interface ReadPickleOptions {
  /** Resolves persistent ids (PyTorch uses them for tensor storages); without it they are refused. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Extra allowed globals, as 'module.name' -> handler (e.g. numpyGlobals), on top of the defaults. */
  globals?: Record<string, GlobalHandler>;
  /**
   * How Python 2 `str` values decode (Python's `encoding`): 'ASCII' (default, as Python), 'latin1'
   * (what torchvision uses for CIFAR batches), 'utf8', or 'bytes' (kept as Uint8Array).
   */
  encoding?: 'ASCII' | 'latin1' | 'utf8' | 'bytes';
}

/**
 * Decodes one pickle into plain JS values. Refuses any global outside the defaults and
 * `options.globals`, any persistent id without `options.persistentLoad`, and extension codes.
 */
export function readPickle(bytes: Uint8Array, options: ReadPickleOptions = {}): unknown {
  return new Unpickler(bytes, options).load();
}

class Unpickler {
  readonly #in: PickleInput;
  readonly #globals: Map<string, GlobalHandler>;
  readonly #options: ReadPickleOptions;
  #stack: unknown[] = [];
  readonly #metastack: unknown[][] = [];
  readonly #memo = new Map<number, unknown>();

  constructor(bytes: Uint8Array, options: ReadPickleOptions) {
    this.#in = new PickleInput(bytes);
    this.#options = options;
    this.#globals = new Map(Object.entries({ ...DEFAULT_GLOBALS, ...(options.globals ?? {}) }));
  }

  #fail(message: string): never {
    return this.#in.fail(message);
  }

  #push(value: unknown): void {
    this.#stack.push(value);
  }

  #pop(): unknown {
    if (this.#stack.length === 0) this.#fail('stack underflow');
    return this.#stack.pop();
  }

  #top(): unknown {
    if (this.#stack.length === 0) this.#fail('stack underflow');
    return this.#stack[this.#stack.length - 1];
  }

  #popMark(): unknown[] {
    const items = this.#stack;
    const previous = this.#metastack.pop();
    if (previous === undefined) this.#fail('MARK expected on the stack');
    this.#stack = previous;
    return items;
  }

  #global(module: string, name: string): PickleGlobal {
    const key = `${module}.${name}`;
    const fn = this.#globals.get(key);
    if (fn === undefined) {
      this.#fail(`refusing to load global '${key}': it is not in the allow-list (a pickle may name any Python callable; ` +
        `this reader only rebuilds data). Allowed: ${[...this.#globals.keys()].join(', ')}`);
    }
    return new PickleGlobal(module, name, fn);
  }

  #call(callable: unknown, args: unknown, opcode: string): unknown {
    if (!(callable instanceof PickleGlobal)) this.#fail(`${opcode} on something that is not an allowed global`);
    if (!Array.isArray(args)) this.#fail(`${opcode} arguments are not a tuple`);
    return callable.fn(...args);
  }

  #str2(raw: Uint8Array): string | Uint8Array {
    const encoding = this.#options.encoding ?? 'ASCII';
    if (encoding === 'bytes') return raw.slice();
    if (encoding === 'utf8') return new TextDecoder().decode(raw);
    if (encoding === 'ASCII' && raw.some((b) => b > 127)) {
      this.#fail("a Python 2 str with non-ASCII bytes; pass encoding 'latin1' or 'bytes'");
    }
    return latin1String(raw);
  }

  #utf8(raw: Uint8Array): string {
    return new TextDecoder().decode(raw);
  }

  #memoGet(index: number): unknown {
    if (!this.#memo.has(index)) this.#fail(`memo key ${index} is not defined`);
    return this.#memo.get(index);
  }

  #persistent(pid: unknown): unknown {
    const load = this.#options.persistentLoad;
    if (load === undefined) this.#fail('a persistent id, but no persistentLoad was given');
    return load(pid);
  }

  #build(): void {
    const stateValue = this.#pop();
    const target = this.#top();
    if (target !== null && typeof target === 'object' && SETSTATE in target) {
      (target as Settable)[SETSTATE](stateValue);
    } else if (!(target instanceof Map)) {
      this.#fail('BUILD on an object that accepts no state');
    }
    // An OrderedDict's instance attributes (a state dict's `_metadata`) carry no data: dropped.
  }

  load(): unknown {
    while (!this.#in.atEnd) {
      const op = this.#in.u8();
      switch (op) {
        case 0x80: { // PROTO
          const proto = this.#in.u8();
          if (proto > 5) this.#fail(`unsupported pickle protocol ${proto}`);
          break;
        }
        case 0x95: // FRAME: a length hint only
          this.#in.u64();
          break;
        case 0x2e: // STOP '.'
          if (this.#metastack.length > 0) this.#fail('STOP inside an unclosed MARK');
          return this.#pop();
        case 0x28: // MARK '('
          this.#metastack.push(this.#stack);
          this.#stack = [];
          break;
        case 0x30: // POP '0'
          if (this.#stack.length > 0) this.#stack.pop();
          else this.#popMark();
          break;
        case 0x31: // POP_MARK '1'
          this.#popMark();
          break;
        case 0x32: // DUP '2'
          this.#push(this.#top());
          break;
        // ---- numbers ----
        case 0x4e: this.#push(null); break; // NONE 'N'
        case 0x88: this.#push(true); break; // NEWTRUE
        case 0x89: this.#push(false); break; // NEWFALSE
        case 0x4a: this.#push(this.#in.i32()); break; // BININT 'J'
        case 0x4b: this.#push(this.#in.u8()); break; // BININT1 'K'
        case 0x4d: this.#push(this.#in.u16()); break; // BININT2 'M'
        case 0x49: { // INT 'I'
          const line = this.#in.line().trim();
          if (line === '00') this.#push(false);
          else if (line === '01') this.#push(true);
          else this.#push(this.#int(line));
          break;
        }
        case 0x4c: // LONG 'L'
          this.#push(this.#int(this.#in.line().trim().replace(/L$/, '')));
          break;
        case 0x8a: // LONG1
          this.#push(this.#long(this.#in.u8()));
          break;
        case 0x8b: { // LONG4
          const n = this.#in.i32();
          if (n < 0) this.#fail('LONG4 with a negative length');
          this.#push(this.#long(n));
          break;
        }
        case 0x46: // FLOAT 'F'
          this.#push(this.#float(this.#in.line().trim()));
          break;
        case 0x47: { // BINFLOAT 'G' (big-endian)
          this.#push(this.#in.f64be());
          break;
        }
        // ---- strings and bytes ----
        case 0x53: // STRING 'S'
          this.#push(this.#str2(decodeEscapedString(this.#in.line())));
          break;
        case 0x54: { // BINSTRING 'T'
          const n = this.#in.i32();
          if (n < 0) this.#fail('BINSTRING with a negative length');
          this.#push(this.#str2(this.#in.take(n)));
          break;
        }
        case 0x55: this.#push(this.#str2(this.#in.take(this.#in.u8()))); break; // SHORT_BINSTRING 'U'
        case 0x42: this.#push(this.#in.take(this.#in.u32()).slice()); break; // BINBYTES 'B'
        case 0x43: this.#push(this.#in.take(this.#in.u8()).slice()); break; // SHORT_BINBYTES 'C'
        case 0x8e: this.#push(this.#in.take(this.#in.u64()).slice()); break; // BINBYTES8
        case 0x96: this.#push(this.#in.take(this.#in.u64()).slice()); break; // BYTEARRAY8
        case 0x56: this.#push(decodeRawUnicodeEscape(this.#in.line())); break; // UNICODE 'V'
        case 0x58: this.#push(this.#utf8(this.#in.take(this.#in.u32()))); break; // BINUNICODE 'X'
        case 0x8c: this.#push(this.#utf8(this.#in.take(this.#in.u8()))); break; // SHORT_BINUNICODE
        case 0x8d: this.#push(this.#utf8(this.#in.take(this.#in.u64()))); break; // BINUNICODE8
        case 0x97: this.#fail('out-of-band buffers (NEXT_BUFFER) are not supported'); break;
        case 0x98: break; // READONLY_BUFFER: the buffer on the stack stays as it is
        // ---- containers ----
        case 0x29: this.#push(Object.freeze([])); break; // EMPTY_TUPLE ')'
        case 0x74: this.#push(Object.freeze(this.#popMark())); break; // TUPLE 't'
        case 0x85: this.#push(Object.freeze([this.#pop()])); break; // TUPLE1
        case 0x86: { // TUPLE2
          const b = this.#pop();
          this.#push(Object.freeze([this.#pop(), b]));
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.#pop();
          const b = this.#pop();
          this.#push(Object.freeze([this.#pop(), b, c]));
          break;
        }
        case 0x5d: this.#push([]); break; // EMPTY_LIST ']'
        case 0x6c: this.#push(this.#popMark()); break; // LIST 'l'
        case 0x61: { // APPEND 'a'
          const value = this.#pop();
          this.#list(this.#top()).push(value);
          break;
        }
        case 0x65: { // APPENDS 'e'
          const items = this.#popMark();
          this.#list(this.#top()).push(...items);
          break;
        }
        case 0x7d: this.#push(new Map()); break; // EMPTY_DICT '}'
        case 0x64: { // DICT 'd'
          const items = this.#popMark();
          const map = new Map();
          for (let i = 0; i + 1 < items.length; i += 2) map.set(items[i], items[i + 1]);
          this.#push(map);
          break;
        }
        case 0x73: { // SETITEM 's'
          const value = this.#pop();
          const key = this.#pop();
          this.#dict(this.#top()).set(key, value);
          break;
        }
        case 0x75: { // SETITEMS 'u'
          const items = this.#popMark();
          const map = this.#dict(this.#top());
          for (let i = 0; i + 1 < items.length; i += 2) map.set(items[i], items[i + 1]);
          break;
        }
        case 0x8f: this.#push(new Set()); break; // EMPTY_SET
        case 0x90: { // ADDITEMS
          const items = this.#popMark();
          const set = this.#top();
          if (!(set instanceof Set)) this.#fail('ADDITEMS on something that is not a set');
          for (const item of items) set.add(item);
          break;
        }
        case 0x91: this.#push(new Set(this.#popMark())); break; // FROZENSET
        // ---- globals and object construction (allow-list only) ----
        case 0x63: { // GLOBAL 'c'
          const module = this.#in.line();
          this.#push(this.#global(module, this.#in.line()));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.#pop();
          const module = this.#pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.#fail('STACK_GLOBAL needs two strings');
          this.#push(this.#global(module, name));
          break;
        }
        case 0x52: { // REDUCE 'R'
          const args = this.#pop();
          const callable = this.#pop();
          this.#push(this.#call(callable, args, 'REDUCE'));
          break;
        }
        case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
          const args = this.#pop();
          const cls = this.#pop();
          this.#push(this.#call(cls, args, 'NEWOBJ'));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          const kwargs = this.#pop();
          const args = this.#pop();
          const cls = this.#pop();
          if (!(kwargs instanceof Map) || kwargs.size > 0) this.#fail('NEWOBJ_EX with keyword arguments is not supported');
          this.#push(this.#call(cls, args, 'NEWOBJ_EX'));
          break;
        }
        case 0x69: { // INST 'i'
          const module = this.#in.line();
          const cls = this.#global(module, this.#in.line());
          this.#push(this.#call(cls, this.#popMark(), 'INST'));
          break;
        }
        case 0x6f: { // OBJ 'o'
          const items = this.#popMark();
          const cls = items.shift();
          this.#push(this.#call(cls, items, 'OBJ'));
          break;
        }
        case 0x62: this.#build(); break; // BUILD 'b'
        case 0x82: case 0x83: case 0x84: // EXT1 / EXT2 / EXT4
          this.#fail('extension-registry codes (EXT1/2/4) are not supported');
          break;
        case 0x50: this.#push(this.#persistent(this.#in.line())); break; // PERSID 'P'
        case 0x51: this.#push(this.#persistent(this.#pop())); break; // BINPERSID 'Q'
        // ---- memo ----
        case 0x67: this.#push(this.#memoGet(this.#int(this.#in.line().trim()) as number)); break; // GET 'g'
        case 0x68: this.#push(this.#memoGet(this.#in.u8())); break; // BINGET 'h'
        case 0x6a: this.#push(this.#memoGet(this.#in.u32())); break; // LONG_BINGET 'j'
        case 0x70: this.#memo.set(this.#int(this.#in.line().trim()) as number, this.#top()); break; // PUT 'p'
        case 0x71: this.#memo.set(this.#in.u8(), this.#top()); break; // BINPUT 'q'
        case 0x72: this.#memo.set(this.#in.u32(), this.#top()); break; // LONG_BINPUT 'r'
        case 0x94: this.#memo.set(this.#memo.size, this.#top()); break; // MEMOIZE
        default:
          this.#in.pos--;
          this.#fail(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
    return this.#fail('truncated data: no STOP opcode');
  }

  #list(value: unknown): unknown[] {
    if (!Array.isArray(value) || Object.isFrozen(value)) this.#fail('APPEND on something that is not a list');
    return value;
  }

  #dict(value: unknown): Map<unknown, unknown> {
    if (!(value instanceof Map)) this.#fail('SETITEM on something that is not a dict');
    return value;
  }

  #int(text: string): number | bigint {
    if (!/^[+-]?\d+$/.test(text)) this.#fail(`bad integer ${JSON.stringify(text)}`);
    const n = BigInt(text);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }

  // Little-endian two's complement, as LONG1 / LONG4 store Python ints.
  #long(n: number): number | bigint {
    const raw = this.#in.take(n);
    let v = 0n;
    for (let i = raw.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
    if (n > 0 && raw[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  #float(text: string): number {
    const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };
    if (text in special) return special[text];
    const v = Number(text);
    if (text === '' || Number.isNaN(v)) this.#fail(`bad float ${JSON.stringify(text)}`);
    return v;
  }
}
