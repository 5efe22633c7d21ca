import { _round, _unitName } from './_guard.js';
import { _mandatePool } from './_pool.js';
import type { LoadByTier } from './compute-statistics.js';
import { definePolicy, type PoolFunction, type RoutingCandidate, type RoutingPolicy } from './routing-policy.js';

/**
 * Default weight of one open assignment per tier. A complex case (复杂协同类) ties its lead up for weeks of
 * coordination, countersigning and review, so it weighs 4; an immediate one is short but drops everything
 * else, so 2; a general one is the unit of work, 1.
 *
 * @example
 * DEFAULT_LOAD_WEIGHTS.complex;
 * //=> 4
 */
export const DEFAULT_LOAD_WEIGHTS: Readonly<LoadByTier> = Object.freeze({ immediate: 2, general: 1, complex: 4 });

/**
 * Options of {@link leastLoaded}.
 *
 * @example
 * const options: LeastLoadedOptions = { weights: { complex: 6 }, halfLoad: 12 };
 */
export interface LeastLoadedOptions {
  weights?: Partial<LoadByTier>;
  /**
   * The weighted load at which a unit scores 0.5 (score = 1 / (1 + load / halfLoad)). An absolute scale, not
   * one relative to the other candidates, so that scores mean the same in every decision and mix well in
   * `weighted`. Default 8.
   */
  halfLoad?: number;
  /** Which units to consider. Default: units whose mandates cover the category. */
  pool?: PoolFunction;
}

/**
 * Prefers the unit with the fewest open assignments, weighted by tier, among the units competent for the
 * category. Load is read from the statistics source (all categories together: a unit busy with anything is
 * busy). A unit without statistics has no load.
 *
 * @example
 * const policy = leastLoaded({ weights: { complex: 6 } });
 * policy.rank({ ...request, category: 'urban/streetlight' }, context);
 * //=> { candidates: [{ unitId: 'unit.street.caiyuan', score: 0.8, reasons: ['负载: 财源街道办事处 在办 2 件 (即时 0 / 一般 2 / 复杂 0, 加权 2)'], … }, …], notes: [] }
 */
export function leastLoaded(options: LeastLoadedOptions = {}): RoutingPolicy {
  const weights: LoadByTier = { ...DEFAULT_LOAD_WEIGHTS, ...options.weights };
  const halfLoad = options.halfLoad ?? 8;
  const pool = options.pool ?? _mandatePool;
  const name = 'leastLoaded';
  return definePolicy({
    name,
    rank(request, context) {
      const candidates: RoutingCandidate[] = [];
      for (const unitId of pool(request, context)) {
        const load = context.statistics.unit(unitId)?.openLoad;
        const unitName = _unitName(context.directory, unitId);
        let weightedLoad = 0;
        let reason = `负载: ${unitName} 无在办件`;
        if (load !== undefined) {
          weightedLoad = load.immediate * weights.immediate + load.general * weights.general + load.complex * weights.complex;
          const open = load.immediate + load.general + load.complex;
          if (open > 0) {
            reason = `负载: ${unitName} 在办 ${open} 件 (即时 ${load.immediate} / 一般 ${load.general} / 复杂 ${load.complex}, 加权 ${_round(weightedLoad)})`;
          }
        }
        candidates.push({ unitId, score: _round(1 / (1 + weightedLoad / halfLoad)), reasons: [reason], cooperating: [], policy: name });
      }
      if (candidates.length === 0) {
        return { candidates, notes: [{ policy: name, code: 'emptyPool', message: `没有职能覆盖 ${request.category} 的单位` }] };
      }
      return { candidates, notes: [] };
    },
  });
}
