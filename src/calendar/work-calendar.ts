import type { DateInput } from './_instant.js';
import type { CalendarOverrides, OfficialNoticeInput } from './options.js';

export type { DateInput } from './_instant.js';

/** What kind of day a date is on a calendar. */
export type DayKind =
  | 'workday' // a weekday with its weekly hours
  | 'weekend' // a day the weekly hours leave empty
  | 'holiday' // a public holiday or an extra day off
  | 'makeUpWorkday' // an extra working day, such as China's 调休上班
  | 'closure' // a unit-specific closure
  | 'specialHours'; // a date with its own hours (a half-day)

/** One date as a calendar sees it. */
export interface DayInfo {
  /** 'YYYY-MM-DD' in the calendar's zone. */
  readonly date: string;
  readonly kind: DayKind;
  readonly working: boolean;
  /** Holiday, make-up day or closure name, when the source gives one ('春节', '国庆节'…). */
  readonly name?: string;
  /** Working intervals of the day, 'HH:MM-HH:MM'. */
  readonly hours: readonly string[];
}

/**
 * A working-time calendar: working hours per weekday, holidays, make-up working days, half-days
 * and closures, in one IANA zone. Every operation takes and returns `Date` (strings are accepted:
 * with an offset they name an instant, without one they are wall-clock time in the calendar's zone).
 *
 * Intervals are half-open `[start, end)`: 12:00 is not working time when the morning ends at 12:00.
 * Every amount is exact to the millisecond; nothing is rounded to minutes.
 */
export interface WorkCalendar {
  /** A name for messages and reports. */
  readonly id: string;
  /** The IANA zone the calendar's dates and hours are read in. */
  readonly zone: string;
  /**
   * Changes whenever an official notice is added to this calendar or its base, so that a caller
   * holding deadlines computed earlier knows to recompute them.
   */
  readonly revision: number;
  /** Years the calendar vouches for (`null` = any year), as a closed range. */
  readonly coverage: { readonly from: number; readonly to: number } | null;

  /**
   * Whether the calendar date of `date` (in the calendar's zone) has working time.
   *
   * @example
   * cnMainland().isWorkingDay('2024-02-18'); //=> true (a Sunday worked for Spring Festival)
   */
  isWorkingDay(date: DateInput): boolean;

  /**
   * Whether `instant` lies inside a working interval.
   *
   * @example
   * cnMainland().isWorkingTime('2026-03-02T12:00'); //=> false (lunch break starts at 12:00)
   */
  isWorkingTime(instant: DateInput): boolean;

  /**
   * `instant` itself when it is working time, otherwise the start of the next working interval.
   *
   * @example
   * cnMainland().nextWorkingTime('2026-02-13T18:00'); //=> 2026-02-14T01:00:00.000Z (Sat 14 Feb 09:00, a make-up day)
   */
  nextWorkingTime(instant: DateInput): Date;

  /**
   * The earliest instant at which `minutes` of working time have elapsed since `start`. From outside
   * working time the count starts at the next working instant; a result that lands exactly on the
   * end of an interval stays there. `0` returns `start`; a negative amount counts backwards and
   * returns the latest instant that many working minutes before `start`.
   *
   * @example
   * cnMainland().addWorkingMinutes('2026-03-02T11:00', 90); //=> 2026-03-02T06:00:00.000Z (14:00 local)
   */
  addWorkingMinutes(start: DateInput, minutes: number): Date;

  /**
   * `addWorkingMinutes(start, hours * 60)`.
   *
   * @example
   * cnMainland().addWorkingHours('2026-09-30T16:30', 4); //=> 2026-10-08T04:00:00.000Z (Thu 8 Oct 12:00 local)
   */
  addWorkingHours(start: DateInput, hours: number): Date;

  /**
   * 次日起算 (Civil Code arts. 201, 203): the end of the last working interval of the `days`-th
   * working day strictly after the calendar date of `start`, whatever the time of day of `start`
   * and whether or not that date is itself a working day. `0` returns `start`; a negative amount
   * returns the opening of the `|days|`-th working day strictly before that date. `days` must be an
   * integer.
   *
   * @example
   * cnMainland().addWorkingDays('2024-02-09T10:00', 1); //=> 2024-02-18T09:30:00.000Z (Sun 18 Feb 17:30 local, a make-up day)
   */
  addWorkingDays(start: DateInput, days: number): Date;

  /**
   * Working minutes in the half-open interval `[a, b)`; negative when `b` is before `a`. Fractional
   * when an end point has seconds.
   *
   * @example
   * cnMainland().workingMinutesBetween('2026-03-02T11:00', '2026-03-02T14:00'); //=> 90
   */
  workingMinutesBetween(a: DateInput, b: DateInput): number;

  /**
   * Working days strictly after the date of `a` up to and including the date of `b` (the count
   * 次日起算 uses), negative when `b` is before `a`, so that
   * `workingDaysBetween(s, addWorkingDays(s, n)) === n` for every `n >= 1`.
   *
   * @example
   * cnMainland().workingDaysBetween('2024-02-09', '2024-02-19'); //=> 2 (Sun 18 and Mon 19 Feb)
   */
  workingDaysBetween(a: DateInput, b: DateInput): number;

  /**
   * The kind, name and hours of the calendar date of `date`.
   *
   * @example
   * cnMainland().describeDay('2025-01-26');
   * //=> { date: '2025-01-26', kind: 'makeUpWorkday', working: true, name: '春节', hours: ['09:00-12:00', '13:30-17:30'] }
   */
  describeDay(date: DateInput): DayInfo;

  /**
   * A calendar layered on this one (national → province → unit): its own adjustments win, every
   * other date is resolved by this calendar, which is not copied. A derived calendar follows
   * notices added to its base later.
   *
   * @example
   * const unit = cnMainland().derive({ id: 'unit.water', closures: [{ from: '2026-03-02', to: '2026-03-03', reason: '搬迁' }] });
   * unit.isWorkingDay('2026-03-02'); //=> false
   */
  derive(overrides: CalendarOverrides): WorkCalendar;

  /**
   * Adds (or replaces, for the same year) an official holiday notice at run time, for example next
   * year's once the State Council publishes it, and extends the coverage to its year. Tables built
   * from the old data are dropped; `revision` changes. On a derived calendar this goes to its root.
   *
   * @example
   * calendar.addNotice(notice2027);
   * calendar.coverage; //=> { from: 2019, to: 2027 }
   */
  addNotice(notice: OfficialNoticeInput): void;
}
