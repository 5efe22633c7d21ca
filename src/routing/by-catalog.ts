import { _unitName } from './_guard.js';
import type { Catalog } from './load-catalog.js';
import { definePolicy, type RoutingCandidate, type RoutingPolicy } from './routing-policy.js';

/** Each alternate lead (备选主办) scores this factor below the previous one, so their order survives sorting. */
const ALTERNATE_DECAY = 0.9;

/**
 * Routes by the dispatch catalogue (派单目录): the category's lead unit scores 1, with the catalogue's
 * cooperating units, tier and time limits; its alternates follow (0.9, 0.81, …) for when the lead has already
 * returned the case. An unknown subcategory falls back to its top category if that names a lead; an unknown
 * category yields no candidate and an `unknownCategory` note, so that `firstMatch` can try the next policy.
 *
 * @example
 * const policy = byCatalog(loadCatalog(cityCatalogJson));
 * policy.decide({ ...request, category: 'urban/streetlight' }, context);
 * //=> { leadUnitId: 'unit.chengguan', reasons: ['派单目录: 城市管理/路灯 → 城管局'], terms: { tier: 'general', … }, … }
 */
export function byCatalog(catalog: Catalog): RoutingPolicy {
  const name = `byCatalog(${catalog.id})`;
  return definePolicy({
    name,
    rank(request, context) {
      const entry = catalog.resolve(request.category);
      if (entry?.lead === undefined) {
        const message =
          entry === undefined
            ? `派单目录中没有类别 ${request.category}`
            : `派单目录类别 ${entry.label} 没有指定主办单位`;
        return { candidates: [], notes: [{ policy: name, code: 'unknownCategory', message }] };
      }
      const { directory } = context;
      const inherited = entry.key === request.category ? [] : [`派单目录中没有 ${request.category}, 按上级类别 ${entry.label} 派单`];
      const candidateFor = (unitId: string, score: number, role: string): RoutingCandidate => {
        const candidate: RoutingCandidate = {
          unitId,
          score,
          reasons: [`派单目录: ${entry.label} → ${role}${_unitName(directory, unitId)}`, ...inherited],
          cooperating: entry.cooperating,
          policy: name,
          terms: entry.terms,
        };
        if (entry.leadDuty !== undefined) candidate.leadDuty = entry.leadDuty;
        return candidate;
      };
      const candidates = [candidateFor(entry.lead, 1, '')];
      entry.alternates.forEach((unitId, index) => candidates.push(candidateFor(unitId, ALTERNATE_DECAY ** (index + 1), '备选主办 ')));
      return { candidates, notes: [] };
    },
  });
}
