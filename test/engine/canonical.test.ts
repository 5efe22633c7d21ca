/**
 * `sameCanonical` decides what `canonicalJson` string equality decides, without building the strings
 * (a tick compares a case's SLA state before and after with it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, sameCanonical, sha256, sha256Using } from '../../src/engine/_canonical.js';

/** A copy with every object's keys in reverse order: canonically the same value. */
function reordered(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(reordered);
  // fromEntries defines own properties, `__proto__` included (an assignment would set the prototype).
  return Object.fromEntries(Object.keys(v).reverse().map((key) => [key, reordered((v as Record<string, unknown>)[key])]));
}

describe('sameCanonical', () => {
  const value = fc.jsonValue({ maxDepth: 4 });

  it('agrees with comparing canonical JSON strings', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameCanonical(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 500 },
    );
  });

  it('ignores key order and undefined properties, and nothing else', () => {
    fc.assert(
      fc.property(value, (a) => {
        expect(sameCanonical(a, reordered(a))).toBe(true);
        expect(sameCanonical({ x: a, gone: undefined }, { x: reordered(a) })).toBe(true);
        expect(sameCanonical({ x: a }, { x: a, extra: null })).toBe(false);
        expect(sameCanonical([a], [a, null])).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart values that differ at depth', () => {
    expect(sameCanonical({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(sameCanonical({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameCanonical([undefined], [null])).toBe(true);
    expect(sameCanonical({ a: null }, {})).toBe(false);
  });

  it('treats undefined, NaN and ±Infinity as the null that canonicalJson writes for them', () => {
    for (const [a, b] of [[Number.NaN, null], [Number.POSITIVE_INFINITY, null], [undefined, null], [[Number.NaN], [null]], [{ k: Number.NEGATIVE_INFINITY }, { k: null }]] as const) {
      expect([sameCanonical(a, b), canonicalJson(a) === canonicalJson(b)]).toEqual([true, true]);
    }
    expect([sameCanonical(Number.NaN, 0), canonicalJson(Number.NaN) === canonicalJson(0)]).toEqual([false, false]);
  });
});

describe('sha256', () => {
  it('is the hex sha256 of the UTF-8 bytes, as a Hash object computes it', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(sha256(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }), { numRuns: 300 });
  });

  it('gives the same hex without the one-shot crypto.hash (Node 20 before 20.12)', () => {
    const fallback = sha256Using(undefined);
    expect(fallback('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(fallback(s)).toBe(sha256(s));
    }), { numRuns: 300 });
  });

  it('takes the one-shot call when Node has it', () => {
    const calls: string[] = [];
    const hashed = sha256Using((algorithm, data) => {
      calls.push(algorithm);
      return `${algorithm}:${data}`;
    });
    expect(hashed('x')).toBe('sha256:x');
    expect(calls).toEqual(['sha256']);
  });
});
