import { describe, expect, it } from 'vitest';
import { byPerformance } from '../../src/routing/index.js';
import { context, contextWith, records, request } from './_fixtures.js';
import { sync } from './_sync.js';

const vending = request({ category: 'urban/vending' });
const history = [
  // 城管局: good record on vending
  ...records('chengguan', 10, { category: 'urban/vending', onTime: true, satisfaction: 90 }),
  // 甲街道: poor record
  ...records('street.a', 6, { category: 'urban/vending', onTime: false, satisfaction: 50, redoCount: 1 }),
  ...records('street.a', 4, { category: 'urban/vending', state: 'returned' }),
  // 乙街道: only two cases, too few to judge
  ...records('street.b', 2, { category: 'urban/vending', onTime: true, satisfaction: 100 }),
];

describe('byPerformance', () => {
  it('ranks units by their weighted record in the category', () => {
    const ranking = sync(byPerformance().rank(vending, contextWith(history)));
    expect(ranking.candidates.map((c) => [c.unitId, c.score])).toEqual([
      ['chengguan', 0.97],
      ['street.b', 0.5],
      ['street.a', 0.27],
    ]);
    expect(ranking.candidates[0]?.reasons[0]).toBe('历史表现 urban/vending: 城管局 按时办结率 100%, 退单率 0%, 重办率 0%, 满意度 90 (n=10) → 0.97');
  });

  it('gives a unit without enough history the floor, so that new units still get work', () => {
    const ranking = sync(byPerformance({ floor: 0.8 }).rank(vending, contextWith(history)));
    const newcomer = ranking.candidates.find((c) => c.unitId === 'street.b');
    expect(newcomer?.score).toBe(0.8);
    expect(newcomer?.reasons[0]).toBe('历史表现: 乙街道 在 urban/vending 样本不足 (n=2 < 5), 取保底分 0.8');
  });

  it('falls back to the top category when the subcategory has too little history', () => {
    const ctx = contextWith(records('street.b', 6, { category: 'urban/streetlight', onTime: true }));
    const ranking = sync(byPerformance().rank(vending, ctx));
    const unit = ranking.candidates.find((c) => c.unitId === 'street.b');
    expect(unit?.score).toBe(1);
    expect(unit?.reasons[0]).toMatch(/^历史表现 urban: /);
  });

  it('leaves out metrics without data and renormalises the others', () => {
    const ctx = contextWith(records('chengguan', 5, { category: 'urban/vending', onTime: false }));
    const ranking = sync(byPerformance({ weights: { onTime: 1, returns: 0, redo: 0, satisfaction: 1 } }).rank(vending, ctx));
    expect(ranking.candidates.find((c) => c.unitId === 'chengguan')?.score).toBe(0);
  });

  it('scores everyone at the floor with no statistics at all', () => {
    const ranking = sync(byPerformance().rank(vending, context()));
    expect(ranking.candidates.every((c) => c.score === 0.5)).toBe(true);
  });

  it('throws noCandidate when no unit is competent for the category', () => {
    expect(() => byPerformance().decide(request({ category: 'pets' }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'noCandidate' }) }),
    );
  });

  it('throws allCandidatesReturned when every competent unit returned the case', () => {
    const triedUnits = ['chengguan', 'street.a', 'street.b'].map((unitId) => ({ unitId, outcome: 'returned' as const }));
    expect(() => byPerformance().decide({ ...vending, triedUnits }, contextWith(history))).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'allCandidatesReturned' }) }),
    );
  });
});
