/**
 * A lossless, compact encoding of JSON values for rows the memory store keeps in process memory.
 *
 * A case row is mostly the same object layouts over and over (an xstate snapshot, its context, its
 * assignments, the SLA state) and ISO instants. JSON spells every key of every object and 26 bytes
 * per instant; here an object becomes an array that starts with the number of its *shape* (its key
 * list, recorded once per codec) and an instant becomes its epoch ms in base 36:
 *
 * - `null`, booleans and numbers are written as JSON writes them;
 * - an array is `[0, ...items]`;
 * - an object is `[shape, ...values]` with `shape ≥ 1`, or `[-1, key, value, key, value, …]` once the
 *   codec has recorded `maxShapes` layouts (objects with ever-changing keys cannot grow it forever);
 * - a string that `Date#toISOString` would write back unchanged is `~` and its epoch ms in base 36;
 * - lowercase hex of 32 characters or more, of even length (a hash), is `!` and its bytes in base64url;
 * - any other string starting with `~`, `!` or `^` gets a `^` in front (so it cannot pass for either).
 *
 * `decode(encode(v))` equals `JSON.parse(JSON.stringify(v))` for every value JSON can write: keys
 * with `undefined`, function or symbol values are left out, `toJSON` is honoured, non-finite numbers
 * become `null`. Shapes only accumulate, so a value encoded by a codec decodes with the same codec
 * at any later time.
 */
import { iso } from '../_iso.js';

export interface CompactJsonCodec {
  /** The compact text of `value` (what `JSON.stringify` of its encoded form writes). */
  encode(value: unknown): string;
  /** The value `encode` was given, as `JSON.parse(JSON.stringify(value))` would give it back. */
  decode<T>(text: string): T;
  /** How many object layouts the codec has recorded. */
  readonly shapes: number;
}

/** A node of the trie of key lists: the keys that lead to it and, once recorded, its layout number. */
interface ShapeNode {
  keys: string[];
  next: Map<string, ShapeNode> | null;
  shape: number;
  /** On a first key's node: the nodes of the last few layouts seen that start with that key. */
  guesses?: ShapeNode[];
  /** Once recorded and met again: the layout's compiled encoder. */
  encoder?: Encoder;
}

/** A compiled encoder of one layout: `[shape, ...wire values]`, or null when JSON would leave a value out. */
type Encoder = (obj: Record<string, unknown>, wire: (value: unknown) => unknown) => unknown[] | null;
/** The decoder of one layout: the object, its values read from `items[1…]`. */
type Decoder = (wire: (value: unknown) => unknown, items: readonly unknown[]) => Record<string, unknown>;

const TILDE = 126; // '~'
const CARET = 94; // '^'
const BANG = 33; // '!'
const MIN_HEX = 32;
const ISO_LENGTH = 24;
const INSTANT_CACHE = 4096;
// Layouts remembered per first key: `{ id, state, … }` assignments and `{ id, revision }` calendars
// both start with `id`, and a single guess would flip between them.
const GUESSES = 4;
// Past this many keys a layout is decoded and encoded by the generic path: an object that wide is a
// dictionary, and a function per layout that size would cost more to compile than it saves.
const MAX_COMPILED_KEYS = 256;

/**
 * `out[key] = value`, except that `__proto__` becomes an own property, as JSON.parse makes it,
 * instead of replacing the object's prototype.
 */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}

/**
 * Whether this process may compile functions from strings (a host can forbid it with
 * `--disallow-code-generation-from-strings` or a CSP). Without it every layout takes the generic,
 * slower path; the encoded text is the same either way.
 */
const CAN_COMPILE = (() => {
  try {
    return (new Function('return 1') as () => number)() === 1;
  } catch {
    return false;
  }
})();

/** A key as a property name in generated source: quoted by JSON rules, `__proto__` computed so it stays an own key. */
const propertyName = (key: string): string => (key === '__proto__' ? '["__proto__"]' : JSON.stringify(key));

