import { describe, expect, it } from 'vitest';
import { cnMainland } from '../../src/calendar/index.js';
import { JiaobanError } from '../../src/errors.js';

// Every expected value below is worked out by hand from the State Council notices
// (src/calendar/data/cn-mainland-notices.ts) and the Mon–Fri rule, in China Standard Time (+08:00).
// Instants are always built with an explicit offset so that the host's zone cannot leak in.
const cst = (local: string): Date => new Date(`${local}+08:00`);
const cn = cnMainland();

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('addWorkingDays (次日起算)', () => {
  it('counts from the day after a working Friday, so the Spring Festival break lands on the make-up Sunday', () => {
    // Fri 9 Feb 2024; 10–17 Feb is the break; Sun 18 Feb is a make-up working day.
    expect(cn.addWorkingDays(cst('2024-02-09T10:00'), 1)).toEqual(cst('2024-02-18T17:30'));
  });

  it('gives the same deadline for a start at 00:00 and at 23:59 of the same date', () => {
    const early = cn.addWorkingDays(cst('2024-02-09T00:00'), 1);
    const late = cn.addWorkingDays(cst('2024-02-09T23:59:59.999'), 1);
    expect(early).toEqual(late);
    expect(late).toEqual(cst('2024-02-18T17:30'));
  });

  it('counts from the day after a start that falls on a holiday', () => {
    // Mon 12 Feb 2024 is inside the 10–17 Feb break: the first working day after it is Sun 18 Feb.
    expect(cn.addWorkingDays(cst('2024-02-12T15:00'), 1)).toEqual(cst('2024-02-18T17:30'));
    expect(cn.addWorkingDays(cst('2024-02-12T15:00'), 2)).toEqual(cst('2024-02-19T17:30'));
  });

  it('does not count the start date even when the start date is itself a make-up working day', () => {
    // Sun 18 Feb 2024 is worked, but the day of receipt is never counted: Mon 19 Feb.
    expect(cn.addWorkingDays(cst('2024-02-18T08:00'), 1)).toEqual(cst('2024-02-19T17:30'));
  });

  it('crosses New Year into the 2026 break and its make-up Sunday', () => {
    // Wed 31 Dec 2025; 2026 New Year break 1–3 Jan, Sun 4 Jan worked, Mon 5 Jan a plain weekday.
    expect(cn.addWorkingDays(cst('2025-12-31T10:00'), 1)).toEqual(cst('2026-01-04T17:30'));
    expect(cn.addWorkingDays(cst('2025-12-31T10:00'), 2)).toEqual(cst('2026-01-05T17:30'));
  });

  it('jumps the 2026 National Day break to Thursday 8 October', () => {
    // Wed 30 Sep 2026; break 1–7 Oct.
    expect(cn.addWorkingDays(cst('2026-09-30T16:00'), 1)).toEqual(cst('2026-10-08T17:30'));
  });

  it('counts the make-up Saturday 10 October 2026 as a working day', () => {
    // After 30 Sep: Thu 8, Fri 9, Sat 10 (make-up), Mon 12 Oct.
    expect(cn.addWorkingDays(cst('2026-09-30T16:00'), 3)).toEqual(cst('2026-10-10T17:30'));
    expect(cn.addWorkingDays(cst('2026-09-30T16:00'), 4)).toEqual(cst('2026-10-12T17:30'));
  });

  it('counts the make-up Sunday 20 September 2026 before National Day', () => {
    // Fri 18 Sep 2026: Sat 19 is off, Sun 20 is a make-up working day.
    expect(cn.addWorkingDays(cst('2026-09-18T09:30'), 1)).toEqual(cst('2026-09-20T17:30'));
  });

  it('counts from Thursday 24 September 2026 across Mid-Autumn and National Day', () => {
    // 25–27 Sep Mid-Autumn; then 28, 29, 30 Sep, 8, 9, 10 (Sat), 12, 13, 14, 15 Oct.
    expect(cn.addWorkingDays(cst('2026-09-24T10:00'), 1)).toEqual(cst('2026-09-28T17:30'));
    expect(cn.addWorkingDays(cst('2026-09-24T10:00'), 10)).toEqual(cst('2026-10-15T17:30'));
  });

  it('walks through Spring Festival 2026 with its make-up Saturdays 14 and 28 February', () => {
    // Break 15–23 Feb 2026; Sat 14 and Sat 28 Feb worked. From Fri 13 Feb:
    // 1 → Sat 14, 2 → Tue 24, 5 → Fri 27, 6 → Sat 28, 7 → Mon 2 Mar.
    const start = cst('2026-02-13T16:10');
    expect(cn.addWorkingDays(start, 1)).toEqual(cst('2026-02-14T17:30'));
    expect(cn.addWorkingDays(start, 2)).toEqual(cst('2026-02-24T17:30'));
    expect(cn.addWorkingDays(start, 5)).toEqual(cst('2026-02-27T17:30'));
    expect(cn.addWorkingDays(start, 6)).toEqual(cst('2026-02-28T17:30'));
    expect(cn.addWorkingDays(start, 7)).toEqual(cst('2026-03-02T17:30'));
  });

  it('counts from a make-up Saturday over the 2026 Spring Festival break', () => {
    // Sat 14 Feb 2026 11:40: 24, 25, 26 Feb → Thu 26 Feb.
    expect(cn.addWorkingDays(cst('2026-02-14T11:40'), 3)).toEqual(cst('2026-02-26T17:30'));
  });

  it('uses the date in Asia/Shanghai, not the UTC date, of an instant', () => {
    // 2026-09-29T16:30Z is Wed 30 Sep 00:30 in Shanghai, so the count starts on 1 Oct.
    expect(cn.addWorkingDays(new Date('2026-09-29T16:30:00Z'), 1)).toEqual(cst('2026-10-08T17:30'));
  });

  it('returns the start itself for zero days', () => {
    const start = cst('2026-10-03T10:17:05.123');
    expect(cn.addWorkingDays(start, 0)).toEqual(start);
  });

  it('returns the opening of the previous working day for minus one', () => {
    // Mon 19 Feb 2024: the working day strictly before is the make-up Sun 18 Feb, opening 09:00.
    expect(cn.addWorkingDays(cst('2024-02-19T10:00'), -1)).toEqual(cst('2024-02-18T09:00'));
  });

  it('counts backwards over a break for larger negative amounts', () => {
    // Before Mon 19 Feb 2024: Sun 18 Feb, then Fri 9 Feb (10–17 Feb off).
    expect(cn.addWorkingDays(cst('2024-02-19T10:00'), -2)).toEqual(cst('2024-02-09T09:00'));
  });

  it('rejects a fractional number of days with VALIDATION', () => {
    const error = thrownBy(() => cn.addWorkingDays(cst('2026-03-02T10:00'), 1.5));
    expect(error).toBeInstanceOf(JiaobanError);
    expect((error as JiaobanError).code).toBe('VALIDATION');
    expect((error as JiaobanError<'VALIDATION'>).details.issues[0]?.path).toEqual(['days']);
  });

  it('rejects NaN and Infinity days with VALIDATION', () => {
    for (const days of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const error = thrownBy(() => cn.addWorkingDays(cst('2026-03-02T10:00'), days));
      expect(error).toBeInstanceOf(JiaobanError);
      expect((error as JiaobanError).code).toBe('VALIDATION');
    }
  });
});

