import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import { byCatalog, byJurisdiction, firstMatch, leastLoaded } from '../../src/routing/index.js';
import { areasJson, catalog, context, request } from './_fixtures.js';
import { candidate, fixed, later } from './_policies.js';
import { sync } from './_sync.js';

describe('firstMatch', () => {
  it('keeps the first policy that names a unit and does not ask the later ones', () => {
    const second = fixed('second', [candidate('shuiwu', 1)]);
    const decision = sync(firstMatch(fixed('first', [candidate('chengguan', 0.3)]), second).decide(request(), context()));
    expect(decision).toMatchObject({ leadUnitId: 'chengguan', policy: 'first' });
    expect(second.calls).toBe(0);
  });

  it('moves on when the first policy’s units all returned the case, and says so', () => {
    const policy = firstMatch(byCatalog(catalog), byJurisdiction(areasJson));
    const decision = sync(
      policy.decide(request({ location: { areaId: 'district/a/1' }, triedUnits: [{ unitId: 'chengguan', outcome: 'returned', reason: '属地不符' }] }), context()),
    );
    expect(decision.leadUnitId).toBe('street.a');
    expect(decision.reasons).toEqual(['属地: 一社区 所在的 甲街道 → 甲街道', '排除: 城管局 已退单 (属地不符)']);
  });

  it('moves on past an unknown category to the next policy', () => {
    const decision = sync(firstMatch(byCatalog(catalog), byJurisdiction(areasJson)).decide(request({ category: 'pets', location: { areaId: 'district' } }), context()));
    expect(decision.leadUnitId).toBe('district');
    expect(decision.reasons).toContain('派单目录中没有类别 pets');
  });

  it('names the composed policies in its own name', () => {
    expect(firstMatch(byCatalog(catalog), leastLoaded()).name).toBe('firstMatch(byCatalog(test-city), leastLoaded)');
  });

  it('awaits asynchronous policies in order', async () => {
    const policy = firstMatch(later('remote', []), later('backup', [candidate('shuiwu', 0.4)]));
    const decision = policy.decide(request(), context());
    expect(decision).toBeInstanceOf(Promise);
    expect((await decision).leadUnitId).toBe('shuiwu');
  });

  it('stays synchronous when every policy is synchronous', () => {
    expect(firstMatch(byCatalog(catalog)).decide(request(), context())).not.toBeInstanceOf(Promise);
  });

  it('throws noCandidate when no policy names a unit', () => {
    expect(() => firstMatch(fixed('a', []), fixed('b', [])).decide(request(), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'noCandidate', policy: 'firstMatch(a, b)' }) }),
    );
  });

  it('throws allCandidatesReturned when every named unit returned the case', () => {
    const triedUnits = [{ unitId: 'chengguan', outcome: 'returned' as const }, { unitId: 'shuiwu', outcome: 'transferred' as const }];
    const policy = firstMatch(fixed('a', [candidate('chengguan', 1)]), fixed('b', [candidate('shuiwu', 1)]));
    expect(() => policy.decide(request({ triedUnits }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'allCandidatesReturned' }) }),
    );
  });

  it('refuses to be built without policies', () => {
    try {
      firstMatch();
      expect.unreachable();
    } catch (error) {
      expect(isJiaobanError(error, 'VALIDATION')).toBe(true);
    }
  });
});
