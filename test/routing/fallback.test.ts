import { describe, expect, it } from 'vitest';
import { JiaobanError } from '../../src/errors.js';
import { definePolicy, fallback } from '../../src/routing/index.js';
import { context, request } from './_fixtures.js';
import { candidate, fixed } from './_policies.js';
import { sync } from './_sync.js';

const failing = (error: unknown, async = false) =>
  definePolicy({
    name: 'classifier',
    rank: () => {
      if (async) return Promise.reject(error);
      throw error;
    },
  });
const routingError = new JiaobanError('ROUTING', 'no idea', { reason: 'noCandidate', caseId: 'c1', category: 'x', policy: 'classifier', notes: [] });

describe('fallback', () => {
  it('uses the first policy when it names an admissible unit', () => {
    const otherwise = fixed('b', [candidate('shuiwu', 1)]);
    expect(sync(fallback(fixed('a', [candidate('chengguan', 1)]), otherwise).decide(request(), context())).leadUnitId).toBe('chengguan');
    expect(otherwise.calls).toBe(0);
  });

  it('uses the second policy when the first names nobody admissible, keeping the first’s notes', () => {
    const policy = fallback(fixed('a', [candidate('chengguan', 1)]), fixed('b', [candidate('shuiwu', 1)]));
    const decision = sync(policy.decide(request({ triedUnits: [{ unitId: 'chengguan', outcome: 'returned' }] }), context()));
    expect(decision.leadUnitId).toBe('shuiwu');
    expect(decision.reasons).toContain('排除: 城管局 已退单');
  });

  it('catches a ROUTING error of the first policy and notes it', () => {
    const decision = sync(fallback(failing(routingError), fixed('b', [candidate('shuiwu', 1)])).decide(request(), context()));
    expect(decision.leadUnitId).toBe('shuiwu');
    expect(decision.reasons).toContain('classifier 失败: no idea');
  });

  it('catches a rejected promise of the first policy', async () => {
    const decision = await fallback(failing(routingError, true), fixed('b', [candidate('shuiwu', 1)])).decide(request(), context());
    expect(decision.leadUnitId).toBe('shuiwu');
  });

  it('lets other errors through unless told to catch all', async () => {
    const down = new Error('ECONNREFUSED');
    expect(() => fallback(failing(down), fixed('b', [candidate('shuiwu', 1)])).decide(request(), context())).toThrow('ECONNREFUSED');
    const policy = fallback(failing(down, true), fixed('b', [candidate('shuiwu', 1)]), { catchErrors: 'all' });
    expect((await policy.decide(request(), context())).reasons).toContain('classifier 失败: ECONNREFUSED');
  });

  it('throws noCandidate when neither policy names a unit', () => {
    expect(() => fallback(fixed('a', []), fixed('b', [])).decide(request(), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'noCandidate', policy: 'fallback(a, b)' }) }),
    );
  });

  it('throws allCandidatesReturned when both policies’ units returned the case', () => {
    const triedUnits = [{ unitId: 'chengguan', outcome: 'returned' as const }];
    expect(() =>
      fallback(fixed('a', [candidate('chengguan', 1)]), fixed('b', [candidate('chengguan', 1)])).decide(request({ triedUnits }), context()),
    ).toThrowError(expect.objectContaining({ details: expect.objectContaining({ reason: 'allCandidatesReturned' }) }));
  });
});
