import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { Clock } from '../clock.js';
import { JiaobanError } from '../errors.js';

/** A step in natural time (plain milliseconds: a day is 24 h). */
export interface NaturalStep {
  minutes?: number;
  hours?: number;
  days?: number;
}

/** A step in working time, read on a calendar (`workingDays` follows 次日起算). */
export interface WorkingStep {
  workingMinutes?: number;
  workingHours?: number;
  workingDays?: number;
}

function invalid(path: string, message: string): JiaobanError<'VALIDATION'> {
  return new JiaobanError('VALIDATION', `Invalid ${path}: ${message}`, { issues: [{ path: [path], message }] });
}

function toMs(input: Date | string, path: string): number {
  const t = input instanceof Date ? input.getTime() : typeof input === 'string' && /(?:Z|[+-]\d{2}:?\d{2})$/i.test(input) ? Date.parse(input) : NaN;
  if (Number.isNaN(t)) throw invalid(path, `expected a Date or an ISO 8601 instant with an offset, got ${String(input)}`);
  return t;
}

function amount(value: number | undefined, path: string): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0) throw invalid(path, 'a step is a finite amount, zero or more (the clock never goes backwards)');
  return value;
}

/**
 * A `Clock` that moves only when told: `set` to an instant, `advance` by natural time or by working
 * time on a calendar. It never goes backwards (a `VALIDATION` error), so that a simulation cannot
 * un-happen what it already fired.
 *
 * @example
 * const clock = new SimulatedClock('2026-02-13T16:10:00+08:00');
 * clock.advance({ workingHours: 4 }, cnMainland());
 * clock.now().toISOString(); //=> '2026-02-14T03:40:00.000Z' (Sat 14 Feb 11:40, a make-up day)
 * clock.advance({ days: 1 });
 * clock.now().toISOString(); //=> '2026-02-15T03:40:00.000Z'
 */
export class SimulatedClock implements Clock {
  #now: number;

  constructor(start: Date | string) {
    this.#now = toMs(start, 'start');
  }

  /** The current simulated instant (a fresh `Date`; mutating it changes nothing). */
  now(): Date {
    return new Date(this.#now);
  }

  /**
   * Moves to `instant`, which must not be before now.
   *
   * @example
   * clock.set('2026-10-08T09:00:00+08:00');
   */
  set(instant: Date | string): Date {
    const t = toMs(instant, 'instant');
    if (t < this.#now) {
      throw invalid('instant', `${new Date(t).toISOString()} is before the simulated now ${new Date(this.#now).toISOString()}; the clock never goes backwards`);
    }
    this.#now = t;
    return this.now();
  }

  /**
   * Advances by natural time, or by working time on `calendar` (required for working steps). Several
   * fields add up: natural ones in ms, working ones as working minutes, then working days (次日起算).
   *
   * @example
   * clock.advance({ hours: 2 });
   * clock.advance({ workingDays: 3 }, cnMainland()); // the close of the 3rd working day after today
   */
  advance(step: NaturalStep): Date;
  advance(step: WorkingStep, calendar: WorkCalendar): Date;
  advance(step: NaturalStep & WorkingStep, calendar?: WorkCalendar): Date {
    const natural = (amount(step.minutes, 'minutes') + amount(step.hours, 'hours') * 60 + amount(step.days, 'days') * 1440) * 60_000;
    const workingMinutes = amount(step.workingMinutes, 'workingMinutes') + amount(step.workingHours, 'workingHours') * 60;
    const workingDays = amount(step.workingDays, 'workingDays');
    if (!Number.isInteger(workingDays)) throw invalid('workingDays', 'a whole number of working days');
    let t = this.#now + natural;
    if (workingMinutes > 0 || workingDays > 0) {
      if (calendar === undefined) throw invalid('calendar', 'advancing by working time needs a calendar');
      if (workingMinutes > 0) t = calendar.addWorkingMinutes(new Date(t), workingMinutes).getTime();
      if (workingDays > 0) t = calendar.addWorkingDays(new Date(t), workingDays).getTime();
    }
    this.#now = t;
    return this.now();
  }
}
