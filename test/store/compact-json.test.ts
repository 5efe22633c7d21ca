import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactJsonCodec } from '../../src/store/_compact-json.js';

/** What JSON gives back for `value`: the codec must give back exactly this, key order included. */
const viaJson = (value: unknown): string => JSON.stringify(value);
const roundTrip = (codec: ReturnType<typeof compactJsonCodec>, value: unknown): string => JSON.stringify(codec.decode(codec.encode(value)));

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** 24-character strings in the ISO layout with every field drawn past its valid range. */
const isoLookalike = fc
  .record({
    y: fc.integer({ min: 0, max: 9999 }), mo: fc.integer({ min: 0, max: 19 }), d: fc.integer({ min: 0, max: 39 }),
    h: fc.integer({ min: 0, max: 29 }), mi: fc.integer({ min: 0, max: 69 }), s: fc.integer({ min: 0, max: 69 }), ms: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ y, mo, d, h, mi, s, ms }) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);

const canonicalInstant = fc.date({ min: new Date('0100-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString());

const hex = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((b) => Buffer.from(b).toString('hex'));

/** Strings that start with the codec's marks or look like what it compacts. */
const trickyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string().map((s) => `~${s}`),
  fc.string().map((s) => `^${s}`),
  fc.string().map((s) => `!${s}`),
  canonicalInstant,
  isoLookalike,
  hex,
  hex.map((h) => h.toUpperCase()),
  hex.map((h) => `${h}a`),
);

const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, trickyString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'id', 'at', '~', '^x')), tie('node'), { maxKeys: 6 }),
})).node;

