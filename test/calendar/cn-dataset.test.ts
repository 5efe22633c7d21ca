import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import chineseDays from 'chinese-days';
import { describe, it, expect } from 'vitest';
import {
  CN_MAINLAND_NOTICES,
  validateNotice,
  type OfficialBreak,
  type OfficialNotice,
} from '../../src/calendar/data/cn-mainland-notices.js';

const FIRST_YEAR = 2019;
const LAST_YEAR = 2026;
const YEARS = Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i);
const FESTIVALS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'];

type DayKind = 'work' | 'off';

const DAY_MS = 86_400_000;

function toDay(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
}

function toIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = toDay(from); d <= toDay(to); d++) out.push(toIso(d));
  return out;
}

function isWeekend(iso: string): boolean {
  const wd = new Date(toDay(iso) * DAY_MS).getUTCDay();
  return wd === 0 || wd === 6;
}

function weekdayName(iso: string): string {
  return new Date(toDay(iso) * DAY_MS).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
}

function byWeek(iso: string): DayKind {
  return isWeekend(iso) ? 'off' : 'work';
}

const ourOff = new Set<string>();
const ourWork = new Set<string>();
for (const n of CN_MAINLAND_NOTICES) {
  for (const b of n.breaks) {
    for (const d of daysBetween(b.from, b.to)) ourOff.add(d);
    for (const w of b.workdays) ourWork.add(w);
  }
}

function ourKind(iso: string): DayKind {
  if (ourWork.has(iso)) return 'work';
  if (ourOff.has(iso)) return 'off';
  return byWeek(iso);
}

function noticeFor(year: number): OfficialNotice {
  const n = CN_MAINLAND_NOTICES.find((x) => x.year === year);
  if (n === undefined) throw new Error(`no notice for ${year}`);
  return n;
}

function breakNamed(year: number, name: string): OfficialBreak {
  const b = noticeFor(year).breaks.find((x) => x.name.split('、').includes(name));
  if (b === undefined) throw new Error(`no ${name} break in ${year}`);
  return b;
}

/** Every day of `year` on which `theirs` disagrees with our dataset, as readable lines. */
function disagreements(year: number, theirs: (iso: string) => DayKind): string[] {
  return daysBetween(`${year}-01-01`, `${year}-12-31`)
    .filter((d) => theirs(d) !== ourKind(d))
    .map((d) => `${d} (${weekdayName(d)}): ours ${ourKind(d)}, theirs ${theirs(d)}`);
}

// Both packages compute weekdays with local-time getters on dates parsed as UTC midnight, so west of
// UTC their per-day APIs answer for the previous day. Their data is zone-free, which is why the main
// comparison reads the data and only the API cross-check depends on the host zone.
const hostWestOfUtc = [Date.UTC(2024, 0, 1), Date.UTC(2024, 6, 1)].some(
  (ms) => new Date(ms).getTimezoneOffset() > 0,
);
const westReason = 'runs only where the host zone is not west of UTC: the package reads weekdays in host time';

const require = createRequire(import.meta.url);

// chinese-days ships its tables as JSON keyed by calendar date; its own isWorkday reads the same maps.
interface ChineseDaysData {
  readonly holidays: Readonly<Record<string, string>>;
  readonly workdays: Readonly<Record<string, string>>;
}
const chineseDaysData = JSON.parse(
  readFileSync(require.resolve('chinese-days/dist/chinese-days.json'), 'utf8'),
) as ChineseDaysData;
const chineseDaysYears = new Set(Object.keys(chineseDaysData.holidays).map((d) => Number(d.slice(0, 4))));

function chineseDaysKind(iso: string): DayKind {
  if (chineseDaysData.workdays[iso] !== undefined) return 'work';
  if (chineseDaysData.holidays[iso] !== undefined) return 'off';
  return byWeek(iso);
}

// holiday-calendar has no type declarations; this is the part of its API the test uses.
interface HolidayCalendarEntry {
  readonly date: string;
  readonly type: 'public_holiday' | 'transfer_workday';
}
interface HolidayCalendarIndex {
  readonly regions: readonly { readonly name: string; readonly startYear: number; readonly endYear: number }[];
}
interface HolidayCalendarApi {
  getIndex(): Promise<HolidayCalendarIndex>;
  getDates(region: string, year: number): Promise<readonly HolidayCalendarEntry[]>;
  isWorkday(region: string, date: string): Promise<boolean>;
}
type HolidayCalendarCtor = new (options: { dataLoader: (path: string) => Promise<unknown> }) => HolidayCalendarApi;

