/**
 * The State Council General Office (国务院办公厅) notices that set the public holidays of mainland
 * China: one 《关于XXXX年部分节假日安排的通知》 per holiday year, published in the autumn or early
 * winter before that year.
 *
 * The statute (《全国年节及纪念日放假办法》) names the festivals, but only the annual notice says which
 * calendar days are off and which weekend days are worked instead (调休上班), so working-day deadlines
 * cannot be computed from lunar rules; they need this table.
 *
 * How it is keyed:
 * - one {@link OfficialNotice} per holiday year, in ascending `year`;
 * - each break is an inclusive calendar-date range `from..to` as the notice prints it, and its make-up
 *   working days are listed with it, under their real calendar date. A break or a make-up day may sit
 *   in the previous calendar year (the 2019 New Year break starts on 2018-12-30, with 2018-12-29 worked).
 * - every date is a plain 'YYYY-MM-DD' in China Standard Time; nothing here depends on a host zone.
 * - a day inside no break and not a make-up day follows the week: Monday to Friday work, weekend off.
 *
 * Where the State Council later amended a notice (Labour Day 2019, Spring Festival 2020) the dates
 * below are the amended ones, the arrangement actually in force; `notice` stays the annual notice and
 * the amending document is cited next to the break.
 *
 * Only days off for all citizens (全体公民放假的节日) are listed. Days off for groups only (Women's Day,
 * Youth Day, Children's Day, Army Day) do not change the working calendar and are left out.
 *
 * Next year's notice usually appears in November. A host that cannot wait for a release builds an
 * {@link OfficialNotice} from it and passes it to `cnMainland({ notices: [...] })`; run it through
 * {@link validateNotice} first, as the calendar does.
 *
 * Bump {@link CN_MAINLAND_DATASET_VERSION} whenever a notice is added or a date corrected.
 */

/** One holiday break as the notice publishes it. */
export interface OfficialBreak {
  /**
   * Chinese name as in the notice: '元旦' | '春节' | '清明节' | '劳动节' | '端午节' | '中秋节' | '国庆节',
   * or a combined break in the notice's own order: '国庆节、中秋节' (2020, 2025) or '中秋节、国庆节' (2023).
   */
  readonly name: string;
  /** English name, e.g. 'New Year', 'Spring Festival', 'National Day and Mid-Autumn Festival'. */
  readonly nameEn: string;
  /** First and last calendar day off, inclusive, 'YYYY-MM-DD' (the whole published break, weekend days included). */
  readonly from: string;
  readonly to: string;
  /** Make-up working days (调休上班) tied to this break, 'YYYY-MM-DD'. Keyed by real calendar date: may lie in the previous year (e.g. 2018-12-29 for New Year 2019). */
  readonly workdays: readonly string[];
}

/** One annual notice. */
export interface OfficialNotice {
  /** The holiday year the notice governs. */
  readonly year: number;
  /** Document number, e.g. '国办发明电〔2024〕12号'. */
  readonly notice: string;
  /** Title, e.g. '国务院办公厅关于2025年部分节假日安排的通知'. */
  readonly title: string;
  /** Date of issue 'YYYY-MM-DD'. */
  readonly issued: string;
  readonly breaks: readonly OfficialBreak[];
}

/**
 * Version of this dataset; bump when a notice is added or corrected.
 * The first part is the last holiday year covered, the second counts revisions for that year.
 *
 * @example
 * CN_MAINLAND_DATASET_VERSION
 * //=> '2026.1'
 */
export const CN_MAINLAND_DATASET_VERSION = '2026.1';

// `issued` is the date printed under the signature (成文日期). It can precede publication by a day or
// two: the 2019 notice is dated 2018-12-04 but appeared on gov.cn on 2018-12-06.
//
// A festival the notice gives as a single day "与周末连休" (joined to the weekend) is recorded as that
// single day: the adjacent weekend is off anyway, and the dataset keeps to the dates the notice prints.

/**
 * The annual notices for holiday years 2019 through 2026, ascending by year.
 *
 * @example
 * CN_MAINLAND_NOTICES.find((n) => n.year === 2025)?.breaks[1]
 * //=> { name: '春节', nameEn: 'Spring Festival', from: '2025-01-28', to: '2025-02-04',
 * //     workdays: ['2025-01-26', '2025-02-08'] }
 */
