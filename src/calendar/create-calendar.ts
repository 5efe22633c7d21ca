import Holidays from 'date-holidays';
import { z } from 'zod';
import { JiaobanError } from '../errors.js';
import { MS_PER_MINUTE, civilFromDays, daysFromCivil, formatDayKey, weekdayFromDays } from './_civil.js';
import { type DayClass, DayRules, type LocalInterval, REGULAR, dayNumber, formatInterval, parseDayHours } from './_day-rules.js';
import { type DateInput, invalidArgument, isDateOnly, toInstant } from './_instant.js';
import {
  type YearTable,
  buildYearTable,
  dayIndexOf,
  instantAtWorkingMs,
  latestInstantAtWorkingMs,
  workingMsBefore,
} from './_year-table.js';
import { type ZoneConverter, zoneConverter } from './_zone.js';
import { validateNotice } from './data/cn-mainland-notices.js';
import {
  type CalendarOptions,
  CalendarOptionsSchema,
  type CalendarOverrides,
  CalendarOverridesSchema,
  type OfficialNoticeInput,
  OfficialNoticeSchema,
  type WeeklyHours,
} from './options.js';
import type { DayInfo, DayKind, WorkCalendar } from './work-calendar.js';

/** Tables exist for these years; anything outside is a `CALENDAR_RANGE` error on every calendar. */
const MIN_YEAR = 1900;
const MAX_YEAR = 2199;
const MS_PER_HOUR = 3_600_000;
const AVERAGE_YEAR_MS = 365.2425 * 86_400_000;
const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DEFAULT_HOURS = ['09:00-12:00', '13:30-17:30'];
export const DEFAULT_WEEKLY_HOURS: WeeklyHours = {
  mon: DEFAULT_HOURS,
  tue: DEFAULT_HOURS,
  wed: DEFAULT_HOURS,
  thu: DEFAULT_HOURS,
  fri: DEFAULT_HOURS,
};

function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || what;
  throw new JiaobanError('CALENDAR_CONFIG', `Invalid ${what} at '${field}': ${issue.message}`, { reason: issue.message, field }, { cause: parsed.error });
}

function parseWeekly(weekly: WeeklyHours): LocalInterval[][] {
  return WEEKDAY_KEYS.map((key) => parseDayHours(weekly[key] ?? [], `weeklyHours.${key}`));
}

/** State shared by a root calendar and everything derived from it. */
class Root {
  revision = 0;
  private noticeRules = new DayRules();
  readonly notices = new Map<number, OfficialNoticeInput>();
  coverage: { from: number; to: number } | null;
  /**
   * Where coverage comes from: the caller's `coverage` option, the years of the notices the
   * calendar was created with, or nowhere (a calendar without notices vouches for any year, and a
   * notice added to it later adds data without taking years away).
   */
  private readonly coverageMode: 'fixed' | 'notices' | 'unlimited';
  private readonly publicHolidays: Holidays | undefined;
  private readonly holidayCache = new Map<number, Map<number, string>>();

  constructor(options: CalendarOptions, readonly outOfRange: 'error' | 'weekdays') {
    this.coverage = options.coverage ?? null;
    this.coverageMode = options.coverage !== undefined ? 'fixed' : (options.notices?.length ?? 0) > 0 ? 'notices' : 'unlimited';
    if (this.coverage && this.coverage.to < this.coverage.from) {
      throw new JiaobanError('CALENDAR_CONFIG', 'Invalid calendar coverage: `to` is before `from`', { reason: 'coverage ends before it starts', field: 'coverage' });
    }
    if (options.holidays) {
      const { country, state, region, types } = options.holidays;
      const hd = new Holidays();
      const known =
        hd.getCountries()[country] !== undefined &&
        (state === undefined || hd.getStates(country)?.[state] !== undefined) &&
        (region === undefined || (state !== undefined && hd.getRegions(country, state)?.[region] !== undefined));
      if (!known) {
        throw new JiaobanError('CALENDAR_CONFIG', `date-holidays knows no region '${[country, state, region].filter(Boolean).join('/')}'`, { reason: 'unknownHolidayRegion', field: 'holidays' });
      }
      hd.init(country, state ?? '', region ?? '', { types: types ?? ['public'] });
      this.publicHolidays = hd;
    }
    for (const notice of options.notices ?? []) this.addNotice(notice);
  }

