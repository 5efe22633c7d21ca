import { createCalendar } from './create-calendar.js';
import type { WorkCalendar } from './work-calendar.js';

const ALL_DAY = ['00:00-24:00'];

/**
 * A 24×7 calendar: every minute of every day is working time, so working minutes are natural
 * minutes. For clocks in natural hours, such as the immediate tier's 2 h response and 24 h first
 * feedback. The zone only decides where a day starts, which matters for `addWorkingDays` alone.
 *
 * @example
 * always().addWorkingHours('2026-02-16T23:00+08:00', 2); //=> 2026-02-16T17:00:00.000Z (01:00 local, over midnight on New Year's Eve)
 */
export function always(options: { zone?: string; id?: string } = {}): WorkCalendar {
  return createCalendar({
    id: options.id ?? 'always',
    zone: options.zone ?? 'Asia/Shanghai',
    weeklyHours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
  });
}