/** Options of `compactJsonCodec`. */
export interface CompactJsonOptions {
  /** Object layouts to record before falling back to inline keys (default 4,096). */
  maxShapes?: number;
  /**
   * Compile an encoder and a decoder per recorded layout (default: when the process allows code
   * generation from strings). `false` takes the generic path; the text written is the same.
   */
  compile?: boolean;
}

/** Whether `s` is lowercase hex of even length: what `Buffer#toString('hex')` writes back unchanged. */
function isLowerHex(s: string): boolean {
  if (s.length % 2 !== 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** The number written by `len` ASCII digits of `s` from `at`, or -1 if one of them is not a digit. */
function digits(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Epoch ms of `s` if `s` is exactly what `toISOString` writes for it (`YYYY-MM-DDTHH:mm:ss.sssZ`,
 * years 0100–9999), else NaN. Parsed by hand: Date.parse accepts forms toISOString never writes and
 * rolls some dates over, and a round trip through it costs more than the rest of a row's encoding.
 */
function instantOf(s: string): number {
  if (s.length !== ISO_LENGTH || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58
    || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return Number.NaN;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  // Date.UTC reads years 0–99 as 1900–1999; such strings simply stay strings.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return Number.NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const monthDays = (mo === 12 ? 365 : (DAYS_BEFORE_MONTH[mo] as number)) - (DAYS_BEFORE_MONTH[mo - 1] as number) + (leap && mo === 2 ? 1 : 0);
  if (d > monthDays) return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/**
 * A codec with its own layout table: what it encodes, only it decodes. The memory store uses one
 * for everything it keeps.
 *
 * @example
 * const codec = compactJsonCodec();
 * codec.decode(codec.encode({ at: '2026-02-16T01:00:00.000Z', n: [1, 2] }));
 * //=> { at: '2026-02-16T01:00:00.000Z', n: [1, 2] }
 */
export function compactJsonCodec(options: CompactJsonOptions = {}): CompactJsonCodec {
  const maxShapes = options.maxShapes ?? 4096;
  const compile = (options.compile ?? true) && CAN_COMPILE;
  // Shape 0 stands for "array"; layouts are numbered from 1.
  const layouts: string[][] = [[]];
  // Layouts are found by walking a trie of key lists key by key: no string is built and no key list
  // is allocated to look up a layout the codec has seen.
  const root: ShapeNode = { keys: [], next: null, shape: 0 };

  /** The node after `key`, made if the codec may still record layouts; null once it may not. */
  const step = (node: ShapeNode, key: string): ShapeNode | null => {
    const known = node.next?.get(key);
    if (known !== undefined) return known;
    if (layouts.length > maxShapes) return null;
    const made: ShapeNode = { keys: [...node.keys, key], next: null, shape: 0 };
    (node.next ??= new Map()).set(key, made);
    return made;
  };

  const shapeAt = (node: ShapeNode): number => {
    if (node.shape === 0) {
      if (layouts.length > maxShapes) return -1;
      node.shape = layouts.length;
      layouts.push(node.keys);
    }
    return node.shape;
  };

  // The instants of a case recur in every row written for it, and checking and converting one costs
  // more than the rest of its string's encoding (toString(36) above all): remember the recent ones.
  // (Decoding goes through `iso`, which has its own cache.)
  const instantWires = new Map<string, string>();
  const encodeString = (s: string): string => {
    const first = s.charCodeAt(0);
    if (first === TILDE || first === CARET || first === BANG) return `^${s}`;
    if (s.length >= MIN_HEX && isLowerHex(s)) return `!${Buffer.from(s, 'hex').toString('base64url')}`;
    // Instants start with a digit (0100–9999).
    if (first >= 48 && first <= 57 && s.length === ISO_LENGTH) {
      let wire = instantWires.get(s);
      if (wire === undefined) {
        const ms = instantOf(s);
        if (Number.isNaN(ms)) return s;
        if (instantWires.size >= INSTANT_CACHE) instantWires.clear();
        wire = `~${ms.toString(36)}`;
        instantWires.set(s, wire);
      }
      return wire;
    }
    return s;
  };

  /** The recorded node for exactly `keys`, walking the trie; null once no layout may be recorded. */
  const nodeFor = (keys: readonly string[], count: number): ShapeNode | null => {
    let node: ShapeNode | null = root;
    for (let i = 0; i < count && node !== null; i++) node = step(node, keys[i] as string);
    return node;
  };

  /**
   * The node of `keys` when it is one of the last few layouts seen after the same first key (the
   * common case: the same kind of object again), found by comparing keys instead of walking the
   * trie. `recordedOnly`: only a node that already has its layout number.
   */
  const guessed = (keys: readonly string[], recordedOnly: boolean): ShapeNode | null => {
    const n = keys.length;
    const guesses = n === 0 ? undefined : root.next?.get(keys[0] as string)?.guesses;
    if (guesses === undefined) return null;
    for (const guess of guesses) {
      if (guess.keys.length !== n || (recordedOnly && guess.shape <= 0)) continue;
      let i = 1;
      while (i < n && guess.keys[i] === keys[i]) i++;
      if (i === n) return guess;
    }
    return null;
  };

  /** The node of `keys`, guessed or found in the trie (and then remembered as a guess). */
  const layoutOf = (keys: readonly string[]): ShapeNode | null => {
    if (keys.length === 0) return root;
    const guess = guessed(keys, false);
    if (guess !== null) return guess;
    const node = nodeFor(keys, keys.length);
    if (node !== null) {
      const head = root.next?.get(keys[0] as string) as ShapeNode;
      head.guesses = [node, ...(head.guesses ?? []).slice(0, GUESSES - 1)];
    }
    return node;
  };

  // A recorded layout gets an encoder and a decoder compiled for its keys: reading `obj.title` at a
  // site that only ever sees one layout is what V8 makes fast, where `obj[keys[i]]` across every
  // layout is a generic keyed lookup each time; likewise one object literal per layout builds the
  // decoded object with its final shape in one allocation. Measured on a case row: encoding about
  // 15% faster, decoding about 18%. At most two functions per recorded layout (so at most
  // 2 × maxShapes), and none for a layout past MAX_COMPILED_KEYS keys (a dictionary, not a record).
  const compiles = (keys: readonly string[]): boolean => compile && keys.length <= MAX_COMPILED_KEYS;
  const encoderFor = (node: ShapeNode): Encoder => {
    if (node.encoder === undefined) {
      const reads = node.keys.map((k, i) => `const v${i} = wire(obj[${JSON.stringify(k)}]); if (v${i} === undefined) return null;`);
      const items = node.keys.map((_, i) => `, v${i}`).join('');
      node.encoder = new Function('obj', 'wire', `${reads.join('\n')}\nreturn [${node.shape}${items}];`) as Encoder;
    }
    return node.encoder;
  };

  const encodeObject = (obj: Record<string, unknown>): unknown[] => {
    const keys = Object.keys(obj);
    if (compiles(keys)) {
      const known = guessed(keys, true);
      if (known !== null) {
        // null: a value JSON leaves out, so the key list written is shorter than this layout.
        return encoderFor(known)(obj, toWire) ?? encodeSparseObject(obj, keys);
      }
    }
    const n = keys.length;
    const out: unknown[] = new Array(n + 1);
    for (let i = 0; i < n; i++) {
      const v = toWire(obj[keys[i] as string]);
      // A value JSON leaves out changes the key list: the rare case, written by the general path.
      if (v === undefined) return encodeSparseObject(obj, keys);
      out[i + 1] = v;
    }
    const node = layoutOf(keys);
    const shape = node === null ? -1 : shapeAt(node);
    if (shape >= 0) {
      out[0] = shape;
      return out;
    }
    return inlineKeys(keys, out);
  };

  const encodeSparseObject = (obj: Record<string, unknown>, allKeys: readonly string[]): unknown[] => {
    const keys: string[] = [];
    const out: unknown[] = [0];
    for (const key of allKeys) {
      const v = toWire(obj[key]);
      if (v === undefined) continue;
      keys.push(key);
      out.push(v);
    }
    const node = nodeFor(keys, keys.length);
    const shape = node === null ? -1 : shapeAt(node);
    if (shape >= 0) {
      out[0] = shape;
      return out;
    }
    return inlineKeys(keys, out);
  };

  /** `[-1, key, value, …]` from the keys and `[_, ...values]`. */
  const inlineKeys = (keys: readonly string[], out: readonly unknown[]): unknown[] => {
    const flat: unknown[] = [-1];
    for (let j = 1; j < out.length; j++) flat.push(keys[j - 1], out[j]);
    return flat;
  };

  /** The encoded form of `value`, or undefined where JSON would leave the value out. */
  const toWire = (value: unknown): unknown => {
    switch (typeof value) {
      case 'string':
        return encodeString(value);
      case 'number':
        return Number.isFinite(value) ? value : null;
      case 'boolean':
        return value;
      case 'object': {
        if (value === null) return null;
        if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return toWire((value as { toJSON(): unknown }).toJSON());
        if (Array.isArray(value)) {
          const out: unknown[] = new Array(value.length + 1);
          out[0] = 0;
          for (let i = 0; i < value.length; i++) {
            const v = toWire(value[i]);
            out[i + 1] = v === undefined ? null : v;
          }
          return out;
        }
        return encodeObject(value as Record<string, unknown>);
      }
      case 'bigint':
        // What JSON.stringify does with a bigint.
        throw new TypeError('Do not know how to serialize a BigInt');
      default:
        return undefined;
    }
  };

  // An object decoded by adding its keys one by one to `{}` turns into a slow dictionary past a dozen
  // keys (a case's context has over thirty), and every later read and spread of it pays. So each
  // layout gets one decoder, chosen when the layout is first read, that builds the object with the
  // layout's fast hidden class from the start: a compiled object literal, or, without compiling, a
  // copy of a per-layout template that JSON.parse made, its values stored key by key.
  const decoders: Array<Decoder | undefined> = [];
  const decoderOf = (shape: number): Decoder => {
    const keys = layouts[shape] as string[];
    let decoder: Decoder;
    if (compiles(keys)) {
      const fields = keys.map((k, i) => `${propertyName(k)}: wire(items[${i + 1}])`).join(', ');
      decoder = new Function('wire', 'items', `return { ${fields} };`) as Decoder;
    } else {
      const template = JSON.parse(`{${keys.map((k) => `${JSON.stringify(k)}:null`).join(',')}}`) as Record<string, unknown>;
      decoder = (wire, items) => {
        const shaped = { ...template };
        // Plain stores: every key, `__proto__` included, is already an own data property of the copy.
        for (let i = 1; i < items.length; i++) shaped[keys[i - 1] as string] = wire(items[i]);
        return shaped;
      };
    }
    decoders[shape] = decoder;
    return decoder;
  };

  const fromWire = (wire: unknown): unknown => {
    if (typeof wire === 'string') {
      const first = wire.charCodeAt(0);
      if (first === CARET) return wire.slice(1);
      if (first === TILDE) return iso(parseInt(wire.slice(1), 36));
      if (first === BANG) return Buffer.from(wire.slice(1), 'base64url').toString('hex');
      return wire;
    }
    if (typeof wire !== 'object' || wire === null) return wire;
    const items = wire as unknown[];
    const shape = items[0] as number;
    const n = items.length;
    if (shape === 0) {
      const out: unknown[] = new Array(n - 1);
      for (let i = 1; i < n; i++) out[i - 1] = fromWire(items[i]);
      return out;
    }
    if (shape === -1) {
      const out: Record<string, unknown> = {};
      for (let i = 1; i < n; i += 2) put(out, items[i] as string, fromWire(items[i + 1]));
      return out;
    }
    return (decoders[shape] ?? decoderOf(shape))(fromWire, items);
  };

  return {
    encode(value) {
      const wire = toWire(value);
      if (wire === undefined) throw new TypeError('compact JSON cannot encode a value JSON leaves out');
      return JSON.stringify(wire);
    },
    decode<T>(text: string): T {
      return fromWire(JSON.parse(text)) as T;
    },
    get shapes() {
      return layouts.length - 1;
    },
  };
}
