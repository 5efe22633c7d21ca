import { JiaobanError } from '../errors.js';
import { MS_PER_DAY, daysFromCivil } from './_civil.js';
import type { ZoneConverter } from './_zone.js';

/** What every calendar operation accepts as an instant or a date. */
export type DateInput = Date | string;

export function invalidArgument(path: string, message: string): JiaobanError<'VALIDATION'> {
  return new JiaobanError('VALIDATION', `Invalid ${path}: ${message}`, { issues: [{ path: [path], message }] });
}

// 'YYYY-MM-DD', optionally with 'THH:MM[:SS[.fraction]]', optionally with 'Z' or '±HH[:MM]'.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Turns a `Date` or an ISO 8601 string into epoch ms. A string with an offset (`Z`, `+08:00`) names
 * an instant; a string without one ('2026-02-13', '2026-02-13T10:00') is a wall-clock time in the
 * calendar's zone, which is what a caller typing a local deadline means. Impossible dates
 * ('2026-02-30') and other formats are rejected rather than rolled over, as `Date.parse` would.
 */
export function toInstant(input: DateInput, path: string, zone: ZoneConverter): number {
  if (input instanceof Date) {
    const t = input.getTime();
    if (Number.isNaN(t)) throw invalidArgument(path, 'Invalid Date');
    return t;
  }
  if (typeof input !== 'string') throw invalidArgument(path, 'expected a Date or an ISO 8601 string');
  const match = ISO.exec(input);
  if (!match) throw invalidArgument(path, `'${input}' is not an ISO 8601 date or date-time`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const days = daysFromCivil(year, month, day);
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59 && new Date(days * MS_PER_DAY).getUTCDate() === day;
  if (!valid) throw invalidArgument(path, `'${input}' is not a valid date-time`);
  const wallMs = days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + Number(fraction.slice(0, 3).padEnd(3, '0'));
  if (offset === undefined) return zone.wallToInstant(wallMs);
  if (offset.toUpperCase() === 'Z') return wallMs;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  if (Number(digits.slice(2, 4) || '0') > 59) throw invalidArgument(path, `'${input}' has an invalid offset`);
  return wallMs - sign * offsetMinutes * 60_000;
}

/** Whether a string names a calendar date only ('YYYY-MM-DD'), not an instant. */
export function isDateOnly(input: DateInput): input is string {
  return typeof input === 'string' && input.length === 10 && ISO.test(input);
}
