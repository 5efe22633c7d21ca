import { JiaobanError } from '../errors.js';
import { civilFromDays, formatDayKey, parseDayKey } from './_civil.js';
import type { CalendarOverrides, DayHours } from './options.js';

/** Minutes after local midnight, `[start, end)`; `end` may be 1440 (24:00). */
export type LocalInterval = readonly [start: number, end: number];

/**
 * How a layer classifies a date. `regular` means "nothing special": the weekly hours of whichever
 * layer builds the table apply, so a unit that works Saturdays can sit on top of the national
 * calendar without the national layer knowing.
 */
export type DayClass =
  | { readonly kind: 'regular' }
  | { readonly kind: 'holiday'; readonly name?: string }
  | { readonly kind: 'closure'; readonly name?: string }
  | { readonly kind: 'makeUpWorkday'; readonly name?: string; readonly hours?: readonly LocalInterval[] }
  | { readonly kind: 'specialHours'; readonly name?: string; readonly hours: readonly LocalInterval[] };

export const REGULAR: DayClass = { kind: 'regular' };

const configError = (reason: string, field: string): JiaobanError<'CALENDAR_CONFIG'> =>
  new JiaobanError('CALENDAR_CONFIG', `Invalid calendar ${field}: ${reason}`, { reason, field });

function parseTime(text: string, field: string, allow24: boolean): number {
  const hours = Number(text.slice(0, 2));
  const minutes = Number(text.slice(3, 5));
  if (minutes > 59 || hours > 24 || (hours === 24 && (minutes !== 0 || !allow24))) {
    throw configError(`'${text}' is not a time of day`, field);
  }
  return hours * 60 + minutes;
}

/** Parses and checks one day's intervals: each start before its end, sorted, none overlapping. */
export function parseDayHours(hours: DayHours, field: string): LocalInterval[] {
  const parsed = hours.map((spec): LocalInterval => {
    const start = parseTime(spec.slice(0, 5), field, false);
    const end = parseTime(spec.slice(6, 11), field, true);
    if (end <= start) throw configError(`interval '${spec}' ends before it starts`, field);
    return [start, end];
  });
  parsed.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < parsed.length; i += 1) {
    const previous = parsed[i - 1]!;
    const current = parsed[i]!;
    if (current[0] < previous[1]) {
      throw configError(`intervals overlap at ${hours.join(', ')}`, field);
    }
  }
  return parsed;
}

export function formatInterval([start, end]: LocalInterval): string {
  const fmt = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${fmt(start)}-${fmt(end)}`;
}

export function dayNumber(key: string, field: string): number {
  const day = parseDayKey(key);
  if (day === undefined) throw configError(`'${key}' is not a calendar date`, field);
  return day;
}

interface Closure {
  readonly from: number;
  readonly to: number;
  readonly name?: string;
}

/** One layer's own adjustments, compiled to lookups by day number. */
export class DayRules {
  private readonly byDay = new Map<number, DayClass>();
  private readonly closures: Closure[] = [];
  /** Where each date was declared, to report a date that one layer lists twice. */
  private readonly declaredIn = new Map<number, string>();

  static fromOverrides(overrides: CalendarOverrides): DayRules {
    const rules = new DayRules();
    for (const entry of overrides.daysOff ?? []) {
      const { date, name } = typeof entry === 'string' ? { date: entry, name: undefined } : entry;
      rules.declare(dayNumber(date, 'daysOff'), 'daysOff', name === undefined ? { kind: 'holiday' } : { kind: 'holiday', name });
    }
    for (const entry of overrides.workingDays ?? []) {
      const spec = typeof entry === 'string' ? { date: entry } : entry;
      const hours = spec.hours === undefined ? undefined : parseDayHours(spec.hours, 'workingDays');
      rules.declare(dayNumber(spec.date, 'workingDays'), 'workingDays', {
        kind: 'makeUpWorkday',
        ...(spec.name === undefined ? {} : { name: spec.name }),
        ...(hours === undefined ? {} : { hours }),
      });
    }
    for (const entry of overrides.specialHours ?? []) {
      rules.declare(dayNumber(entry.date, 'specialHours'), 'specialHours', {
        kind: 'specialHours',
        hours: parseDayHours(entry.hours, 'specialHours'),
        ...(entry.name === undefined ? {} : { name: entry.name }),
      });
    }
    for (const closure of overrides.closures ?? []) {
      const from = dayNumber(closure.from, 'closures');
      const to = dayNumber(closure.to, 'closures');
      if (to < from) throw configError(`closure ${closure.from}..${closure.to} ends before it starts`, 'closures');
      for (const [day, list] of rules.declaredIn) {
        if (day >= from && day <= to) {
          throw configError(`closure ${closure.from}..${closure.to} contradicts a date in ${list} of the same layer`, 'closures');
        }
      }
      rules.closures.push({ from, to, ...(closure.reason === undefined ? {} : { name: closure.reason }) });
    }
    return rules;
  }

  /** Adds a rule from an official notice; later notices replace earlier ones for the same date. */
  setNoticeDay(day: number, dayClass: DayClass): void {
    this.byDay.set(day, dayClass);
  }

  private declare(day: number, list: string, dayClass: DayClass): void {
    const previous = this.declaredIn.get(day);
    if (previous !== undefined) {
      const what = previous === list ? `twice in ${list}` : `in both ${previous} and ${list}`;
      throw configError(`${formatDayKey(civilFromDays(day))} is listed ${what} of the same layer`, list);
    }
    this.declaredIn.set(day, list);
    this.byDay.set(day, dayClass);
  }

  classify(day: number): DayClass | undefined {
    const own = this.byDay.get(day);
    if (own !== undefined) return own;
    for (const closure of this.closures) {
      if (day >= closure.from && day <= closure.to) {
        return closure.name === undefined ? { kind: 'closure' } : { kind: 'closure', name: closure.name };
      }
    }
    return undefined;
  }
}
