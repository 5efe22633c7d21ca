import { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { _categoryAncestors, _round, _unitName } from './_guard.js';
import { _parse, _validationError } from './_validation.js';
import { definePolicy, type RoutingCandidate, type RoutingPolicy } from './routing-policy.js';

/**
 * One area of the jurisdiction tree (区 → 街道 → 社区 → 网格) and the unit responsible for it (属地单位).
 * `categories`, when set, limits the unit's responsibility to those catalogue categories (and their
 * subcategories); an area without `unitId` only groups its children.
 *
 * @example
 * AreaSchema.parse({ id: 'taishan/caiyuan', name: '财源街道', parentId: 'taishan', unitId: 'unit.street.caiyuan' });
 * //=> { id: 'taishan/caiyuan', name: '财源街道', parentId: 'taishan', unitId: 'unit.street.caiyuan' }
 */
export const AreaSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  parentId: z.string().min(1).exactOptional(),
  unitId: z.string().min(1).exactOptional(),
  categories: z.array(z.string().min(1)).exactOptional(),
});

/**
 * The jurisdiction tree as a flat list, parents referenced by id; what {@link byJurisdiction} accepts.
 *
 * @example
 * AreasSchema.safeParse([{ id: 'taishan', name: '泰山区' }]).success;
 * //=> true
 */
export const AreasSchema = z.array(AreaSchema);

/**
 * One validated area of the jurisdiction tree.
 *
 * @example
 * const area: Area = { id: 'taishan', name: '泰山区', unitId: 'unit.quzf.taishan' };
 */
export type Area = z.output<typeof AreaSchema>;

/**
 * Options of {@link byJurisdiction}.
 *
 * @example
 * const options: ByJurisdictionOptions = { decay: 0.5 }; // the district scores 0.5 behind its street office
 */
export interface ByJurisdictionOptions {
  /**
   * Score factor per level climbed: the area's own unit scores 1, the parent area's unit `decay`, the
   * grandparent's `decay²`… Default 0.8: a district still ranks, but below the street office.
   */
  decay?: number;
}

/**
 * Routes by location (属地管理): from the case's area up the tree, every area with a responsible unit (and,
 * when the area lists categories, one that covers the case's category) becomes a candidate, the nearest
 * first. The areas are validated with zod (unique ids, known parents, no cycle) when the policy is built.
 *
 * @example
 * const policy = byJurisdiction([
 *   { id: 'taishan', name: '泰山区', unitId: 'unit.quzf' },
 *   { id: 'taishan/caiyuan', name: '财源街道', parentId: 'taishan', unitId: 'unit.street.caiyuan' },
 * ]);
 * policy.decide({ ...request, location: { areaId: 'taishan/caiyuan' } }, context);
 * //=> { leadUnitId: 'unit.street.caiyuan', reasons: ['属地: 财源街道 → 财源街道办事处'], alternatives: ['unit.quzf'], … }
 */
export function byJurisdiction(areas: unknown, options: ByJurisdictionOptions = {}): RoutingPolicy {
  const list = _parse(AreasSchema, areas, 'jurisdiction areas');
  const decay = options.decay ?? 0.8;
  const name = 'byJurisdiction';
  const byId = new Map<string, Area>();
  const issues: FieldIssue[] = [];
  list.forEach((area, index) => {
    if (byId.has(area.id)) issues.push({ path: [index, 'id'], message: `duplicate area id ${area.id}` });
    byId.set(area.id, area);
  });
  list.forEach((area, index) => {
    if (area.parentId !== undefined && !byId.has(area.parentId)) {
      issues.push({ path: [index, 'parentId'], message: `unknown parent area ${area.parentId}` });
    }
    const seen = new Set<string>();
    for (let current: Area | undefined = area; current !== undefined; ) {
      if (seen.has(current.id)) {
        issues.push({ path: [index, 'parentId'], message: `parent chain of area ${area.id} has a cycle` });
        break;
      }
      seen.add(current.id);
      current = current.parentId === undefined ? undefined : byId.get(current.parentId);
    }
  });
  if (issues.length > 0) throw _validationError('jurisdiction areas', issues);
  const scopes = new Map<string, Set<string>>();
  for (const area of list) if (area.categories !== undefined) scopes.set(area.id, new Set(area.categories));

  return definePolicy({
    name,
    rank(request, context) {
      if (request.location === undefined) {
        return { candidates: [], notes: [{ policy: name, code: 'noLocation', message: '案件没有位置, 无法按属地派单' }] };
      }
      const start = byId.get(request.location.areaId);
      if (start === undefined) {
        return {
          candidates: [],
          notes: [{ policy: name, code: 'unknownArea', message: `属地区划中没有区域 ${request.location.areaId}` }],
        };
      }
      let categoryKeys: string[] | undefined;
      const candidates: RoutingCandidate[] = [];
      let level = 0;
      for (let area: Area | undefined = start; area !== undefined; level += 1) {
        const scope = scopes.get(area.id);
        if (area.unitId !== undefined && scope !== undefined) categoryKeys ??= _categoryAncestors(request.category);
        const covers = scope === undefined || (categoryKeys ?? []).some((key) => scope.has(key));
        if (area.unitId !== undefined && covers && !candidates.some((c) => c.unitId === area?.unitId)) {
          const unitName = _unitName(context.directory, area.unitId);
          candidates.push({
            unitId: area.unitId,
            score: _round(decay ** level),
            reasons: [level === 0 ? `属地: ${area.name} → ${unitName}` : `属地: ${start.name} 所在的 ${area.name} → ${unitName}`],
            cooperating: [],
            policy: name,
          });
        }
        area = area.parentId === undefined ? undefined : byId.get(area.parentId);
      }
      if (candidates.length === 0) {
        return {
          candidates,
          notes: [{ policy: name, code: 'noArea', message: `${start.name} 及其上级区域都没有负责 ${request.category} 的属地单位` }],
        };
      }
      return { candidates, notes: [] };
    },
  });
}
