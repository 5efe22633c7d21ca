/**
 * `jiaoban/calendar`: working-time arithmetic on official calendars.
 *
 * @example
 * import { cnMainland } from 'jiaoban/calendar';
 * cnMainland().addWorkingDays(new Date('2026-09-30T08:00:00Z'), 3); //=> 2026-10-10T09:30:00.000Z (Sat 10 Oct 17:30, a make-up day)
 */
export { createCalendar, DEFAULT_WEEKLY_HOURS } from './create-calendar.js';
export { cnMainland, type CnMainlandOptions } from './cn-mainland.js';
export { always } from './always.js';
export type { WorkCalendar, DayInfo, DayKind, DateInput } from './work-calendar.js';
export {
  CalendarOptionsSchema,
  CalendarOverridesSchema,
  OfficialNoticeSchema,
  type CalendarOptions,
  type CalendarOverrides,
  type DayHours,
  type IntervalSpec,
  type WeeklyHours,
  type OfficialNoticeInput,
} from './options.js';
export {
  CN_MAINLAND_NOTICES,
  CN_MAINLAND_DATASET_VERSION,
  validateNotice,
  type OfficialNotice,
  type OfficialBreak,
} from './data/cn-mainland-notices.js';
