import { describe, expect, it } from 'vitest';
import { definePolicy, TIERS } from '../../src/routing/index.js';
import { context, request } from './_fixtures.js';
import { candidate } from './_policies.js';
import { sync } from './_sync.js';

const unsorted = definePolicy({
  name: 'unsorted',
  rank: () => ({
    candidates: [candidate('shuiwu', 0.2), candidate('gongdian', 0.9), candidate('chengguan', 0.9), candidate('shuiwu', 0.7)],
    notes: [],
  }),
});

describe('definePolicy', () => {
  it('ranks best first, ties by unit id, each unit once with its best score', () => {
    expect(sync(unsorted.rank(request(), context())).candidates.map((c) => [c.unitId, c.score])).toEqual([
      ['chengguan', 0.9],
      ['gongdian', 0.9],
      ['shuiwu', 0.7],
    ]);
  });

  it('guards its ranking: a unit that returned the case is dropped with a note', () => {
    const ranking = sync(unsorted.rank(request({ triedUnits: [{ unitId: 'chengguan', outcome: 'returned' }] }), context()));
    expect(ranking.candidates[0]?.unitId).toBe('gongdian');
    expect(ranking.notes).toEqual([{ policy: 'unsorted', code: 'excludedReturned', unitId: 'chengguan', message: '排除: 城管局 已退单' }]);
  });

  it('decides for the best candidate and lists the runners-up as alternatives', () => {
    expect(sync(unsorted.decide(request(), context()))).toMatchObject({ leadUnitId: 'chengguan', score: 0.9, alternatives: ['gongdian', 'shuiwu'] });
  });

  it('works with an asynchronous ranking function', async () => {
    const remote = definePolicy({ name: 'remote', rank: async () => ({ candidates: [candidate('shuiwu', 1)], notes: [] }) });
    await expect(remote.decide(request(), context())).resolves.toMatchObject({ leadUnitId: 'shuiwu' });
  });

  it('rejects with a ROUTING error when an asynchronous ranking names nobody', async () => {
    const remote = definePolicy({ name: 'remote', rank: async () => ({ candidates: [], notes: [] }) });
    await expect(remote.decide(request(), context())).rejects.toMatchObject({ code: 'ROUTING', details: { reason: 'noCandidate' } });
  });
});

describe('TIERS', () => {
  it('lists the three tiers', () => {
    expect(TIERS).toEqual(['immediate', 'general', 'complex']);
  });
});
