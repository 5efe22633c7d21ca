/** `iso` caches the strings it writes; it must still write exactly what `toISOString` writes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso } from '../../src/sla/_time.js';

describe('iso', () => {
  it('writes what Date#toISOString writes, for instants that share cache slots too', () => {
    const instant = fc.integer({ min: Date.parse('1971-01-01T00:00:00Z'), max: Date.parse('2099-12-31T23:59:59Z') });
    fc.assert(
      fc.property(fc.array(fc.oneof(instant, instant.map((t) => t - (t % 256)), fc.constant(256 * 7_000_000_000)), { maxLength: 50 }), (instants) => {
        for (const t of [...instants, ...instants.reverse()]) expect(iso(t)).toBe(new Date(t).toISOString());
      }),
      { numRuns: 300 },
    );
  });

  it('writes fractional and pre-1970 instants as Date does, and refuses NaN as Date does', () => {
    for (const t of [1.5, -1, -86_400_000.25, 0]) expect(iso(t)).toBe(new Date(t).toISOString());
    expect(() => iso(Number.NaN)).toThrow(RangeError);
  });
});