  addNotice(input: OfficialNoticeInput): void {
    const notice = parseOptions(OfficialNoticeSchema, input, 'notice');
    const problems = validateNotice(notice);
    if (problems.length > 0) {
      throw new JiaobanError('CALENDAR_CONFIG', `Invalid holiday notice for ${notice.year}: ${problems.join('; ')}`, { reason: problems.join('; '), field: 'notices' });
    }
    this.notices.set(notice.year, notice);
    // Rebuilt from every notice in year order, so a replaced notice leaves none of its days behind
    // and a later year's notice wins a date two notices both mention (a December make-up day).
    const rules = new DayRules();
    for (const year of [...this.notices.keys()].sort((a, b) => a - b)) {
      for (const holidayBreak of this.notices.get(year)!.breaks) {
        const from = dayNumber(holidayBreak.from, 'notices');
        const to = dayNumber(holidayBreak.to, 'notices');
        for (let day = from; day <= to; day += 1) rules.setNoticeDay(day, { kind: 'holiday', name: holidayBreak.name });
        for (const workday of holidayBreak.workdays) {
          rules.setNoticeDay(dayNumber(workday, 'notices'), { kind: 'makeUpWorkday', name: holidayBreak.name });
        }
      }
    }
    this.noticeRules = rules;
    if (this.coverageMode === 'notices') {
      const years = [...this.notices.keys()];
      this.coverage = { from: Math.min(...years), to: Math.max(...years) };
    }
    this.revision += 1;
  }

  /** A year the notices do not govern is only vouched for when the caller opted into weekdays. */
  isCovered(year: number): boolean {
    if (year < MIN_YEAR || year > MAX_YEAR) return false;
    const covered =
      this.coverage === null ||
      (year >= this.coverage.from && year <= this.coverage.to && (this.coverageMode === 'fixed' || this.notices.has(year)));
    return covered || this.outOfRange === 'weekdays';
  }

  assertCovered(year: number, day: number): void {
    if (this.isCovered(year)) return;
    const span = this.coverage ?? { from: MIN_YEAR, to: MAX_YEAR };
    throw new JiaobanError(
      'CALENDAR_RANGE',
      `${formatDayKey(civilFromDays(day))} lies outside the years this calendar covers (${span.from}–${span.to}); add that year's notice or opt into outOfRange: 'weekdays'`,
      { date: formatDayKey(civilFromDays(day)), covered: { from: span.from, to: span.to } },
    );
  }

  classify(day: number): DayClass {
    const fromNotice = this.noticeRules.classify(day);
    if (fromNotice !== undefined) return fromNotice;
    if (this.publicHolidays) {
      const name = this.holidaysOfYear(civilFromDays(day).year).get(day);
      if (name !== undefined) return { kind: 'holiday', name };
    }
    return REGULAR;
  }

  private holidaysOfYear(year: number): Map<number, string> {
    let days = this.holidayCache.get(year);
    if (days) return days;
    days = new Map();
    for (const holiday of this.publicHolidays!.getHolidays(year)) {
      // date-holidays reports local dates of its own region; a multi-day holiday spans start..end.
      const first = dayNumber(holiday.date.slice(0, 10), 'holidays');
      const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / 86_400_000));
      for (let i = 0; i < length; i += 1) if (!days.has(first + i)) days.set(first + i, holiday.name);
    }
    this.holidayCache.set(year, days);
    return days;
  }
}

const yearStartsByZone = new Map<string, Float64Array>();

/** Instants of local midnight on 1 January of every supported year (and the year after the last). */
function yearStartsOf(zone: ZoneConverter): Float64Array {
  let starts = yearStartsByZone.get(zone.name);
  if (starts === undefined) {
    starts = new Float64Array(MAX_YEAR - MIN_YEAR + 2);
    for (let year = MIN_YEAR; year <= MAX_YEAR + 1; year += 1) {
      starts[year - MIN_YEAR] = zone.wallToInstant(daysFromCivil(year, 1, 1) * 86_400_000);
    }
    yearStartsByZone.set(zone.name, starts);
  }
  return starts;
}

class TableCalendar implements WorkCalendar {
  readonly id: string;
  private readonly tables: Array<YearTable | undefined> = [];
  private readonly yearStarts: Float64Array;
  private builtAtRevision: number;
  private readonly weekly: LocalInterval[][];
  private readonly workdayHours: readonly LocalInterval[];