const HolidayCalendar = require('holiday-calendar') as HolidayCalendarCtor;
const holidayCalendarDataDir = join(dirname(require.resolve('holiday-calendar/package.json')), 'data');
// Its default loader fetches from a CDN; reading the installed files keeps the test offline and pinned
// to the version in package-lock.json.
const holidayCalendar = new HolidayCalendar({
  dataLoader: (path) => Promise.resolve(JSON.parse(readFileSync(join(holidayCalendarDataDir, path), 'utf8'))),
});
const cnRange = (await holidayCalendar.getIndex()).regions.find((r) => r.name === 'CN');
const holidayCalendarYears = new Set(
  YEARS.filter((y) => cnRange !== undefined && y >= cnRange.startYear && y <= cnRange.endYear),
);

// A year file holds one holiday year, so a break starting in late December (New Year 2023 begins on
// 2022-12-31) sits in the next year's file: merge every file by calendar date before comparing.
const holidayCalendarByDate = new Map<string, HolidayCalendarEntry['type']>();
for (const y of [...holidayCalendarYears, LAST_YEAR + 1].filter((y) => cnRange !== undefined && y <= cnRange.endYear)) {
  for (const e of await holidayCalendar.getDates('CN', y)) holidayCalendarByDate.set(e.date, e.type);
}

function holidayCalendarKind(iso: string): DayKind {
  const type = holidayCalendarByDate.get(iso);
  if (type === 'transfer_workday') return 'work';
  if (type === 'public_holiday') return 'off';
  return byWeek(iso);
}

describe('CN_MAINLAND_NOTICES', () => {
  it.each(CN_MAINLAND_NOTICES.map((n) => [n.year, n] as const))('the %i notice validates without problems', (_, n) => {
    expect(validateNotice(n)).toEqual([]);
  });

  it(`holds each holiday year ${FIRST_YEAR}..${LAST_YEAR} exactly once, in ascending order`, () => {
    expect(CN_MAINLAND_NOTICES.map((n) => n.year)).toEqual(YEARS);
  });

  it.each(YEARS)('gives %i all seven festivals, each in exactly one break', (year) => {
    const names = noticeFor(year).breaks.flatMap((b) => b.name.split('、'));
    expect([...names].sort()).toEqual([...FESTIVALS].sort());
  });

  it('cites the document number, date of issue and title of each annual notice', () => {
    expect(CN_MAINLAND_NOTICES.map((n) => [n.year, n.notice, n.issued])).toEqual([
      [2019, '国办发明电〔2018〕15号', '2018-12-04'],
      [2020, '国办发明电〔2019〕16号', '2019-11-21'],
      [2021, '国办发明电〔2020〕27号', '2020-11-25'],
      [2022, '国办发明电〔2021〕11号', '2021-10-25'],
      [2023, '国办发明电〔2022〕16号', '2022-12-08'],
      [2024, '国办发明电〔2023〕7号', '2023-10-25'],
      [2025, '国办发明电〔2024〕12号', '2024-11-12'],
      [2026, '国办发明电〔2025〕7号', '2025-11-04'],
    ]);
    for (const n of CN_MAINLAND_NOTICES) {
      expect(n.title).toBe(`国务院办公厅关于${n.year}年部分节假日安排的通知`);
    }
  });
});

describe('day kinds agree with chinese-days', () => {
  for (const year of YEARS) {
    const covered = chineseDaysYears.has(year);
    const name = covered
      ? `every day of ${year} matches the chinese-days data`
      : `every day of ${year} matches the chinese-days data (skipped: chinese-days has no ${year} data)`;
    it.skipIf(!covered)(name, () => {
      expect(disagreements(year, chineseDaysKind)).toEqual([]);
    });
  }

  it.skipIf(hostWestOfUtc)(`every day matches chinese-days isWorkday (${westReason})`, () => {
    const api = (iso: string): DayKind => (chineseDays.isWorkday(iso) ? 'work' : 'off');
    expect(YEARS.filter((y) => chineseDaysYears.has(y)).flatMap((y) => disagreements(y, api))).toEqual([]);
  });
});

