import { describe, expect, it } from 'vitest';
import { bySkills } from '../../src/routing/index.js';
import { context, request } from './_fixtures.js';
import { sync } from './_sync.js';

describe('bySkills', () => {
  it('scores units by the share of the case’s tags their tags and best member cover', () => {
    const ranking = sync(bySkills().rank(request({ tags: ['路灯', '电力'] }), context()));
    expect(ranking.candidates.map((c) => [c.unitId, c.score])).toEqual([
      ['gongdian', 1],
      ['chengguan', 0.5],
    ]);
  });

  it('names the best-matching member as primary owner, with the reason', () => {
    const decision = sync(bySkills().decide(request({ tags: ['路灯', '电力'] }), context()));
    expect(decision).toMatchObject({ leadUnitId: 'gongdian', primaryOwnerId: 'p.li' });
    expect(decision.reasons).toEqual(['技能匹配: 路灯、电力 (2/2) → 供电公司', '第一责任人: 李娜 (擅长 路灯、电力)']);
  });

  it('ignores inactive people', () => {
    const ranking = sync(bySkills().rank(request({ tags: ['电力'] }), context()));
    expect(ranking.candidates.map((c) => c.unitId)).toEqual(['gongdian']);
  });

  it('turns keywords found in the text into tags, without quoting the text', () => {
    const decision = sync(bySkills({ keywords: { 停电: '电力' } }).decide(request({ text: '13800000000 反映小区停电', tags: [] }), context()));
    expect(decision.leadUnitId).toBe('gongdian');
    expect(decision.reasons.join(' ')).not.toContain('13800000000');
  });

  it('can match on unit tags only', () => {
    const ranking = sync(bySkills({ people: false }).rank(request({ tags: ['路灯'] }), context()));
    expect(ranking.candidates.every((c) => c.primaryOwnerId === undefined)).toBe(true);
  });

  it('drops units below the minimum share', () => {
    const ranking = sync(bySkills({ minShare: 0.6 }).rank(request({ tags: ['路灯', '电力'] }), context()));
    expect(ranking.candidates.map((c) => c.unitId)).toEqual(['gongdian']);
  });

  it('notes a case without tags and names nobody', () => {
    expect(() => bySkills().decide(request({ tags: [] }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'noCandidate', notes: ['案件没有标签, 无法按技能派单'] }) }),
    );
  });

  it('throws noCandidate when no unit or person has the tags', () => {
    expect(() => bySkills().decide(request({ tags: ['航天'] }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'noCandidate' }) }),
    );
  });

  it('throws allCandidatesReturned when every matching unit returned the case', () => {
    const triedUnits = [{ unitId: 'gongdian', outcome: 'returned' as const }];
    expect(() => bySkills().decide(request({ tags: ['电力'], triedUnits }), context())).toThrowError(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'allCandidatesReturned' }) }),
    );
  });
});