  constructor(
    private readonly root: Root,
    private readonly zoneOf: ZoneConverter,
    private readonly rules: DayRules,
    private readonly parent: TableCalendar | undefined,
    overrides: CalendarOverrides,
  ) {
    this.id = overrides.id ?? (parent ? `${parent.id}+derived` : 'calendar');
    this.weekly = overrides.weeklyHours ? parseWeekly(overrides.weeklyHours) : (parent?.weekly ?? parseWeekly(DEFAULT_WEEKLY_HOURS));
    const firstWorkingWeekday = [1, 2, 3, 4, 5, 6, 0].map((d) => this.weekly[d]!).find((hours) => hours.length > 0) ?? [];
    this.workdayHours = overrides.workdayHours ? parseDayHours(overrides.workdayHours, 'workdayHours') : (parent?.workdayHours ?? firstWorkingWeekday);
    this.builtAtRevision = root.revision;
    this.yearStarts = yearStartsOf(zoneOf);
  }

  get zone(): string {
    return this.zoneOf.name;
  }

  get revision(): number {
    return this.root.revision;
  }

  get coverage(): { readonly from: number; readonly to: number } | null {
    return this.root.coverage ? { ...this.root.coverage } : null;
  }

  derive(overrides: CalendarOverrides): WorkCalendar {
    const parsed = parseOptions(CalendarOverridesSchema, overrides, 'calendar overrides');
    return new TableCalendar(this.root, this.zoneOf, DayRules.fromOverrides(parsed), this, parsed);
  }

  addNotice(notice: OfficialNoticeInput): void {
    this.root.addNotice(notice);
  }

  // ── day resolution ─────────────────────────────────────────────────────────

  private classify(day: number): DayClass {
    return this.rules.classify(day) ?? (this.parent ? this.parent.classify(day) : this.root.classify(day));
  }

  private hoursOf(day: number, dayClass: DayClass): readonly LocalInterval[] {
    switch (dayClass.kind) {
      case 'regular':
        return this.weekly[weekdayFromDays(day)]!;
      case 'holiday':
      case 'closure':
        return [];
      case 'makeUpWorkday':
        return dayClass.hours ?? this.workdayHours;
      case 'specialHours':
        return dayClass.hours;
    }
  }

  // ── tables ─────────────────────────────────────────────────────────────────

  /** `asked`, when given, is the instant the caller asked about, for the error message. */
  private table(year: number, asked?: number): YearTable {
    if (this.builtAtRevision !== this.root.revision) {
      this.tables.length = 0;
      this.builtAtRevision = this.root.revision;
    }
    const cached = this.tables[year - MIN_YEAR];
    if (cached !== undefined) return cached;
    this.root.assertCovered(year, asked === undefined ? daysFromCivil(year, 1, 1) : this.localDayNumber(asked));
    const built = buildYearTable(year, this.zoneOf, (day) => this.hoursOf(day, this.classify(day)));
    this.tables[year - MIN_YEAR] = built;
    return built;
  }

  /**
   * The table of the local year containing instant t. The hot path: one division guesses the year
   * (the average Gregorian year is within a day of the truth from 1900 to 2199) and the zone's
   * precomputed year starts settle it, so no table is built for a neighbouring year by mistake.
   */
  private tableAt(t: number): YearTable {
    const starts = this.yearStarts;
    let index = Math.floor(t / AVERAGE_YEAR_MS) + (1970 - MIN_YEAR);
    if (index >= 0 && index < starts.length - 1) {
      if (t < starts[index]!) index -= 1;
      else if (t >= starts[index + 1]!) index += 1;
    }
    if (index < 0 || index >= starts.length - 1) {
      const year = index < 0 ? MIN_YEAR - 1 : MAX_YEAR + 1;
      this.root.assertCovered(year, this.localDayNumber(t));
    }
    if (this.builtAtRevision === this.root.revision) {
      const cached = this.tables[index];
      if (cached !== undefined) return cached;
    }
    return this.table(index + MIN_YEAR, t);
  }

  /** The local calendar date of an instant, as a day number; off the hot path (errors only). */
  private localDayNumber(t: number): number {
    return Math.floor((t + this.zoneOf.offsetAt(t) * 60_000) / 86_400_000);
  }

  private instant(input: DateInput, path: string): number {
    if (input instanceof Date) {
      const t = input.getTime();
      if (t === t) return t; // not NaN
    }
    return toInstant(input, path, this.zoneOf);
  }

