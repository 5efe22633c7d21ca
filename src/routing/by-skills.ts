import { _round, _unitName } from './_guard.js';
import { definePolicy, type RoutingCandidate, type RoutingPolicy } from './routing-policy.js';

/**
 * Options of {@link bySkills}.
 *
 * @example
 * const options: BySkillsOptions = { keywords: { 停电: '电力', 井盖: '井盖' }, minShare: 0.5 };
 */
export interface BySkillsOptions {
  /**
   * Keyword → tag: when the case text contains the keyword, the tag counts as one of the case's tags.
   * The text itself never reaches the reasons (it may hold a requester's personal data); only the tag does.
   */
  keywords?: Readonly<Record<string, string>>;
  /** Also match people's skills, and name the best-matching member as primary owner. Default true. */
  people?: boolean;
  /** Drop units covering less than this share of the case's tags. Default 0 (any overlap counts). */
  minShare?: number;
  /**
   * Name at most this many units, the best first. Default 20: with thousands of people, a popular skill
   * touches hundreds of units, and a one-person match in the 200th unit is noise, not a candidate.
   */
  limit?: number;
}

/**
 * Tags are matched as bits of a 31-bit mask (the sign bit stays clear so masks compare as numbers): one
 * integer per unit and per person instead of a Set each, which is what makes a 10,000-person directory
 * cheap. A case with more tags is matched on its first 31.
 */
const MAX_TAGS = 31;

interface _Match {
  unitMask: number;
  ownerId?: string;
  ownerMask: number;
}

function _bits(mask: number): number {
  let count = 0;
  for (let rest = mask; rest !== 0; rest &= rest - 1) count += 1;
  return count;
}

function _tagsOf(mask: number, tags: readonly string[]): string[] {
  return tags.filter((_, index) => (mask & (1 << index)) !== 0);
}

/**
 * Matches the case's tags (plus tags found by keyword in its text) against units' tags and people's skills.
 * A unit scores the share of the case's tags covered by its own tags together with its best-matching member;
 * that member (most matching skills, then smallest id) is named primary owner (第一责任人).
 *
 * @example
 * const policy = bySkills({ keywords: { 停电: '电力' } });
 * policy.decide({ ...request, tags: ['路灯'], text: '小区停电, 路灯也不亮' }, context);
 * //=> { leadUnitId: 'unit.gongdian', primaryOwnerId: 'p.li.na', reasons: ['技能匹配: 路灯、电力 (2/2) → 供电公司', '第一责任人: 李娜 (擅长 路灯、电力)'], … }
 */
export function bySkills(options: BySkillsOptions = {}): RoutingPolicy {
  const name = 'bySkills';
  const keywords = Object.entries(options.keywords ?? {});
  const withPeople = options.people ?? true;
  const minShare = options.minShare ?? 0;
  const limit = options.limit ?? 20;
  return definePolicy({
    name,
    rank(request, context) {
      const { directory } = context;
      const tagSet = new Set(request.tags);
      if (request.text !== undefined) for (const [keyword, tag] of keywords) if (request.text.includes(keyword)) tagSet.add(tag);
      if (tagSet.size === 0) return { candidates: [], notes: [{ policy: name, code: 'noTags', message: '案件没有标签, 无法按技能派单' }] };
      const tags = [...tagSet].slice(0, MAX_TAGS);

      const matches = new Map<string, _Match>();
      const matchOf = (unitId: string): _Match => {
        let match = matches.get(unitId);
        if (match === undefined) {
          match = { unitMask: 0, ownerMask: 0 };
          matches.set(unitId, match);
        }
        return match;
      };
      tags.forEach((tag, index) => {
        for (const unit of directory.unitsWithTag(tag)) matchOf(unit.id).unitMask |= 1 << index;
      });
      if (withPeople) {
        const skilled = new Map<string, number>();
        tags.forEach((tag, index) => {
          for (const person of directory.peopleWithSkill(tag)) {
            if (person.active) skilled.set(person.id, (skilled.get(person.id) ?? 0) | (1 << index));
          }
        });
        for (const [personId, mask] of skilled) {
          const count = _bits(mask);
          for (const membership of directory.memberships(personId)) {
            const match = matchOf(membership.unitId);
            const best = _bits(match.ownerMask);
            if (count > best || (count === best && personId < (match.ownerId ?? ''))) {
              match.ownerId = personId;
              match.ownerMask = mask;
            }
          }
        }
      }

      const scored: Array<{ unitId: string; match: _Match; covered: number; share: number }> = [];
      for (const [unitId, match] of matches) {
        const covered = match.unitMask | match.ownerMask;
        const share = _bits(covered) / tags.length;
        if (share >= minShare) scored.push({ unitId, match, covered, share });
      }
      // Reasons are built for the kept units only: they are the expensive part.
      scored.sort((a, b) => b.share - a.share || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
      const candidates: RoutingCandidate[] = [];
      for (const { unitId, match, covered, share } of scored.slice(0, limit)) {
        const reasons = [`技能匹配: ${_tagsOf(covered, tags).join('、')} (${_bits(covered)}/${tags.length}) → ${_unitName(directory, unitId)}`];
        const candidate: RoutingCandidate = { unitId, score: _round(share), reasons, cooperating: [], policy: name };
        if (match.ownerId !== undefined) {
          candidate.primaryOwnerId = match.ownerId;
          const person = directory.person(match.ownerId)?.name ?? match.ownerId;
          reasons.push(`第一责任人: ${person} (擅长 ${_tagsOf(match.ownerMask, tags).join('、')})`);
        }
        candidates.push(candidate);
      }
      if (candidates.length === 0) {
        return { candidates, notes: [{ policy: name, code: 'emptyPool', message: `没有单位或人员的技能匹配 ${tags.join('、')}` }] };
      }
      return { candidates, notes: [] };
    },
  });
}