export const CN_MAINLAND_NOTICES: readonly OfficialNotice[] = [
  {
    year: 2019,
    notice: '国办发明电〔2018〕15号',
    title: '国务院办公厅关于2019年部分节假日安排的通知',
    issued: '2018-12-04',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2018-12-30', to: '2019-01-01', workdays: ['2018-12-29'] },
      { name: '春节', nameEn: 'Spring Festival', from: '2019-02-04', to: '2019-02-10', workdays: ['2019-02-02', '2019-02-03'] },
      { name: '清明节', nameEn: 'Qingming Festival', from: '2019-04-05', to: '2019-04-05', workdays: [] },
      // Amended by 国办发明电〔2019〕3号 (关于调整2019年劳动节假期安排的通知, 2019-03-22): the notice gave
      // 1 May alone; the amendment made it 1-4 May with Sundays 28 April and 5 May worked.
      { name: '劳动节', nameEn: 'Labour Day', from: '2019-05-01', to: '2019-05-04', workdays: ['2019-04-28', '2019-05-05'] },
      { name: '端午节', nameEn: 'Dragon Boat Festival', from: '2019-06-07', to: '2019-06-07', workdays: [] },
      { name: '中秋节', nameEn: 'Mid-Autumn Festival', from: '2019-09-13', to: '2019-09-13', workdays: [] },
      { name: '国庆节', nameEn: 'National Day', from: '2019-10-01', to: '2019-10-07', workdays: ['2019-09-29', '2019-10-12'] },
    ],
  },
  {
    year: 2020,
    notice: '国办发明电〔2019〕16号',
    title: '国务院办公厅关于2020年部分节假日安排的通知',
    issued: '2019-11-21',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2020-01-01', to: '2020-01-01', workdays: [] },
      // Amended by 国办发明电〔2020〕1号 (关于延长2020年春节假期的通知, published 2020-01-27) during the
      // COVID-19 outbreak: the notice gave 24-30 January with 19 January and 1 February worked; the
      // extension ran the break to 2 February, so Saturday 1 February stopped being a make-up day.
      { name: '春节', nameEn: 'Spring Festival', from: '2020-01-24', to: '2020-02-02', workdays: ['2020-01-19'] },
      { name: '清明节', nameEn: 'Qingming Festival', from: '2020-04-04', to: '2020-04-06', workdays: [] },
      { name: '劳动节', nameEn: 'Labour Day', from: '2020-05-01', to: '2020-05-05', workdays: ['2020-04-26', '2020-05-09'] },
      { name: '端午节', nameEn: 'Dragon Boat Festival', from: '2020-06-25', to: '2020-06-27', workdays: ['2020-06-28'] },
      { name: '国庆节、中秋节', nameEn: 'National Day and Mid-Autumn Festival', from: '2020-10-01', to: '2020-10-08', workdays: ['2020-09-27', '2020-10-10'] },
    ],
  },
  {
    year: 2021,
    notice: '国办发明电〔2020〕27号',
    title: '国务院办公厅关于2021年部分节假日安排的通知',
    issued: '2020-11-25',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2021-01-01', to: '2021-01-03', workdays: [] },
      { name: '春节', nameEn: 'Spring Festival', from: '2021-02-11', to: '2021-02-17', workdays: ['2021-02-07', '2021-02-20'] },
      { name: '清明节', nameEn: 'Qingming Festival', from: '2021-04-03', to: '2021-04-05', workdays: [] },
      { name: '劳动节', nameEn: 'Labour Day', from: '2021-05-01', to: '2021-05-05', workdays: ['2021-04-25', '2021-05-08'] },
      { name: '端午节', nameEn: 'Dragon Boat Festival', from: '2021-06-12', to: '2021-06-14', workdays: [] },
      { name: '中秋节', nameEn: 'Mid-Autumn Festival', from: '2021-09-19', to: '2021-09-21', workdays: ['2021-09-18'] },
      { name: '国庆节', nameEn: 'National Day', from: '2021-10-01', to: '2021-10-07', workdays: ['2021-09-26', '2021-10-09'] },
    ],
  },
  {
    year: 2022,
    notice: '国办发明电〔2021〕11号',
    title: '国务院办公厅关于2022年部分节假日安排的通知',
    issued: '2021-10-25',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2022-01-01', to: '2022-01-03', workdays: [] },
      { name: '春节', nameEn: 'Spring Festival', from: '2022-01-31', to: '2022-02-06', workdays: ['2022-01-29', '2022-01-30'] },
      { name: '清明节', nameEn: 'Qingming Festival', from: '2022-04-03', to: '2022-04-05', workdays: ['2022-04-02'] },
      { name: '劳动节', nameEn: 'Labour Day', from: '2022-04-30', to: '2022-05-04', workdays: ['2022-04-24', '2022-05-07'] },
      { name: '端午节', nameEn: 'Dragon Boat Festival', from: '2022-06-03', to: '2022-06-05', workdays: [] },
      { name: '中秋节', nameEn: 'Mid-Autumn Festival', from: '2022-09-10', to: '2022-09-12', workdays: [] },
      { name: '国庆节', nameEn: 'National Day', from: '2022-10-01', to: '2022-10-07', workdays: ['2022-10-08', '2022-10-09'] },
    ],
  },
  {
    year: 2023,
    notice: '国办发明电〔2022〕16号',
    title: '国务院办公厅关于2023年部分节假日安排的通知',
    issued: '2022-12-08',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2022-12-31', to: '2023-01-02', workdays: [] },
      { name: '春节', nameEn: 'Spring Festival', from: '2023-01-21', to: '2023-01-27', workdays: ['2023-01-28', '2023-01-29'] },
      { name: '清明节', nameEn: 'Qingming Festival', from: '2023-04-05', to: '2023-04-05', workdays: [] },
      { name: '劳动节', nameEn: 'Labour Day', from: '2023-04-29', to: '2023-05-03', workdays: ['2023-04-23', '2023-05-06'] },
      { name: '端午节', nameEn: 'Dragon Boat Festival', from: '2023-06-22', to: '2023-06-24', workdays: ['2023-06-25'] },
      { name: '中秋节、国庆节', nameEn: 'National Day and Mid-Autumn Festival', from: '2023-09-29', to: '2023-10-06', workdays: ['2023-10-07', '2023-10-08'] },
    ],
  },
  {
    year: 2024,
    notice: '国办发明电〔2023〕7号',
    title: '国务院办公厅关于2024年部分节假日安排的通知',
    issued: '2023-10-25',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2024-01-01', to: '2024-01-01', workdays: [] },
      { name: '春节', nameEn: 'Spring Festival', from: '2024-02-10', to: '2024-02-17', workdays: ['2024-02-04', '2024-02-18'] },
      { name: '清明节', nameEn: 'Qingming Festival', from: '2024-04-04', to: '2024-04-06', workdays: ['2024-04-07'] },
      { name: '劳动节', nameEn: 'Labour Day', from: '2024-05-01', to: '2024-05-05', workdays: ['2024-04-28', '2024-05-11'] },
      { name: '端午节', nameEn: 'Dragon Boat Festival', from: '2024-06-10', to: '2024-06-10', workdays: [] },
      { name: '中秋节', nameEn: 'Mid-Autumn Festival', from: '2024-09-15', to: '2024-09-17', workdays: ['2024-09-14'] },
      { name: '国庆节', nameEn: 'National Day', from: '2024-10-01', to: '2024-10-07', workdays: ['2024-09-29', '2024-10-12'] },
    ],
  },
  // From 2025 the revised 放假办法 (November 2024) adds a statutory day to Spring Festival (New Year's Eve)
  // and one to Labour Day (2 May), which is why those breaks need fewer make-up days from here on.
  {
    year: 2025,
    notice: '国办发明电〔2024〕12号',
    title: '国务院办公厅关于2025年部分节假日安排的通知',
    issued: '2024-11-12',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2025-01-01', to: '2025-01-01', workdays: [] },
      { name: '春节', nameEn: 'Spring Festival', from: '2025-01-28', to: '2025-02-04', workdays: ['2025-01-26', '2025-02-08'] },
      { name: '清明节', nameEn: 'Qingming Festival', from: '2025-04-04', to: '2025-04-06', workdays: [] },
      { name: '劳动节', nameEn: 'Labour Day', from: '2025-05-01', to: '2025-05-05', workdays: ['2025-04-27'] },
      { name: '端午节', nameEn: 'Dragon Boat Festival', from: '2025-05-31', to: '2025-06-02', workdays: [] },
      { name: '国庆节、中秋节', nameEn: 'National Day and Mid-Autumn Festival', from: '2025-10-01', to: '2025-10-08', workdays: ['2025-09-28', '2025-10-11'] },
    ],
  },
  {
    year: 2026,
    notice: '国办发明电〔2025〕7号',
    title: '国务院办公厅关于2026年部分节假日安排的通知',
    issued: '2025-11-04',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2026-01-01', to: '2026-01-03', workdays: ['2026-01-04'] },
      { name: '春节', nameEn: 'Spring Festival', from: '2026-02-15', to: '2026-02-23', workdays: ['2026-02-14', '2026-02-28'] },
      { name: '清明节', nameEn: 'Qingming Festival', from: '2026-04-04', to: '2026-04-06', workdays: [] },
      { name: '劳动节', nameEn: 'Labour Day', from: '2026-05-01', to: '2026-05-05', workdays: ['2026-05-09'] },
      { name: '端午节', nameEn: 'Dragon Boat Festival', from: '2026-06-19', to: '2026-06-21', workdays: [] },
      { name: '中秋节', nameEn: 'Mid-Autumn Festival', from: '2026-09-25', to: '2026-09-27', workdays: [] },
      // The notice lists 20 September with National Day, not with Mid-Autumn, though it falls before both.
      { name: '国庆节', nameEn: 'National Day', from: '2026-10-01', to: '2026-10-07', workdays: ['2026-09-20', '2026-10-10'] },
    ],
  },
];

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Days since 1970-01-01 for a real 'YYYY-MM-DD' date, or `undefined` for anything else. The round
 * trip through `Date.UTC` rejects dates such as '2025-02-30' that the pattern alone would let pass.
 */