  /** A 'YYYY-MM-DD' string names a date directly; anything else names the date of an instant. */
  private dayOf(input: DateInput, path: string): { table: YearTable; day: number } {
    const t = this.instant(input, path);
    const table = this.tableAt(t);
    return { table, day: dayIndexOf(table, t) };
  }

  // ── operations ─────────────────────────────────────────────────────────────

  isWorkingDay(date: DateInput): boolean {
    const { table, day } = this.dayOf(date, 'date');
    return table.firstInterval[day + 1]! > table.firstInterval[day]!;
  }

  isWorkingTime(instant: DateInput): boolean {
    const t = this.instant(instant, 'instant');
    const table = this.tableAt(t);
    const day = dayIndexOf(table, t);
    for (let k = table.firstInterval[day]!, stop = table.firstInterval[day + 1]!; k < stop; k += 1) {
      if (table.intervalStart[k]! <= t && t < table.intervalEnd[k]!) return true;
    }
    return false;
  }

  nextWorkingTime(instant: DateInput): Date {
    const t = this.instant(instant, 'instant');
    let table = this.tableAt(t);
    const day = dayIndexOf(table, t);
    let k = table.firstInterval[day]!;
    const n = table.intervalStart.length;
    while (k < n && table.intervalEnd[k]! <= t) k += 1;
    if (k < n) return new Date(Math.max(t, table.intervalStart[k]!));
    do table = this.table(table.year + 1);
    while (table.intervalStart.length === 0);
    return new Date(table.intervalStart[0]!);
  }

  addWorkingMinutes(start: DateInput, minutes: number): Date {
    if (!Number.isFinite(minutes)) throw invalidArgument('minutes', `expected a finite number, got ${String(minutes)}`);
    return this.addWorkingMs(this.instant(start, 'start'), Math.round(minutes * MS_PER_MINUTE));
  }

  addWorkingHours(start: DateInput, hours: number): Date {
    if (!Number.isFinite(hours)) throw invalidArgument('hours', `expected a finite number, got ${String(hours)}`);
    return this.addWorkingMs(this.instant(start, 'start'), Math.round(hours * MS_PER_HOUR));
  }

  private addWorkingMs(t: number, ms: number): Date {
    if (ms === 0) return new Date(t);
    let table = this.tableAt(t);
    let target = workingMsBefore(table, dayIndexOf(table, t), t) + ms;
    if (ms > 0) {
      if (target <= table.totalMs) return new Date(instantAtWorkingMs(table, target));
      do {
        target -= table.totalMs;
        table = this.table(table.year + 1);
      } while (target > table.totalMs);
      return new Date(instantAtWorkingMs(table, target));
    }
    while (target < 0) {
      table = this.table(table.year - 1);
      target += table.totalMs;
    }
    return new Date(latestInstantAtWorkingMs(table, target));
  }

  addWorkingDays(start: DateInput, days: number): Date {
    if (!Number.isInteger(days)) throw invalidArgument('days', `expected an integer number of working days, got ${String(days)}`);
    const t = this.instant(start, 'start');
    if (days === 0) return new Date(t);
    let table = this.tableAt(t);
    let day = dayIndexOf(table, t);
    if (t === table.dayStart[day] && this.endsPreviousDay(table, day, start)) {
      if (day > 0) day -= 1;
      else {
        table = this.table(table.year - 1);
        day = table.dayCount - 1;
      }
    }
    if (days > 0) {
      // 次日起算: the day of `start` is never counted, so begin with the working days after it.
      let index = table.workingDaysBefore[day + 1]! + days - 1;
      while (index >= table.workingDays.length) {
        index -= table.workingDays.length;
        table = this.table(table.year + 1);
      }
      const target = table.workingDays[index]!;
      return new Date(table.intervalEnd[table.firstInterval[target + 1]! - 1]!);
    }
    let index = table.workingDaysBefore[day]! + days;
    while (index < 0) {
      table = this.table(table.year - 1);
      index += table.workingDays.length;
    }
    const target = table.workingDays[index]!;
    return new Date(table.intervalStart[table.firstInterval[target]!]!);
  }

  workingMinutesBetween(a: DateInput, b: DateInput): number {
    const from = this.instant(a, 'a');
    const to = this.instant(b, 'b');
    if (to < from) return -this.workingMsBetween(to, from) / MS_PER_MINUTE;
    return this.workingMsBetween(from, to) / MS_PER_MINUTE;
  }