describe('workingDaysBetween', () => {
  it('counts the working days strictly after the first date up to and including the second', () => {
    // After Fri 9 Feb 2024 up to Mon 19 Feb: Sun 18 and Mon 19.
    expect(cn.workingDaysBetween('2024-02-09', '2024-02-19')).toBe(2);
  });

  it('is negative when the second date is before the first', () => {
    expect(cn.workingDaysBetween('2024-02-19', '2024-02-09')).toBe(-2);
  });

  it('is zero for two instants on the same date', () => {
    expect(cn.workingDaysBetween(cst('2026-03-02T08:00'), cst('2026-03-02T20:00'))).toBe(0);
  });

  it('is zero across a stretch that is all holiday', () => {
    // 10–17 Feb 2024 is the Spring Festival break.
    expect(cn.workingDaysBetween('2024-02-10', '2024-02-17')).toBe(0);
  });

  it('ignores the time of day of both ends', () => {
    expect(cn.workingDaysBetween(cst('2024-02-09T23:59'), cst('2024-02-19T00:00'))).toBe(2);
  });

  it('counts across a year end', () => {
    // After Wed 31 Dec 2025: Sun 4 Jan (make-up), Mon 5 Jan.
    expect(cn.workingDaysBetween('2025-12-31', '2026-01-05')).toBe(2);
  });

  it('counts the 248 working days of the official year 2025', () => {
    // 2025 starts on a Wednesday: 52 weeks + 1 day → 261 weekdays. Weekdays inside breaks:
    // 1 Jan (1); 28–31 Jan, 3–4 Feb (6); 4 Apr (1); 1, 2, 5 May (3); 2 Jun (1); 1–3, 6–8 Oct (6) = 18.
    // Make-up days: 26 Jan, 8 Feb, 27 Apr, 28 Sep, 11 Oct = 5. 261 − 18 + 5 = 248.
    expect(cn.workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248);
  });
});
