import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import { byCatalog, bySkills, weighted } from '../../src/routing/index.js';
import { catalog, context, request } from './_fixtures.js';
import { candidate, fixed, later } from './_policies.js';
import { sync } from './_sync.js';

describe('weighted', () => {
  it('blends scores by weight, a policy that did not name a unit counting 0', () => {
    const policy = weighted([
      { policy: fixed('a', [candidate('chengguan', 1), candidate('shuiwu', 0.5)]), weight: 3 },
      { policy: fixed('b', [candidate('shuiwu', 1)]), weight: 1 },
    ]);
    const ranking = sync(policy.rank(request(), context()));
    expect(ranking.candidates.map((c) => [c.unitId, c.score])).toEqual([
      ['chengguan', 0.75],
      ['shuiwu', 0.625],
    ]);
    expect(ranking.candidates[1]?.reasons).toEqual(['shuiwu 0.5', 'shuiwu 1', '加权: a 0.5×3 + b 1×1 = 0.625']);
  });

  it('weighs a bare policy 1', () => {
    const policy = weighted([fixed('a', [candidate('chengguan', 1)]), fixed('b', [candidate('shuiwu', 1)])]);
    expect(policy.name).toBe('weighted(a×1, b×1)');
    expect(sync(policy.rank(request(), context())).candidates.map((c) => c.score)).toEqual([0.5, 0.5]);
  });

  it('takes cooperating units and terms from the catalogue and the owner from the skills match', () => {
    const policy = weighted([byCatalog(catalog), bySkills()]);
    const decision = sync(policy.decide(request({ tags: ['路灯'] }), context()));
    expect(decision).toMatchObject({
      leadUnitId: 'chengguan',
      leadDuty: '牵头处置, 答复诉求人',
      primaryOwnerId: 'p.wang',
      cooperating: [{ unitId: 'gongdian', duty: '线路抢修' }],
      terms: { category: 'urban/streetlight' },
    });
  });

  it('asks asynchronous policies in parallel', async () => {
    const policy = weighted([later('a', [candidate('chengguan', 1)]), fixed('b', [candidate('shuiwu', 1)])]);
    const ranking = await policy.rank(request(), context());
    expect(ranking.candidates).toHaveLength(2);
  });

  it('never picks a unit that returned the case, however well it scores', () => {
    const policy = weighted([fixed('a', [candidate('chengguan', 1), candidate('shuiwu', 0.1)])]);
    const decision = sync(policy.decide(request({ triedUnits: [{ unitId: 'chengguan', outcome: 'returned' }] }), context()));
    expect(decision.leadUnitId).toBe('shuiwu');
  });

  it('throws noCandidate when no policy names a unit', () => {
    expect(() => weighted([fixed('a', [])]).decide(request(), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'noCandidate' }) }),
    );
  });

  it('throws allCandidatesReturned when every named unit returned the case', () => {
    const policy = weighted([fixed('a', [candidate('chengguan', 1)])]);
    expect(() => policy.decide(request({ triedUnits: [{ unitId: 'chengguan', outcome: 'returned' }] }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'allCandidatesReturned' }) }),
    );
  });

  it('rejects negative, infinite or all-zero weights', () => {
    for (const weight of [-1, Number.POSITIVE_INFINITY, 0]) {
      try {
        weighted([{ policy: fixed('a', []), weight }]);
        expect.unreachable();
      } catch (error) {
        expect(isJiaobanError(error, 'VALIDATION')).toBe(true);
      }
    }
  });
});
