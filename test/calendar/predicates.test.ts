import { describe, expect, it } from 'vitest';
import { cnMainland } from '../../src/calendar/index.js';
import { JiaobanError } from '../../src/errors.js';

// Expected values come straight from the State Council notices and the Mon–Fri 09:00–12:00,
// 13:30–17:30 rule in +08:00.
const cst = (local: string): Date => new Date(`${local}+08:00`);
const cn = cnMainland();
const DEFAULT_HOURS = ['09:00-12:00', '13:30-17:30'];

function datesFrom(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(JiaobanError);
    return (error as JiaobanError).code;
  }
  return undefined;
}

describe('official spot checks', () => {
  it('works Sunday 4 February 2024 and Sunday 18 February 2024', () => {
    expect(cn.isWorkingDay('2024-02-04')).toBe(true);
    expect(cn.isWorkingDay('2024-02-18')).toBe(true);
  });

  it('works Sunday 26 January 2025 and Saturday 8 February 2025', () => {
    expect(cn.isWorkingDay('2025-01-26')).toBe(true);
    expect(cn.isWorkingDay('2025-02-08')).toBe(true);
  });

  it('has every day of the 2025 Spring Festival break, 28 January to 4 February, off', () => {
    for (const date of datesFrom('2025-01-28', 8)) expect(cn.isWorkingDay(date), date).toBe(false);
    expect(cn.isWorkingDay('2025-01-27')).toBe(true);
    expect(cn.isWorkingDay('2025-02-05')).toBe(true);
  });

  it('has every day of the 2026 National Day break, 1 to 7 October, off', () => {
    for (const date of datesFrom('2026-10-01', 7)) expect(cn.isWorkingDay(date), date).toBe(false);
    expect(cn.isWorkingDay('2026-09-30')).toBe(true);
    expect(cn.isWorkingDay('2026-10-08')).toBe(true);
  });

  it('works the 2026 National Day make-up days, Sunday 20 September and Saturday 10 October', () => {
    expect(cn.isWorkingDay('2026-09-20')).toBe(true);
    expect(cn.isWorkingDay('2026-10-10')).toBe(true);
  });

  it('has every day of the 2026 Spring Festival break, 15 to 23 February, off and works 14 and 28 February', () => {
    for (const date of datesFrom('2026-02-15', 9)) expect(cn.isWorkingDay(date), date).toBe(false);
    expect(cn.isWorkingDay('2026-02-14')).toBe(true);
    expect(cn.isWorkingDay('2026-02-28')).toBe(true);
  });

  it('treats a plain weekend as off and a plain weekday as working', () => {
    expect(cn.isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(cn.isWorkingDay('2026-03-08')).toBe(false); // Sunday
    expect(cn.isWorkingDay('2026-03-09')).toBe(true); // Monday
  });
});

describe('isWorkingDay', () => {
  it('reads an instant by its date in Asia/Shanghai', () => {
    // 2026-09-30T16:30Z is already Thu 1 Oct 00:30 in Shanghai, a holiday.
    expect(cn.isWorkingDay(new Date('2026-09-30T16:30:00Z'))).toBe(false);
    expect(cn.isWorkingDay(new Date('2026-09-30T15:59:59Z'))).toBe(true);
  });

  it('rejects a garbage string with VALIDATION', () => {
    expect(codeOf(() => cn.isWorkingDay('next tuesday'))).toBe('VALIDATION');
    expect(codeOf(() => cn.isWorkingDay(''))).toBe('VALIDATION');
  });

  it('rejects an impossible calendar date with VALIDATION', () => {
    expect(codeOf(() => cn.isWorkingDay('2026-02-30'))).toBe('VALIDATION');
    expect(codeOf(() => cn.isWorkingDay('2025-02-29'))).toBe('VALIDATION');
    expect(codeOf(() => cn.isWorkingDay('2026-13-01'))).toBe('VALIDATION');
    expect(codeOf(() => cn.isWorkingDay('2026-03-02T24:00'))).toBe('VALIDATION');
  });

  it('rejects an impossible calendar date that carries an offset with VALIDATION', () => {
    // There is no 30 February; the engine must not roll it over to 2 March.
    expect(codeOf(() => cn.isWorkingDay('2026-02-30T10:00+08:00'))).toBe('VALIDATION');
  });

  it('rejects an Invalid Date with VALIDATION whose details name the argument', () => {
    let caught: unknown;
    try {
      cn.isWorkingDay(new Date('2026-02-30T99:00'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JiaobanError);
    const error = caught as JiaobanError<'VALIDATION'>;
    expect(error.code).toBe('VALIDATION');
    expect(error.details.issues).toHaveLength(1);
    expect(error.details.issues[0]?.path).toEqual(['date']);
    expect(typeof error.details.issues[0]?.message).toBe('string');
  });

  it('rejects a value that is neither a Date nor a string with VALIDATION', () => {
    expect(codeOf(() => cn.isWorkingDay(20260302 as unknown as string))).toBe('VALIDATION');
  });
});

describe('isWorkingTime', () => {
  it('counts 09:00 and 13:30 as working time', () => {
    expect(cn.isWorkingTime(cst('2026-03-02T09:00'))).toBe(true);
    expect(cn.isWorkingTime(cst('2026-03-02T13:30'))).toBe(true);
  });

  it('does not count 12:00 or 17:30, the ends of the half-open intervals', () => {
    expect(cn.isWorkingTime(cst('2026-03-02T12:00'))).toBe(false);
    expect(cn.isWorkingTime(cst('2026-03-02T17:30'))).toBe(false);
  });

  it('counts the last millisecond before 12:00 and before 17:30', () => {
    expect(cn.isWorkingTime(cst('2026-03-02T11:59:59.999'))).toBe(true);
    expect(cn.isWorkingTime(cst('2026-03-02T17:29:59.999'))).toBe(true);
  });

  it('does not count the last millisecond before 09:00 or 13:30', () => {
    expect(cn.isWorkingTime(cst('2026-03-02T08:59:59.999'))).toBe(false);
    expect(cn.isWorkingTime(cst('2026-03-02T13:29:59.999'))).toBe(false);
  });

  it('is false on a holiday and true on a make-up day at 10:00', () => {
    expect(cn.isWorkingTime(cst('2026-10-05T10:00'))).toBe(false);
    expect(cn.isWorkingTime(cst('2026-10-10T10:00'))).toBe(true);
  });

  it('reads a string without an offset as wall time in Asia/Shanghai', () => {
    expect(cn.isWorkingTime('2026-03-02T12:00')).toBe(false);
    expect(cn.isWorkingTime('2026-03-02T11:30')).toBe(true);
    expect(cn.isWorkingTime('2026-03-02T03:30:00Z')).toBe(true);
  });
});

describe('nextWorkingTime', () => {
  it('returns a working instant itself, to the millisecond', () => {
    const t = cst('2026-03-02T10:15:30.500');
    expect(cn.nextWorkingTime(t)).toEqual(t);
  });

  it('moves from lunch to 13:30', () => {
    expect(cn.nextWorkingTime(cst('2026-03-02T12:00'))).toEqual(cst('2026-03-02T13:30'));
  });

  it('moves from a Friday evening to a make-up Saturday morning', () => {
    expect(cn.nextWorkingTime('2026-02-13T18:00')).toEqual(cst('2026-02-14T09:00'));
  });

  it('moves from the eve of National Day over the whole break', () => {
    expect(cn.nextWorkingTime(cst('2026-09-30T17:30'))).toEqual(cst('2026-10-08T09:00'));
  });

  it('moves from New Year’s Eve into the next year', () => {
    // 1–3 Jan 2026 off, Sun 4 Jan worked.
    expect(cn.nextWorkingTime(cst('2025-12-31T17:30'))).toEqual(cst('2026-01-04T09:00'));
  });
});

describe('describeDay', () => {
  it('describes a make-up working day with the name of its break', () => {
    expect(cn.describeDay('2025-01-26')).toEqual({
      date: '2025-01-26',
      kind: 'makeUpWorkday',
      working: true,
      name: '春节',
      hours: DEFAULT_HOURS,
    });
  });

  it('describes a day of a break as a named holiday without hours', () => {
    expect(cn.describeDay('2025-01-28')).toEqual({ date: '2025-01-28', kind: 'holiday', working: false, name: '春节', hours: [] });
    expect(cn.describeDay('2026-10-05')).toMatchObject({ kind: 'holiday', name: '国庆节', working: false });
  });

  it('describes a plain weekday and a plain weekend day without a name', () => {
    expect(cn.describeDay('2026-03-02')).toEqual({ date: '2026-03-02', kind: 'workday', working: true, hours: DEFAULT_HOURS });
    expect(cn.describeDay('2026-03-07')).toEqual({ date: '2026-03-07', kind: 'weekend', working: false, hours: [] });
  });

  it('names the date of an instant in Asia/Shanghai', () => {
    expect(cn.describeDay(new Date('2026-09-30T16:30:00Z')).date).toBe('2026-10-01');
  });
});

describe('string inputs outside ISO 8601', () => {
  it('rejects a date-time in another format instead of guessing', () => {
    const cal = cnMainland();
    for (const text of ['Feb 13 2026 10:00 +0800', '2026/02/13', '13.02.2026', '2026-02-13T10:00+0860']) {
      expect(() => cal.isWorkingDay(text), text).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });

  it('accepts offsets written as Z, +08, +0800 and +08:00 alike', () => {
    const cal = cnMainland();
    const expected = cal.addWorkingHours('2026-03-02T10:00+08:00', 1);
    for (const text of ['2026-03-02T02:00Z', '2026-03-02T10:00+08', '2026-03-02T10:00+0800']) {
      expect(cal.addWorkingHours(text, 1), text).toEqual(expected);
    }
  });
});
