import { _categoryAncestors } from './_guard.js';
import type { Tier } from './routing-policy.js';

/**
 * One unit's share of one case, as the engine's history knows it. The engine produces these from its
 * assignments; routing never reads the history itself. Working days are computed by the engine on the
 * unit's own calendar (routing knows no calendar), and `satisfaction` is on the 100-point scale.
 *
 * @example
 * const record: AssignmentRecord = {
 *   caseId: 'c1', unitId: 'unit.chengguan', category: 'urban/streetlight', tier: 'general', role: 'lead',
 *   state: 'concluded', workingDays: 2.5, onTime: true, redoCount: 0, satisfaction: 95,
 * };
 */
export interface AssignmentRecord {
  caseId: string;
  unitId: string;
  category: string;
  tier: Tier;
  role: 'lead' | 'cooperating';
  /**
   * `open`: dispatched and not yet concluded (pending sign, in progress, suspended) — counts as load.
   * `returned`: the unit gave the case back (退单) — counts against its return rate.
   * `withdrawn`: taken away for another reason (改派 by the center, transfer) — neutral.
   */
  state: 'open' | 'concluded' | 'returned' | 'withdrawn';
  /** Working days from dispatch to conclusion, on the unit's calendar (only for `concluded`). */
  workingDays?: number;
  /** Concluded at or before the effective deadline (only for `concluded`). */
  onTime?: boolean;
  /** How many times the case was redone (重办 / 退回重办) after this unit replied. */
  redoCount?: number;
  /** The requester's rating on a 100-point scale, when there is one. */
  satisfaction?: number;
}

/**
 * Open assignments per tier.
 *
 * @example
 * const load: LoadByTier = { immediate: 0, general: 3, complex: 1 };
 */
export type LoadByTier = Record<Tier, number>;

/**
 * What a unit's history says, for one category or (`category: null`) across all categories.
 * Rates are `null` when their denominator is zero: "no data" must not read as "0%".
 *
 * @example
 * const row: UnitStatistics = {
 *   unitId: 'unit.chengguan', category: 'urban/streetlight', openLoad: { immediate: 0, general: 3, complex: 1 },
 *   dispatched: 120, concluded: 110, returned: 4, onTimeRate: 0.93, avgWorkingDaysToConclude: 2.1,
 *   returnRate: 0.033, redoRate: 0.02, satisfaction: 91.5, rated: 80,
 * };
 */
export interface UnitStatistics {
  unitId: string;
  category: string | null;
  openLoad: LoadByTier;
  /** Every assignment counted for rates (open, concluded, returned or withdrawn; lead only by default). */
  dispatched: number;
  concluded: number;
  returned: number;
  /** On time ÷ concluded with a known `onTime`. */
  onTimeRate: number | null;
  avgWorkingDaysToConclude: number | null;
  /** Returned ÷ dispatched (回退率). */
  returnRate: number | null;
  /** Concluded with at least one redo ÷ concluded (重办率). */
  redoRate: number | null;
  /** Mean rating of the rated assignments, 0–100. */
  satisfaction: number | null;
  rated: number;
}

interface _Acc {
  unitId: string;
  category: string | null;
  openLoad: LoadByTier;
  dispatched: number;
  concluded: number;
  returned: number;
  onTimeKnown: number;
  onTime: number;
  daysKnown: number;
  days: number;
  redone: number;
  rated: number;
  ratingSum: number;
}

function _acc(unitId: string, category: string | null): _Acc {
  return {
    unitId,
    category,
    openLoad: { immediate: 0, general: 0, complex: 0 },
    dispatched: 0,
    concluded: 0,
    returned: 0,
    onTimeKnown: 0,
    onTime: 0,
    daysKnown: 0,
    days: 0,
    redone: 0,
    rated: 0,
    ratingSum: 0,
  };
}

