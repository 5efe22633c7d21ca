/**
 * Small helpers over instants and calendars shared by the SLA modules. Instants are epoch ms
 * inside the algebra and ISO strings in the (JSON) clock state.
 */
import { always } from '../calendar/always.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import { JiaobanError } from '../errors.js';
import type { Duration } from './policy.js';

const MS_PER_MINUTE = 60_000;

export function invalid(path: string, message: string): JiaobanError<'VALIDATION'> {
  return new JiaobanError('VALIDATION', `Invalid ${path}: ${message}`, { issues: [{ path: [path], message }] });
}

/** A `Date` or an ISO string with an offset → epoch ms; anything else is a `VALIDATION` error. */
export function toMs(input: Date | string, path: string): number {
  const t = input instanceof Date ? input.getTime() : typeof input === 'string' && /(?:Z|[+-]\d{2}:?\d{2})$/i.test(input) ? Date.parse(input) : NaN;
  if (Number.isNaN(t)) throw invalid(path, `expected a Date or an ISO 8601 instant with an offset, got ${String(input)}`);
  return t;
}

export { iso } from '../_iso.js';

export function fromIso(value: string): number {
  return Date.parse(value);
}

// One 24×7 calendar per zone. Natural clocks only need the zone to know where a day starts (for
// `days` / `workingDays` amounts on them); sharing the instance keeps its year tables warm.
const naturalByZone = new Map<string, WorkCalendar>();

/** The 24×7 calendar in the zone of `working`. */
export function naturalCalendar(working: WorkCalendar): WorkCalendar {
  let cal = naturalByZone.get(working.zone);
  if (cal === undefined) {
    cal = always({ zone: working.zone, id: `always:${working.zone}` });
    naturalByZone.set(working.zone, cal);
  }
  return cal;
}

/** Working ms in `[a, b)` on `cal`, rounded to the ms the calendar works in. */
export function workingMsBetween(cal: WorkCalendar, a: number, b: number): number {
  if (b <= a) return 0;
  return Math.round(cal.workingMinutesBetween(new Date(a), new Date(b)) * MS_PER_MINUTE);
}

/** The earliest instant at which `ms` of working time on `cal` have elapsed since `a`. */
export function addWorkingMs(cal: WorkCalendar, a: number, ms: number): number {
  if (ms <= 0) return a;
  return cal.addWorkingMinutes(new Date(a), ms / MS_PER_MINUTE).getTime();
}

/**
 * `start` plus a duration: natural amounts in plain ms, working amounts on `working` (次日起算 for
 * working days).
 */
export function addDuration(start: number, duration: Duration, working: WorkCalendar): number {
  if ('naturalMinutes' in duration) return start + duration.naturalMinutes * MS_PER_MINUTE;
  if ('days' in duration) return start + duration.days * 1440 * MS_PER_MINUTE;
  if ('workingMinutes' in duration) return duration.workingMinutes === 0 ? start : working.addWorkingMinutes(new Date(start), duration.workingMinutes).getTime();
  return duration.workingDays === 0 ? start : working.addWorkingDays(new Date(start), duration.workingDays).getTime();
}

export { MS_PER_MINUTE };
