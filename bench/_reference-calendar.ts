/**
 * A deliberately slow, obviously-correct model of the official calendar, used only to check our own
 * results in the calendar benchmark. It shares no code with src/calendar: the kind of each day comes from
 * chinese-days' `isWorkday` (which knows the State Council's holidays and make-up days), and time is
 * walked day by day and minute by minute.
 */
import chineseDays from 'chinese-days';

const MINUTE = 60_000;
const DAY = 86_400_000;
// China has observed no daylight saving time since 1991: Asia/Shanghai is UTC+08:00 on every date here.
const SHANGHAI_OFFSET = 8 * 3_600_000;
const END_OF_DAY = (17 * 60 + 30) * MINUTE;
// Working intervals in minutes of the day, half-open: 09:00–12:00 and 13:30–17:30.
const INTERVALS: readonly (readonly [number, number])[] = [
  [9 * 60, 12 * 60],
  [13 * 60 + 30, 17 * 60 + 30],
];

/** Days since 1970-01-01 on the Shanghai wall calendar. */
function shanghaiDay(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET) / DAY);
}

const workdays = new Map<number, boolean>();

function isWorkday(day: number): boolean {
  let known = workdays.get(day);
  if (known === undefined) {
    const utc = new Date(day * DAY);
    // chinese-days reads the host zone's fields of a Date; local noon of that date has the right
    // fields in any host zone.
    known = chineseDays.isWorkday(new Date(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate(), 12));
    workdays.set(day, known);
  }
  return known;
}

function isWorkingMinute(minuteStart: number): boolean {
  const day = shanghaiDay(minuteStart);
  if (!isWorkday(day)) return false;
  const minuteOfDay = Math.floor((minuteStart + SHANGHAI_OFFSET - day * DAY) / MINUTE);
  return INTERVALS.some(([from, to]) => minuteOfDay >= from && minuteOfDay < to);
}

/** 次日起算: 17:30 of the n-th working day strictly after the start's date in Asia/Shanghai. */
export function referenceAddWorkingDays(start: Date, n: number): Date {
  let day = shanghaiDay(start.getTime());
  let left = n;
  while (left > 0) {
    day++;
    if (isWorkday(day)) left--;
  }
  return new Date(day * DAY - SHANGHAI_OFFSET + END_OF_DAY);
}

/** The earliest instant by which `hours` working hours have elapsed since `start`. */
export function referenceAddWorkingHours(start: Date, hours: number): Date {
  let remaining = hours * 60 * MINUTE;
  const t = start.getTime();

  // The part of the start's own minute; interval edges fall on whole minutes, so from here on every
  // minute is either all working time or none.
  let minute = Math.ceil(t / MINUTE) * MINUTE;
  if (minute > t && isWorkingMinute(minute - MINUTE)) {
    const part = minute - t;
    if (remaining <= part) return new Date(t + remaining);
    remaining -= part;
  }

  for (;;) {
    if (!isWorkday(shanghaiDay(minute))) {
      minute = (shanghaiDay(minute) + 1) * DAY - SHANGHAI_OFFSET;
      continue;
    }
    if (isWorkingMinute(minute)) {
      if (remaining <= MINUTE) return new Date(minute + remaining);
      remaining -= MINUTE;
    }
    minute += MINUTE;
  }
}