  private workingMsBetween(from: number, to: number): number {
    const first = this.tableAt(from);
    const last = this.tableAt(to);
    const before = workingMsBefore(first, dayIndexOf(first, from), from);
    const upTo = workingMsBefore(last, dayIndexOf(last, to), to);
    let total = upTo - before;
    for (let year = first.year; year < last.year; year += 1) total += this.table(year).totalMs;
    return total;
  }

  workingDaysBetween(a: DateInput, b: DateInput): number {
    const from = this.countingDayOf(a, 'a');
    const to = this.countingDayOf(b, 'b');
    const through = ({ table, day }: { table: YearTable; day: number }): number => table.workingDaysBefore[day + 1]!;
    const [lo, hi, sign] = from.table.year < to.table.year || (from.table.year === to.table.year && from.day <= to.day) ? [from, to, 1] : [to, from, -1];
    let count = through(hi) - through(lo);
    for (let year = lo.table.year; year < hi.table.year; year += 1) count += this.table(year).workingDays.length;
    return sign * count;
  }

  /**
   * The 24:00 rule. An instant at local midnight that is also the end of the previous day's last
   * working interval (every midnight on a 24×7 calendar) closes that day rather than opening the
   * next, so a deadline at 24:00 is counted on the day it ends and chained deadlines add up. A
   * date-only string names its own date and is never moved.
   */
  private endsPreviousDay(table: YearTable, day: number, input: DateInput): boolean {
    if (isDateOnly(input)) return false;
    const t = table.dayStart[day]!;
    const k = table.firstInterval[day]!;
    if (k > 0) return table.intervalEnd[k - 1] === t;
    if (day > 0 || !this.root.isCovered(table.year - 1)) return false;
    const previous = this.table(table.year - 1);
    const last = previous.intervalEnd.length - 1;
    return last >= 0 && previous.intervalEnd[last] === t;
  }

  private countingDayOf(input: DateInput, path: string): { table: YearTable; day: number } {
    const t = this.instant(input, path);
    const table = this.tableAt(t);
    const day = dayIndexOf(table, t);
    if (table.dayStart[day] !== t || !this.endsPreviousDay(table, day, input)) return { table, day };
    if (day > 0) return { table, day: day - 1 };
    const previous = this.table(table.year - 1);
    return { table: previous, day: previous.dayCount - 1 };
  }

  describeDay(date: DateInput): DayInfo {
    const { table, day } = this.dayOf(date, 'date');
    const dayNumberOfDate = daysFromCivil(table.year, 1, 1) + day;
    const dayClass = this.classify(dayNumberOfDate);
    const hours = this.hoursOf(dayNumberOfDate, dayClass);
    const kind: DayKind = dayClass.kind === 'regular' ? (hours.length > 0 ? 'workday' : 'weekend') : dayClass.kind;
    const name = 'name' in dayClass ? dayClass.name : undefined;
    return {
      date: formatDayKey(civilFromDays(dayNumberOfDate)),
      kind,
      working: hours.length > 0,
      ...(name === undefined ? {} : { name }),
      hours: hours.map(formatInterval),
    };
  }
}

/**
 * Creates a working-time calendar. Every option is checked: a bad zone, a time such as `25:00`,
 * overlapping or reversed intervals, or a date listed twice in one layer raise a `CALENDAR_CONFIG`
 * error at creation, never a wrong deadline later.
 *
 * @example
 * const office = createCalendar({
 *   zone: 'Asia/Shanghai',
 *   weeklyHours: { mon: ['09:00-12:00', '13:30-17:30'], tue: ['09:00-12:00', '13:30-17:30'] },
 *   daysOff: [{ date: '2026-03-03', name: '区级活动' }],
 * });
 * office.addWorkingHours('2026-03-02T16:30', 2); //=> 2026-03-09T02:00:00.000Z (Mon 9 Mar 10:00 local)
 */
export function createCalendar(options: CalendarOptions = {}): WorkCalendar {
  const parsed = parseOptions(CalendarOptionsSchema, options, 'calendar options');
  const zone = zoneConverter(parsed.zone ?? 'Asia/Shanghai');
  const root = new Root(parsed, parsed.outOfRange ?? 'error');
  return new TableCalendar(root, zone, DayRules.fromOverrides(parsed), undefined, parsed);
}