describe.each([true, false])('compactJsonCodec (compile: %s)', (compile) => {
  const make = (options: Parameters<typeof compactJsonCodec>[0] = {}) => compactJsonCodec({ ...options, compile });

  it('gives back what JSON gives back, key order included', () => {
    const codec = make();
    fc.assert(fc.property(value, (v) => {
      expect(roundTrip(codec, v)).toBe(viaJson(v));
    }), { numRuns: 2000 });
  });

  it('gives back JSON values from fast-check', () => {
    const codec = make();
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(roundTrip(codec, v)).toBe(viaJson(v));
    }), { numRuns: 1000 });
  });

  it('keeps every string exactly, however much it looks like an instant or a hash', () => {
    const codec = make();
    fc.assert(fc.property(trickyString, (s) => {
      expect(codec.decode(codec.encode(s))).toBe(s);
    }), { numRuns: 5000 });
  });

  it('writes an instant toISOString would write as its epoch ms, and anything else as the string', () => {
    const codec = make();
    expect(codec.encode('2026-02-16T01:00:00.000Z')).toBe(JSON.stringify(`~${Date.parse('2026-02-16T01:00:00.000Z').toString(36)}`));
    // Not what toISOString writes: a rolled-over date, a date before year 100, a lowercase z.
    for (const s of ['2026-02-29T01:00:00.000Z', '2026-04-31T01:00:00.000Z', '0099-01-01T00:00:00.000Z', '2026-02-16T01:00:00.000z', '2026-02-16T24:00:00.000Z']) {
      expect(codec.encode(s)).toBe(JSON.stringify(s));
    }
    expect(codec.encode('2024-02-29T23:59:59.999Z')).not.toBe(JSON.stringify('2024-02-29T23:59:59.999Z'));
  });

  it('writes lowercase hex of even length ≥ 32 in base64url, and keeps other hex as it is', () => {
    const codec = make();
    const hash = 'c9927caba8b061eed7c4bce5ce028601b7182d9d137405aa7f940dfe081ea335';
    expect(codec.encode(hash)).toBe(JSON.stringify(`!${Buffer.from(hash, 'hex').toString('base64url')}`));
    for (const s of [hash.toUpperCase(), hash.slice(1), hash.slice(0, 30)]) expect(codec.encode(s)).toBe(JSON.stringify(s));
  });

  it('spells each object layout once per codec', () => {
    const codec = make();
    const row = { assignment: { id: 'a1', unitId: 'u-lead', ownerId: null, createdAt: '2026-02-16T01:00:00.000Z' }, counters: { redo: 0, urge: 2 } };
    codec.encode(row);
    const again = codec.encode({ ...row, counters: { redo: 1, urge: 3 } });
    expect(again).not.toContain('unitId');
    expect(again).not.toContain('redo');
    expect(again.length).toBeLessThan(JSON.stringify(row).length / 2);
    expect(codec.shapes).toBe(3);
  });

  it('writes keys inline once it has recorded maxShapes layouts, and still gives everything back', () => {
    const codec = make({ maxShapes: 2 });
    const values = Array.from({ length: 20 }, (_, i) => ({ [`k${i}`]: i, nested: { [`n${i}`]: [i, { deep: i }] } }));
    for (const v of values) expect(roundTrip(codec, v)).toBe(viaJson(v));
    expect(codec.shapes).toBe(2);
    // The two recorded first ({ deep }, then { n0 }: innermost first) are still used.
    expect(codec.encode({ deep: 5 })).toBe('[1,5]');
    expect(codec.encode(values[0])).toBe('[-1,"k0",0,"nested",[2,[0,0,[1,0]]]]');
  });

  it('leaves out what JSON leaves out and calls toJSON', () => {
    const codec = make();
    const v = { a: undefined, b: () => 1, c: Symbol('s'), d: new Date(Date.UTC(2026, 1, 16)), e: [undefined, () => 1, Number.NaN, -0, Infinity], f: 1 };
    expect(roundTrip(codec, v)).toBe(viaJson(v));
    // The same keys with and without a left-out value are two layouts, both read back right.
    expect(roundTrip(codec, { a: 1, f: 2 })).toBe('{"a":1,"f":2}');
  });

  it('keeps __proto__ an own property, as JSON.parse does', () => {
    const codec = make();
    const v = JSON.parse('{"__proto__":{"polluted":true},"x":1}') as Record<string, unknown>;
    const back = codec.decode<Record<string, unknown>>(codec.encode(v));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'x']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('writes a recorded layout with a left-out value as the shorter layout JSON writes', () => {
    const codec = make();
    // Twice: the second object of a layout is the first the recorded layout serves.
    expect(roundTrip(codec, { a: 1, b: 2 })).toBe('{"a":1,"b":2}');
    expect(roundTrip(codec, { a: 3, b: 4 })).toBe('{"a":3,"b":4}');
    expect(roundTrip(codec, { a: 5, b: undefined })).toBe('{"a":5}');
    expect(roundTrip(codec, { a: () => 1, b: 6 })).toBe('{"b":6}');
    expect(roundTrip(codec, { a: 7, b: 8 })).toBe('{"a":7,"b":8}');
  });

  it('keeps __proto__ an own property in a recorded layout', () => {
    const codec = make();
    for (let i = 0; i < 3; i++) {
      const v = JSON.parse(`{"x":${i},"__proto__":{"polluted":true}}`) as Record<string, unknown>;
      const back = codec.decode<Record<string, unknown>>(codec.encode(v));
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
      expect(JSON.stringify(back)).toBe(JSON.stringify(v));
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('gives back objects wider than it compiles, layout after layout', () => {
    const codec = make();
    const wide = (n: number, offset: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i + offset]));
    for (const n of [255, 256, 257, 1000]) {
      for (let round = 0; round < 3; round++) expect(roundTrip(codec, wide(n, round))).toBe(viaJson(wide(n, round)));
    }
  });

  it('refuses what JSON refuses', () => {
    const codec = make();
    expect(() => codec.encode({ n: 1n })).toThrow(TypeError);
    expect(() => codec.encode(undefined)).toThrow(TypeError);
  });
});

/** Objects over a few keys, so layouts recur and the compiled ones are used; with values JSON leaves out. */
const recurring = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, trickyString, fc.integer(), fc.constant(null), fc.constant(undefined), fc.constant(() => 1), tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 3 }),
  // Keys that generated source must quote right: quotes, backslashes, line separators, index-like
  // keys (which objects order first) and names Object.prototype has.
  object: fc.dictionary(fc.constantFrom('id', 'at', 'state', '__proto__', '~', 'a"b', '\\', '\u2028', '1', '0', 'constructor', 'toString'), tie('node'), { maxKeys: 5 }),
})).object;

describe('compactJsonCodec compiled layouts', () => {
  it('write the same text as the generic path and read back what JSON reads back, value after value', () => {
    fc.assert(fc.property(fc.array(recurring, { minLength: 1, maxLength: 20 }), (values) => {
      const compiled = compactJsonCodec({ compile: true });
      const generic = compactJsonCodec({ compile: false });
      for (const v of values) {
        const text = compiled.encode(v);
        expect(text).toBe(generic.encode(v));
        expect(JSON.stringify(compiled.decode(text))).toBe(viaJson(v));
      }
    }), { numRuns: 1000 });
  });
});
