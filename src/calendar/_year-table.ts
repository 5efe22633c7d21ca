import { MS_PER_DAY, MS_PER_MINUTE, daysFromCivil, isLeapYear } from './_civil.js';
import type { LocalInterval } from './_day-rules.js';
import type { ZoneConverter } from './_zone.js';

/**
 * One calendar year of one calendar, flattened into typed arrays so that every operation is a few
 * array reads and a binary search. Every boundary is an absolute instant (epoch ms): the zone's
 * offsets, DST included, are folded in when the table is built, so the hot path never converts
 * between wall time and instants.
 *
 * Working intervals of the whole year are numbered 0..n-1 in time order; `cum[k]` is the working
 * time (ms) of the year before interval k starts, so `cum[n]` is the year's total.
 */
export interface YearTable {
  readonly year: number;
  /** Instant of local midnight on 1 January, and of 1 January of the next year. */
  readonly start: number;
  readonly end: number;
  readonly dayCount: number;
  /** `dayStart[i]` = instant of local midnight of day i (0 = 1 January); `dayStart[dayCount] = end`. */
  readonly dayStart: Float64Array;
  /** The first interval of day i is `firstInterval[i]`; `firstInterval[dayCount] = intervalCount`. */
  readonly firstInterval: Int32Array;
  readonly intervalStart: Float64Array;
  readonly intervalEnd: Float64Array;
  readonly cum: Float64Array;
  readonly totalMs: number;
  /** Working days of the year, as day indexes in order, and how many fall before day i. */
  readonly workingDays: Int32Array;
  readonly workingDaysBefore: Int32Array;
  /** Every day is exactly 24 h long (no DST change this year), so a day index is one division. */
  readonly uniformDays: boolean;
  /**
   * `blockStart[b]` = the interval in which the year's working time passes `b` hours, so finding the
   * interval where a target falls is one lookup and a step or two instead of a search.
   */
  readonly blockStart: Int32Array;
}

/** Working time per entry of `blockStart`: one hour keeps the index small (≈ 7 KB a year). */
const BLOCK_MS = 3_600_000;

export function buildYearTable(
  year: number,
  zone: ZoneConverter,
  hoursOfDay: (dayNumber: number) => readonly LocalInterval[],
): YearTable {
  const firstDay = daysFromCivil(year, 1, 1);
  const dayCount = isLeapYear(year) ? 366 : 365;
  const dayStart = new Float64Array(dayCount + 1);
  const firstInterval = new Int32Array(dayCount + 1);
  const workingDaysBefore = new Int32Array(dayCount + 1);
  const starts: number[] = [];
  const ends: number[] = [];
  const working: number[] = [];

  for (let i = 0; i <= dayCount; i += 1) {
    const wallMidnight = (firstDay + i) * MS_PER_DAY;
    dayStart[i] = zone.wallToInstant(wallMidnight);
    firstInterval[i] = starts.length;
    workingDaysBefore[i] = working.length;
    if (i === dayCount) break;
    const intervals = hoursOfDay(firstDay + i);
    for (const [from, to] of intervals) {
      starts.push(zone.wallToInstant(wallMidnight + from * MS_PER_MINUTE));
      ends.push(zone.wallToInstant(wallMidnight + to * MS_PER_MINUTE));
    }
    if (intervals.length > 0) working.push(i);
  }

  let uniformDays = true;
  for (let i = 0; i < dayCount; i += 1) if (dayStart[i + 1]! - dayStart[i]! !== MS_PER_DAY) uniformDays = false;

  const n = starts.length;
  const cum = new Float64Array(n + 1);
  for (let k = 0; k < n; k += 1) cum[k + 1] = cum[k]! + (ends[k]! - starts[k]!);

  const blockStart = new Int32Array(Math.floor(cum[n]! / BLOCK_MS) + 1);
  for (let k = 0, b = 0; k < n; k += 1) {
    while (b < blockStart.length && b * BLOCK_MS < cum[k + 1]!) blockStart[b++] = k;
  }

  return {
    year,
    start: dayStart[0]!,
    end: dayStart[dayCount]!,
    dayCount,
    dayStart,
    firstInterval,
    intervalStart: Float64Array.from(starts),
    intervalEnd: Float64Array.from(ends),
    cum,
    totalMs: cum[n]!,
    workingDays: Int32Array.from(working),
    workingDaysBefore,
    uniformDays,
    blockStart,
  };
}

/** Index of the day of `table` that contains instant `t` (which must lie in the table's year). */
export function dayIndexOf(table: YearTable, t: number): number {
  if (table.uniformDays) return Math.floor((t - table.start) / MS_PER_DAY);
  const last = table.dayCount - 1;
  let i = Math.floor((t - table.start) / MS_PER_DAY);
  if (i > last) i = last;
  if (i < 0) i = 0;
  // Only a DST shift can make the guess off, and then by one day at most.
  while (i > 0 && table.dayStart[i]! > t) i -= 1;
  while (i < last && table.dayStart[i + 1]! <= t) i += 1;
  return i;
}

/** Working time (ms) of the table's year before instant `t`, which lies in day `day`. */
export function workingMsBefore(table: YearTable, day: number, t: number): number {
  let k = table.firstInterval[day]!;
  const stop = table.firstInterval[day + 1]!;
  while (k < stop && table.intervalEnd[k]! <= t) k += 1;
  if (k < stop && table.intervalStart[k]! < t) return table.cum[k]! + (t - table.intervalStart[k]!);
  return table.cum[k]!;
}

/**
 * The earliest instant at which `target` ms (0 < target <= totalMs) of the year's working time
 * have elapsed. Landing exactly on the end of an interval stays there (12:00, not 13:30).
 */
export function instantAtWorkingMs(table: YearTable, target: number): number {
  const { cum } = table;
  // The block index puts us in the interval where the hour containing `target` begins; from there
  // the answer is at most a few intervals ahead (first k with cum[k + 1] >= target).
  let k = table.blockStart[Math.floor((target - 1) / BLOCK_MS)]!;
  while (cum[k + 1]! < target) k += 1;
  return table.intervalStart[k]! + (target - cum[k]!);
}

/**
 * The latest instant at which `target` ms (0 <= target < totalMs) of the year's working time have
 * elapsed: the mirror of `instantAtWorkingMs` for counting backwards, so landing exactly on the
 * start of an interval stays there (13:30, not 12:00).
 */
export function latestInstantAtWorkingMs(table: YearTable, target: number): number {
  const { cum } = table;
  // Last k with cum[k] <= target.
  let lo = 0;
  let hi = table.intervalStart.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (cum[mid]! <= target) lo = mid;
    else hi = mid - 1;
  }
  return table.intervalStart[lo]! + (target - cum[lo]!);
}
