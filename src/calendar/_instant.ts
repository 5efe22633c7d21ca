import { JiaobanError } from '../errors.js';
import { MS_PER_DAY, daysFromCivil } from './_civil.js';
import type { ZoneConverter } from './_zone.js';

/** What every calendar operation accepts as an instant or a date. */
export type DateInput = Date | string;

export function invalidArgument(path: string, message: string): JiaobanError<'VALIDATION'> {
  return new JiaobanError('VALIDATION', `Invalid ${path}: ${message}`, { issues: [{ path: [path], message }] });
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Turns a `Date` or an ISO string into epoch ms. A string with an offset (`Z`, `+08:00`) names an
 * instant; a string without one ('2026-02-13', '2026-02-13T10:00') is a wall-clock time in the
 * calendar's zone, which is what a caller typing a local deadline means.
 */
export function toInstant(input: DateInput, path: string, zone: ZoneConverter): number {
  if (input instanceof Date) {
    const t = input.getTime();
    if (Number.isNaN(t)) throw invalidArgument(path, 'Invalid Date');
    return t;
  }
  if (typeof input !== 'string') throw invalidArgument(path, 'expected a Date or an ISO 8601 string');
  const wall = WALL_TIME.exec(input);
  if (wall) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = wall;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = Number(s);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
      throw invalidArgument(path, `'${input}' is not a valid date-time`);
    }
    const days = daysFromCivil(year, month, day);
    const wallMs = days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + Number(ms.padEnd(3, '0'));
    const check = new Date(days * MS_PER_DAY);
    if (check.getUTCDate() !== day) throw invalidArgument(path, `'${input}' is not a valid date-time`);
    return zone.wallToInstant(wallMs);
  }
  if (HAS_OFFSET.test(input)) {
    const t = Date.parse(input);
    if (!Number.isNaN(t)) return t;
  }
  throw invalidArgument(path, `'${input}' is not an ISO 8601 date-time`);
}
