import { describe, expect, it } from 'vitest';
import { byCatalog, type RoutingDecision } from '../../src/routing/index.js';
import { catalog, context, request } from './_fixtures.js';

const policy = byCatalog(catalog);
const decide = (overrides: Parameters<typeof request>[0]): RoutingDecision => policy.decide(request(overrides), context()) as RoutingDecision;

describe('byCatalog', () => {
  it('names the catalogue lead with its cooperating units, tier and limits', () => {
    const decision = decide({ category: 'urban/streetlight' });
    expect(decision).toMatchObject({
      leadUnitId: 'chengguan',
      leadDuty: '牵头处置, 答复诉求人',
      cooperating: [{ unitId: 'gongdian', duty: '线路抢修' }],
      score: 1,
      policy: 'byCatalog(test-city)',
      terms: { category: 'urban/streetlight', tier: 'general' },
    });
    expect(decision.reasons[0]).toBe('派单目录: 城市管理/路灯 → 城管局');
  });

  it('ranks the alternates after the lead, in catalogue order', () => {
    const ranking = policy.rank(request({ category: 'urban/vending' }), context());
    expect('then' in ranking).toBe(false);
    if ('then' in ranking) return;
    expect(ranking.candidates.map((c) => [c.unitId, c.score])).toEqual([
      ['chengguan', 1],
      ['street.a', 0.9],
      ['street.b', 0.81],
    ]);
  });

  it('falls to the first alternate when the lead already returned the case', () => {
    const decision = decide({ category: 'urban/vending', triedUnits: [{ unitId: 'chengguan', outcome: 'returned' }] });
    expect(decision.leadUnitId).toBe('street.a');
    expect(decision.reasons).toContain('排除: 城管局 已退单');
  });

  it('uses the top category for an unknown subcategory, and says so', () => {
    const decision = decide({ category: 'urban/graffiti' });
    expect(decision.leadUnitId).toBe('chengguan');
    expect(decision.reasons[1]).toBe('派单目录中没有 urban/graffiti, 按上级类别 城市管理 派单');
  });

  it('throws unknownCategory for a category the catalogue does not have', () => {
    expect(() => decide({ category: 'pets/noise' })).toThrowError(
      expect.objectContaining({ code: 'ROUTING', details: expect.objectContaining({ reason: 'unknownCategory', notes: ['派单目录中没有类别 pets/noise'] }) }),
    );
  });

  it('throws unknownCategory for a top category without a lead', () => {
    expect(() => decide({ category: 'utilities' })).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'unknownCategory' }) }),
    );
  });

  it('throws allCandidatesReturned when the lead and every alternate returned it', () => {
    const triedUnits = ['chengguan', 'street.a', 'street.b'].map((unitId) => ({ unitId, outcome: 'returned' as const }));
    expect(() => decide({ category: 'urban/vending', triedUnits })).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'allCandidatesReturned', triedUnits: ['chengguan', 'street.a', 'street.b'] }) }),
    );
  });

  it('does not let callers mutate the catalogue through a decision', () => {
    decide({ category: 'urban/streetlight' }).cooperating.push({ unitId: 'x', duty: 'y' });
    expect(decide({ category: 'urban/streetlight' }).cooperating).toHaveLength(1);
  });
});