describe('day kinds agree with holiday-calendar', () => {
  for (const year of YEARS) {
    const covered = holidayCalendarYears.has(year);
    const name = covered
      ? `every day of ${year} matches the holiday-calendar CN data`
      : `every day of ${year} matches the holiday-calendar CN data (skipped: holiday-calendar has no CN ${year} data)`;
    it.skipIf(!covered)(name, () => {
      expect(disagreements(year, holidayCalendarKind)).toEqual([]);
    });
  }

  it.skipIf(hostWestOfUtc)(`every day matches holiday-calendar isWorkday (${westReason})`, async () => {
    // isWorkday looks a date up in the file of its calendar year only; 2022-12-31 (New Year 2023) is a
    // Saturday, so that blind spot cannot change a day kind in this range.
    const found: string[] = [];
    for (const year of YEARS) {
      if (!holidayCalendarYears.has(year)) continue;
      for (const d of daysBetween(`${year}-01-01`, `${year}-12-31`)) {
        const theirs: DayKind = (await holidayCalendar.isWorkday('CN', d)) ? 'work' : 'off';
        if (theirs !== ourKind(d)) found.push(`${d}: ours ${ourKind(d)}, theirs ${theirs}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('spot checks against the notices', () => {
  it('makes Sundays 2024-02-04 and 2024-02-18 working days for the 2024 Spring Festival', () => {
    for (const d of ['2024-02-04', '2024-02-18']) {
      expect(weekdayName(d)).toBe('Sunday');
      expect(ourKind(d)).toBe('work');
    }
    expect(breakNamed(2024, '春节').workdays).toEqual(['2024-02-04', '2024-02-18']);
  });

  it('makes Sunday 2025-01-26 and Saturday 2025-02-08 working days for the 2025 Spring Festival', () => {
    expect(weekdayName('2025-01-26')).toBe('Sunday');
    expect(weekdayName('2025-02-08')).toBe('Saturday');
    expect(breakNamed(2025, '春节').workdays).toEqual(['2025-01-26', '2025-02-08']);
    expect(ourKind('2025-01-26')).toBe('work');
    expect(ourKind('2025-02-08')).toBe('work');
  });

  it('runs the 2025 Spring Festival break from 2025-01-28 to 2025-02-04', () => {
    const b = breakNamed(2025, '春节');
    expect([b.from, b.to]).toEqual(['2025-01-28', '2025-02-04']);
    expect(daysBetween(b.from, b.to).every((d) => ourKind(d) === 'off')).toBe(true);
    expect(ourKind('2025-01-27')).toBe('work');
    expect(ourKind('2025-02-05')).toBe('work');
  });

  it('gives 2025 Labour Day five days off from 1 May with only Sunday 27 April worked', () => {
    const b = breakNamed(2025, '劳动节');
    expect([b.from, b.to, b.workdays]).toEqual(['2025-05-01', '2025-05-05', ['2025-04-27']]);
  });

  it('runs the 2026 National Day break from 1 to 7 October with 20 September and 10 October worked', () => {
    const b = breakNamed(2026, '国庆节');
    expect([b.from, b.to]).toEqual(['2026-10-01', '2026-10-07']);
    expect(b.workdays).toEqual(['2026-09-20', '2026-10-10']);
    expect(weekdayName('2026-09-20')).toBe('Sunday');
    expect(weekdayName('2026-10-10')).toBe('Saturday');
    expect(ourKind('2026-10-08')).toBe('work');
  });

  it('keeps the 2026 Mid-Autumn Festival separate from National Day', () => {
    const b = breakNamed(2026, '中秋节');
    expect([b.name, b.from, b.to, b.workdays]).toEqual(['中秋节', '2026-09-25', '2026-09-27', []]);
  });

  it('applies the 2019 Labour Day amendment: 1-4 May off, Sundays 28 April and 5 May worked', () => {
    const b = breakNamed(2019, '劳动节');
    expect([b.from, b.to, b.workdays]).toEqual(['2019-05-01', '2019-05-04', ['2019-04-28', '2019-05-05']]);
  });

  it('applies the 2020 Spring Festival extension: off to 2 February, Saturday 1 February no longer worked', () => {
    const b = breakNamed(2020, '春节');
    expect([b.from, b.to, b.workdays]).toEqual(['2020-01-24', '2020-02-02', ['2020-01-19']]);
    expect(ourKind('2020-02-01')).toBe('off');
    expect(ourKind('2020-02-03')).toBe('work');
  });

  it('keys the 2019 New Year make-up day by its real date in December 2018', () => {
    const b = breakNamed(2019, '元旦');
    expect([b.from, b.to, b.workdays]).toEqual(['2018-12-30', '2019-01-01', ['2018-12-29']]);
  });
});

describe('validateNotice', () => {
  const base = noticeFor(2025);

  function withBreak(index: number, patch: Partial<OfficialBreak>, notice: OfficialNotice = base): OfficialNotice {
    return {
      ...notice,
      breaks: notice.breaks.map((b, i) => (i === index ? { ...b, ...patch } : b)),
    };
  }

  const SPRING = base.breaks.findIndex((b) => b.name === '春节');
  const LABOUR = base.breaks.findIndex((b) => b.name === '劳动节');

  it('reports a date that is not written YYYY-MM-DD', () => {
    expect(validateNotice(withBreak(SPRING, { from: '2025/01/28' }))).toEqual([
      expect.stringContaining("from '2025/01/28' is not a valid YYYY-MM-DD date"),
    ]);
  });

  it('reports a date that does not exist on the calendar', () => {
    expect(validateNotice({ ...base, issued: '2024-02-30' })).toEqual([
      expect.stringContaining("issued date '2024-02-30' is not a valid YYYY-MM-DD date"),
    ]);
  });

  it('reports a break whose first day is after its last', () => {
    expect(validateNotice(withBreak(SPRING, { from: '2025-02-04', to: '2025-01-28' }))).toEqual([
      expect.stringContaining('from 2025-02-04 is after to 2025-01-28'),
    ]);
  });

  it('reports a make-up day inside its own break', () => {
    // 2025-02-01 is a Saturday, so only the containment is wrong.
    const broken = withBreak(SPRING, { workdays: ['2025-01-26', '2025-02-01', '2025-02-08'] });
    expect(validateNotice(broken)).toEqual([
      expect.stringContaining('make-up day 2025-02-01 lies inside its own break 2025-01-28..2025-02-04'),
    ]);
  });

  it('reports a make-up day that falls on a weekday', () => {
    const broken = withBreak(SPRING, { workdays: ['2025-01-27', '2025-02-08'] });
    expect(validateNotice(broken)).toEqual([
      expect.stringContaining('make-up day 2025-01-27 is a Monday, not a Saturday or Sunday'),
    ]);
  });

  it('reports a make-up day that is a day off in another break of the same notice', () => {
    // Sunday 2025-02-02 is inside the Spring Festival break.
    const broken = withBreak(LABOUR, { workdays: ['2025-04-27', '2025-02-02'] });
    expect(validateNotice(broken)).toEqual([
      expect.stringContaining('劳动节: make-up day 2025-02-02 is a day off in 春节 2025-01-28..2025-02-04'),
    ]);
  });

  it("reports a break lying wholly outside the notice's year", () => {
    const broken = withBreak(LABOUR, { from: '2027-05-01', to: '2027-05-05', workdays: [] });
    expect(validateNotice(broken)).toEqual([
      expect.stringContaining("break 2027-05-01..2027-05-05 lies outside the notice's year (2024-12-01..2026-01-31)"),
    ]);
  });

  it('accepts breaks reaching into the neighbouring December and January', () => {
    const edges = withBreak(0, { from: '2024-12-01', to: '2024-12-01', workdays: [] });
    const late = withBreak(LABOUR, { from: '2026-01-31', to: '2026-01-31', workdays: [] }, edges);
    expect(validateNotice(late)).toEqual([]);
  });

  it('reports a year that is not an integer', () => {
    expect(validateNotice({ ...base, year: 2025.5 })).toEqual([expect.stringContaining('year must be an integer')]);
  });
});
