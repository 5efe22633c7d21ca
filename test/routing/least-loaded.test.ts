import { describe, expect, it } from 'vitest';
import { leastLoaded } from '../../src/routing/index.js';
import { context, contextWith, records, request } from './_fixtures.js';
import { sync } from './_sync.js';

const vending = request({ category: 'urban/vending' });

describe('leastLoaded', () => {
  it('considers the units whose mandates cover the category or an ancestor, active ones only', () => {
    const decision = sync(leastLoaded().decide(vending, context()));
    expect([decision.leadUnitId, ...decision.alternatives].sort()).toEqual(['chengguan', 'street.a', 'street.b']);
  });

  it('prefers the unit with the lowest load weighted by tier', () => {
    const ctx = contextWith([
      ...records('chengguan', 3, { state: 'open', tier: 'general' }),
      ...records('street.a', 1, { state: 'open', tier: 'complex' }),
      ...records('street.b', 2, { state: 'open', tier: 'immediate' }),
    ]);
    const ranking = sync(leastLoaded().rank(vending, ctx));
    // weights 2 / 1 / 4: chengguan 3, street.a 4, street.b 4 → scores 8/11, 8/12, 8/12
    expect(ranking.candidates.map((c) => [c.unitId, c.score])).toEqual([
      ['chengguan', 0.727],
      ['street.a', 0.667],
      ['street.b', 0.667],
    ]);
    expect(ranking.candidates[1]?.reasons[0]).toBe('负载: 甲街道 在办 1 件 (即时 0 / 一般 0 / 复杂 1, 加权 4)');
  });

  it('accepts custom weights and scale', () => {
    const ctx = contextWith(records('chengguan', 1, { state: 'open', tier: 'complex' }));
    const ranking = sync(leastLoaded({ weights: { complex: 10 }, halfLoad: 10 }).rank(vending, ctx));
    expect(ranking.candidates.find((c) => c.unitId === 'chengguan')?.score).toBe(0.5);
  });

  it('uses a custom pool', () => {
    const policy = leastLoaded({ pool: () => ['shuiwu'] });
    expect(sync(policy.decide(vending, context())).leadUnitId).toBe('shuiwu');
  });

  it('throws noCandidate when no unit is competent for the category', () => {
    expect(() => leastLoaded().decide(request({ category: 'pets' }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'noCandidate', notes: ['没有职能覆盖 pets 的单位'] }) }),
    );
  });

  it('throws allCandidatesReturned when every competent unit returned the case', () => {
    const triedUnits = ['chengguan', 'street.a', 'street.b'].map((unitId) => ({ unitId, outcome: 'returned' as const }));
    expect(() => leastLoaded().decide({ ...vending, triedUnits }, context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'allCandidatesReturned' }) }),
    );
  });
});
