import { computeStatistics, type AssignmentRecord, type ComputeStatisticsOptions, type UnitStatistics } from './compute-statistics.js';

/**
 * Where policies read history from. Synchronous on purpose: statistics change slowly, so a host computes
 * them in the background (from the engine's history, or its own warehouse) and hands routing a snapshot.
 *
 * @example
 * const statistics: StatisticsSource = createStatisticsSource(computeStatistics(records));
 * statistics.unit('unit.chengguan')?.openLoad;
 * //=> { immediate: 0, general: 3, complex: 1 }
 */
export interface StatisticsSource {
  /** The unit across all categories (its load is here). */
  unit(unitId: string): UnitStatistics | undefined;
  /** The unit for exactly this category key (no roll-up here; `computeStatistics` already rolled up). */
  category(unitId: string, category: string): UnitStatistics | undefined;
}

/**
 * An in-memory {@link StatisticsSource} over precomputed rows (for example from {@link computeStatistics}).
 * Later rows for the same unit and category replace earlier ones.
 *
 * @example
 * const statistics = createStatisticsSource([]);
 * statistics.unit('unit.chengguan');
 * //=> undefined
 */
export function createStatisticsSource(rows: readonly UnitStatistics[]): StatisticsSource {
  const byUnit = new Map<string, UnitStatistics>();
  const byCategory = new Map<string, UnitStatistics>();
  for (const row of rows) {
    if (row.category === null) byUnit.set(row.unitId, row);
    else byCategory.set(`${row.unitId}\u0000${row.category}`, row);
  }
  return {
    unit: (unitId) => byUnit.get(unitId),
    category: (unitId, category) => byCategory.get(`${unitId}\u0000${category}`),
  };
}

/**
 * Shorthand for `createStatisticsSource(computeStatistics(records, options))`.
 *
 * @example
 * const statistics = statisticsFromRecords(engineHistoryRecords);
 * statistics.category('unit.chengguan', 'urban')?.onTimeRate;
 * //=> 0.93
 */
export function statisticsFromRecords(records: readonly AssignmentRecord[], options: ComputeStatisticsOptions = {}): StatisticsSource {
  return createStatisticsSource(computeStatistics(records, options));
}
