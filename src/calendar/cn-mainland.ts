import { createCalendar } from './create-calendar.js';
import { CN_MAINLAND_NOTICES } from './data/cn-mainland-notices.js';
import type { CalendarOverrides, OfficialNoticeInput } from './options.js';
import type { WorkCalendar } from './work-calendar.js';

/** Options of {@link cnMainland}: the national calendar plus what a host may adjust. */
export interface CnMainlandOptions extends Omit<CalendarOverrides, 'id'> {
  /** Defaults to 'cn-mainland'. */
  id?: string;
  /** Notices to add to (or, for the same year, replace in) the bundled dataset, e.g. next year's. */
  notices?: OfficialNoticeInput[];
  /** Outside the covered years: raise `CALENDAR_RANGE` (default) or assume plain Mon–Fri weeks. */
  outOfRange?: 'error' | 'weekdays';
}

/**
 * The official mainland China calendar in Asia/Shanghai: Mon–Fri 09:00–12:00 and 13:30–17:30, the
 * public-holiday breaks and make-up working days (调休上班) of the State Council General Office's
 * annual notices (bundled for 2019–2026, see `CN_MAINLAND_NOTICES`). A date in a year no notice
 * covers is a `CALENDAR_RANGE` error unless `outOfRange: 'weekdays'` is chosen.
 *
 * date-holidays is deliberately not used here: its CN rules cannot express a make-up working day
 * and list nominal festivals rather than the published breaks.
 *
 * @example
 * const cn = cnMainland();
 * cn.addWorkingDays(new Date('2024-02-09T02:00:00Z'), 1); //=> 2024-02-18T09:30:00.000Z (Sun 18 Feb 17:30, a make-up day)
 * cn.describeDay('2026-10-05').name; //=> '国庆节、中秋节' or '国庆节' as the notice names it
 */
export function cnMainland(options: CnMainlandOptions = {}): WorkCalendar {
  const { notices = [], id = 'cn-mainland', outOfRange, ...overrides } = options;
  return createCalendar({
    ...overrides,
    id,
    zone: 'Asia/Shanghai',
    notices: [...CN_MAINLAND_NOTICES.map(copyNotice), ...notices],
    ...(outOfRange === undefined ? {} : { outOfRange }),
  });
}

function copyNotice(notice: (typeof CN_MAINLAND_NOTICES)[number]): OfficialNoticeInput {
  return { ...notice, breaks: notice.breaks.map((b) => ({ ...b, workdays: [...b.workdays] })) };
}