function _add(acc: _Acc, record: AssignmentRecord, rated: boolean): void {
  if (record.state === 'open') acc.openLoad[record.tier] += 1;
  if (!rated) return;
  acc.dispatched += 1;
  if (record.state === 'returned') acc.returned += 1;
  else if (record.state === 'concluded') {
    acc.concluded += 1;
    if (record.onTime !== undefined) {
      acc.onTimeKnown += 1;
      if (record.onTime) acc.onTime += 1;
    }
    if (record.workingDays !== undefined) {
      acc.daysKnown += 1;
      acc.days += record.workingDays;
    }
    if ((record.redoCount ?? 0) > 0) acc.redone += 1;
    if (record.satisfaction !== undefined) {
      acc.rated += 1;
      acc.ratingSum += record.satisfaction;
    }
  }
}

const _ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/**
 * Options of {@link computeStatistics}.
 *
 * @example
 * computeStatistics(records, { rates: 'all' } satisfies ComputeStatisticsOptions);
 */
export interface ComputeStatisticsOptions {
  /**
   * Which assignments the counts and rates describe. `lead` (default): only the unit's work as lead unit,
   * which is what choosing a lead should look at; a cooperating unit's opinion is a different job with its
   * own KPI (协同配合度). `all`: both roles. Open load always counts both roles: cooperating work is work.
   */
  rates?: 'lead' | 'all';
}

/**
 * Computes per-unit statistics from assignment records (rates from lead assignments only, unless
 * `options.rates` is `all`; load from both roles): one row per unit across all categories
 * (`category: null`) and one per unit and category, rolled up to every ancestor category (`urban/streetlight`
 * also counts for `urban`), so a policy can fall back to the broader category when the narrow one has too
 * little history. Pure; the order of the rows is by unit id, then category (null first).
 *
 * @example
 * const rows = computeStatistics([
 *   { caseId: 'c1', unitId: 'u1', category: 'urban/streetlight', tier: 'general', role: 'lead', state: 'concluded', onTime: true },
 *   { caseId: 'c2', unitId: 'u1', category: 'urban/streetlight', tier: 'general', role: 'lead', state: 'returned' },
 * ]);
 * rows.find((row) => row.category === 'urban')?.returnRate;
 * //=> 0.5
 */
export function computeStatistics(records: readonly AssignmentRecord[], options: ComputeStatisticsOptions = {}): UnitStatistics[] {
  const allRoles = options.rates === 'all';
  const accs = new Map<string, _Acc>();
  const touch = (unitId: string, category: string | null): _Acc => {
    const key = category === null ? unitId : `${unitId}\u0000${category}`;
    let acc = accs.get(key);
    if (acc === undefined) {
      acc = _acc(unitId, category);
      accs.set(key, acc);
    }
    return acc;
  };
  for (const record of records) {
    const rated = allRoles || record.role === 'lead';
    _add(touch(record.unitId, null), record, rated);
    for (const category of _categoryAncestors(record.category)) _add(touch(record.unitId, category), record, rated);
  }
  return [...accs.values()]
    .sort((a, b) =>
      a.unitId !== b.unitId
        ? a.unitId < b.unitId ? -1 : 1
        : a.category === b.category ? 0 : a.category === null ? -1 : b.category === null ? 1 : a.category < b.category ? -1 : 1,
    )
    .map((acc) => ({
      unitId: acc.unitId,
      category: acc.category,
      openLoad: acc.openLoad,
      dispatched: acc.dispatched,
      concluded: acc.concluded,
      returned: acc.returned,
      onTimeRate: _ratio(acc.onTime, acc.onTimeKnown),
      avgWorkingDaysToConclude: _ratio(acc.days, acc.daysKnown),
      returnRate: _ratio(acc.returned, acc.dispatched),
      redoRate: _ratio(acc.redone, acc.concluded),
      satisfaction: _ratio(acc.ratingSum, acc.rated),
      rated: acc.rated,
    }));
}
