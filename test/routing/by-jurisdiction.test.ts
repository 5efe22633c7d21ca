import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import { byJurisdiction } from '../../src/routing/index.js';
import { areasJson, context, request } from './_fixtures.js';
import { sync } from './_sync.js';

const policy = byJurisdiction(areasJson);

describe('byJurisdiction', () => {
  it('names the unit responsible for the case’s own area', () => {
    const decision = sync(policy.decide(request({ location: { areaId: 'district/a' } }), context()));
    expect(decision.leadUnitId).toBe('street.a');
    expect(decision.reasons[0]).toBe('属地: 甲街道 → 甲街道');
  });

  it('climbs to the nearest area with a unit, and ranks the higher levels after it', () => {
    const ranking = sync(policy.rank(request({ location: { areaId: 'district/a/1' } }), context()));
    expect(ranking.candidates.map((c) => [c.unitId, c.score])).toEqual([
      ['street.a', 0.8],
      ['district', 0.64],
    ]);
    expect(ranking.candidates[0]?.reasons[0]).toBe('属地: 一社区 所在的 甲街道 → 甲街道');
  });

  it('skips an area whose unit is limited to other categories', () => {
    const other = sync(policy.rank(request({ category: 'urban/streetlight', location: { areaId: 'district/b' } }), context()));
    expect(other.candidates.map((c) => c.unitId)).toEqual(['district']);
    const own = sync(policy.rank(request({ category: 'urban/vending', location: { areaId: 'district/b' } }), context()));
    expect(own.candidates.map((c) => c.unitId)).toEqual(['street.b', 'district']);
  });

  it('notes a case without a location and names nobody', () => {
    const ranking = sync(policy.rank(request(), context()));
    expect(ranking).toEqual({ candidates: [], notes: [expect.objectContaining({ code: 'noLocation' })] });
  });

  it('notes an area it does not know', () => {
    const ranking = sync(policy.rank(request({ location: { areaId: 'mars' } }), context()));
    expect(ranking.notes[0]?.code).toBe('unknownArea');
  });

  it('throws noCandidate when no area on the way up has a unit', () => {
    const bare = byJurisdiction([{ id: 'x', name: 'X' }]);
    expect(() => bare.decide(request({ location: { areaId: 'x' } }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'noCandidate', notes: ['X 及其上级区域都没有负责 urban/streetlight 的属地单位'] }) }),
    );
  });

  it('throws allCandidatesReturned when every unit up the chain returned the case', () => {
    const triedUnits = [
      { unitId: 'street.a', outcome: 'returned' as const, reason: '属地不符' },
      { unitId: 'district', outcome: 'transferred' as const },
    ];
    expect(() => policy.decide(request({ location: { areaId: 'district/a' }, triedUnits }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'allCandidatesReturned' }) }),
    );
  });

  it('rejects areas with an unknown parent or a cycle when the policy is built', () => {
    try {
      byJurisdiction([{ id: 'a', name: 'A', parentId: 'b' }, { id: 'b', name: 'B', parentId: 'a' }, { id: 'c', name: 'C', parentId: 'z' }]);
      expect.unreachable();
    } catch (error) {
      expect(isJiaobanError(error, 'VALIDATION')).toBe(true);
      if (!isJiaobanError(error, 'VALIDATION')) return;
      expect(error.details.issues.map((i) => i.message)).toEqual([
        'parent chain of area a has a cycle',
        'parent chain of area b has a cycle',
        'unknown parent area z',
      ]);
    }
  });
});