function dayNumber(date: string): number | undefined {
  const m = ISO_DATE.exec(date);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return ms / DAY_MS;
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * Checks an {@link OfficialNotice} for the mistakes a hand-typed notice is prone to, returning one
 * human-readable problem per finding (an empty array when the notice is sound). Pure: no host time
 * zone is consulted.
 *
 * It reports: a date not in 'YYYY-MM-DD' form or not on the calendar; a break whose `from` is after
 * its `to`; a make-up day inside its own break; a make-up day that is not a Saturday or Sunday (a
 * weekday needs no make-up); a make-up day of one break that is a day off in another break; a break
 * lying wholly outside the notice's year (1 December before to 31 January after, the widest span a
 * New Year or Spring Festival break has needed); a non-integer `year`.
 *
 * @example
 * validateNotice({
 *   year: 2027, notice: '国办发明电〔2026〕?号', title: '…', issued: '2026-11-01',
 *   breaks: [{ name: '元旦', nameEn: 'New Year', from: '2027-01-01', to: '2027-01-03', workdays: ['2027-01-04'] }],
 * })
 * //=> ['2027 元旦: make-up day 2027-01-04 is a Monday, not a Saturday or Sunday']
 */
export function validateNotice(notice: OfficialNotice): string[] {
  const problems: string[] = [];
  const label = String(notice.year);

  if (!Number.isInteger(notice.year)) {
    problems.push(`${label}: year must be an integer`);
  }
  if (dayNumber(notice.issued) === undefined) {
    problems.push(`${label}: issued date '${notice.issued}' is not a valid YYYY-MM-DD date`);
  }

  interface Span {
    readonly name: string;
    readonly from: number;
    readonly to: number;
  }
  const spans: Span[] = [];

  for (const b of notice.breaks) {
    const where = `${label} ${b.name}`;
    const from = dayNumber(b.from);
    const to = dayNumber(b.to);
    if (from === undefined) problems.push(`${where}: from '${b.from}' is not a valid YYYY-MM-DD date`);
    if (to === undefined) problems.push(`${where}: to '${b.to}' is not a valid YYYY-MM-DD date`);
    if (from !== undefined && to !== undefined) {
      if (from > to) {
        problems.push(`${where}: from ${b.from} is after to ${b.to}`);
      } else {
        spans.push({ name: b.name, from, to });
      }
    }

    for (const w of b.workdays) {
      const day = dayNumber(w);
      if (day === undefined) {
        problems.push(`${where}: make-up day '${w}' is not a valid YYYY-MM-DD date`);
        continue;
      }
      if (from !== undefined && to !== undefined && day >= from && day <= to) {
        problems.push(`${where}: make-up day ${w} lies inside its own break ${b.from}..${b.to}`);
      }
      const wd = weekday(day);
      if (wd !== 0 && wd !== 6) {
        problems.push(`${where}: make-up day ${w} is a ${WEEKDAY_NAMES[wd]}, not a Saturday or Sunday`);
      }
    }
  }

  // A second pass, because a make-up day can only be compared with breaks once all are parsed.
  notice.breaks.forEach((b, i) => {
    for (const w of b.workdays) {
      const day = dayNumber(w);
      if (day === undefined) continue;
      notice.breaks.forEach((other, j) => {
        if (i === j) return;
        const from = dayNumber(other.from);
        const to = dayNumber(other.to);
        if (from !== undefined && to !== undefined && day >= from && day <= to) {
          problems.push(
            `${label} ${b.name}: make-up day ${w} is a day off in ${other.name} ${other.from}..${other.to}`,
          );
        }
      });
    }
  });

  if (Number.isInteger(notice.year)) {
    const lo = dayNumber(`${pad4(notice.year - 1)}-12-01`);
    const hi = dayNumber(`${pad4(notice.year + 1)}-01-31`);
    if (lo !== undefined && hi !== undefined) {
      for (const s of spans) {
        if (s.to < lo || s.from > hi) {
          problems.push(
            `${label} ${s.name}: break ${isoOf(s.from)}..${isoOf(s.to)} lies outside the notice's year ` +
              `(${isoOf(lo)}..${isoOf(hi)})`,
          );
        }
      }
    }
  }

  return problems;
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
