import { _categoryAncestors, _percent, _round, _unitName } from './_guard.js';
import { _mandatePool } from './_pool.js';
import type { UnitStatistics } from './compute-statistics.js';
import { definePolicy, type PoolFunction, type RoutingCandidate, type RoutingPolicy } from './routing-policy.js';

/**
 * How much each part of a unit's history counts in its performance score.
 *
 * @example
 * const weights: PerformanceWeights = { onTime: 0.5, returns: 0.3, redo: 0.2, satisfaction: 0 }; // ignore ratings
 */
export interface PerformanceWeights {
  /** 按时办结率. */
  onTime: number;
  /** 1 − 回退率. */
  returns: number;
  /** 1 − 重办率. */
  redo: number;
  /** 满意度 / 100. */
  satisfaction: number;
}

/**
 * Default weights: being on time and leaving the requester satisfied matter most.
 *
 * @example
 * DEFAULT_PERFORMANCE_WEIGHTS.onTime;
 * //=> 0.4
 */
export const DEFAULT_PERFORMANCE_WEIGHTS: Readonly<PerformanceWeights> = Object.freeze({
  onTime: 0.4,
  returns: 0.2,
  redo: 0.1,
  satisfaction: 0.3,
});

/**
 * Options of {@link byPerformance}.
 *
 * @example
 * const options: ByPerformanceOptions = { floor: 0.7, minSamples: 20 };
 */
export interface ByPerformanceOptions {
  /**
   * The score of a unit without enough history for the category. Without it a new unit would score 0 and
   * never get work, so never build a history. Default 0.5. A unit with a real (bad) record can score below it.
   */
  floor?: number;
  /** Concluded assignments needed before a unit's record counts. Default 5. */
  minSamples?: number;
  weights?: Partial<PerformanceWeights>;
  /** Which units to consider. Default: units whose mandates cover the category. */
  pool?: PoolFunction;
}

/**
 * Ranks the units competent for the category by their record in it: on-time rate, return rate, redo rate and
 * satisfaction, weighted. It reads the most specific category with at least `minSamples` concluded
 * assignments (`urban/streetlight`, else `urban`); metrics without data are left out and the weights of the
 * others renormalised; a unit with too little history scores `floor`.
 *
 * @example
 * const policy = byPerformance({ floor: 0.6 });
 * policy.rank({ ...request, category: 'urban/streetlight' }, context);
 * //=> { candidates: [{ unitId: 'unit.chengguan', score: 0.91, reasons: ['历史表现 urban/streetlight: 按时办结率 93%, 退单率 3%, 重办率 2%, 满意度 92 (n=110) → 0.91'], … }], … }
 */
export function byPerformance(options: ByPerformanceOptions = {}): RoutingPolicy {
  const floor = options.floor ?? 0.5;
  const minSamples = options.minSamples ?? 5;
  const weights: PerformanceWeights = { ...DEFAULT_PERFORMANCE_WEIGHTS, ...options.weights };
  const pool = options.pool ?? _mandatePool;
  const name = 'byPerformance';
  return definePolicy({
    name,
    rank(request, context) {
      const keys = _categoryAncestors(request.category);
      const candidates: RoutingCandidate[] = [];
      for (const unitId of pool(request, context)) {
        const unitName = _unitName(context.directory, unitId);
        let row: UnitStatistics | undefined;
        let seen = 0;
        for (const key of keys) {
          const candidate = context.statistics.category(unitId, key);
          if (candidate === undefined) continue;
          seen = Math.max(seen, candidate.concluded);
          if (candidate.concluded >= minSamples) {
            row = candidate;
            break;
          }
        }
        const scored = row === undefined ? undefined : _score(row, weights);
        if (row === undefined || scored === undefined) {
          candidates.push({
            unitId,
            score: floor,
            reasons: [`历史表现: ${unitName} 在 ${request.category} 样本不足 (n=${seen} < ${minSamples}), 取保底分 ${floor}`],
            cooperating: [],
            policy: name,
          });
          continue;
        }
        candidates.push({
          unitId,
          score: scored.score,
          reasons: [`历史表现 ${row.category ?? request.category}: ${unitName} ${scored.parts.join(', ')} (n=${row.concluded}) → ${scored.score}`],
          cooperating: [],
          policy: name,
        });
      }
      if (candidates.length === 0) {
        return { candidates, notes: [{ policy: name, code: 'emptyPool', message: `没有职能覆盖 ${request.category} 的单位` }] };
      }
      return { candidates, notes: [] };
    },
  });
}

function _score(row: UnitStatistics, weights: PerformanceWeights): { score: number; parts: string[] } | undefined {
  let sum = 0;
  let total = 0;
  const parts: string[] = [];
  if (row.onTimeRate !== null) {
    sum += weights.onTime * row.onTimeRate;
    total += weights.onTime;
    parts.push(`按时办结率 ${_percent(row.onTimeRate)}`);
  }
  if (row.returnRate !== null) {
    sum += weights.returns * (1 - row.returnRate);
    total += weights.returns;
    parts.push(`退单率 ${_percent(row.returnRate)}`);
  }
  if (row.redoRate !== null) {
    sum += weights.redo * (1 - row.redoRate);
    total += weights.redo;
    parts.push(`重办率 ${_percent(row.redoRate)}`);
  }
  if (row.satisfaction !== null) {
    sum += (weights.satisfaction * row.satisfaction) / 100;
    total += weights.satisfaction;
    parts.push(`满意度 ${Math.round(row.satisfaction)}`);
  }
  return total === 0 ? undefined : { score: _round(sum / total), parts };
}
