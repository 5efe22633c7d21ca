import { describe, expect, it } from 'vitest';
import { cnMainland } from '../../src/calendar/index.js';
import { JiaobanError } from '../../src/errors.js';

// Expected values are worked out by hand: Mon–Fri 09:00–12:00 and 13:30–17:30 in +08:00, with the
// breaks and make-up days of the State Council notices. Mon 2 Mar 2026 is a plain Monday (the
// Spring Festival break ended on 23 Feb; 1 Mar is a Sunday).
const cst = (local: string): Date => new Date(`${local}+08:00`);
const cn = cnMainland();

function expectValidationError(action: () => unknown, path: string): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(JiaobanError);
  const error = caught as JiaobanError<'VALIDATION'>;
  expect(error.code).toBe('VALIDATION');
  expect(error.details.issues.map((issue) => issue.path)).toContainEqual([path]);
}

describe('addWorkingHours', () => {
  it('crosses the National Day break and stays at 12:00 when the count ends with the morning', () => {
    // Wed 30 Sep 16:30–17:30 = 1 h; 1–7 Oct off; Thu 8 Oct 09:00–12:00 = 3 h → 12:00, not 13:30.
    expect(cn.addWorkingHours(cst('2026-09-30T16:30'), 4)).toEqual(cst('2026-10-08T12:00'));
  });

  it('equals addWorkingMinutes with sixty times the amount, fractional hours included', () => {
    const start = cst('2026-03-02T11:00');
    expect(cn.addWorkingHours(start, 1.5)).toEqual(cn.addWorkingMinutes(start, 90));
    expect(cn.addWorkingHours(start, 1.5)).toEqual(cst('2026-03-02T14:00'));
  });

  it('reaches a make-up Saturday from a Friday afternoon before Spring Festival 2026', () => {
    // Fri 13 Feb 16:10–17:30 = 80 min; Sat 14 Feb (make-up) 09:00 + 160 min = 11:40.
    expect(cn.addWorkingHours(cst('2026-02-13T16:10'), 4)).toEqual(cst('2026-02-14T11:40'));
  });

  it('rejects NaN and infinite hours with VALIDATION', () => {
    expectValidationError(() => cn.addWorkingHours(cst('2026-03-02T10:00'), Number.NaN), 'hours');
    expectValidationError(() => cn.addWorkingHours(cst('2026-03-02T10:00'), Number.POSITIVE_INFINITY), 'hours');
  });
});

describe('addWorkingMinutes', () => {
  it('skips the lunch break', () => {
    // 11:00–12:00 = 60, then 13:30 + 30 = 14:00.
    expect(cn.addWorkingMinutes(cst('2026-03-02T11:00'), 90)).toEqual(cst('2026-03-02T14:00'));
  });

  it('starts counting at 09:00 when started before the working day', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T08:00'), 180)).toEqual(cst('2026-03-02T12:00'));
  });

  it('starts counting on Monday morning when started on a Saturday', () => {
    // Sat 7 Mar 2026 is a plain weekend day.
    expect(cn.addWorkingMinutes(cst('2026-03-07T10:00'), 60)).toEqual(cst('2026-03-09T10:00'));
  });

  it('starts counting at 13:30 when started during lunch', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T12:45'), 30)).toEqual(cst('2026-03-02T14:00'));
  });

  it('counts from 09:00 exactly when started at 09:00', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T09:00'), 60)).toEqual(cst('2026-03-02T10:00'));
  });

  it('treats 12:00 as outside working time and counts from 13:30', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T12:00'), 60)).toEqual(cst('2026-03-02T14:30'));
  });

  it('counts from 13:30 exactly when started at 13:30', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T13:30'), 60)).toEqual(cst('2026-03-02T14:30'));
  });

  it('treats 17:30 as outside working time and counts from the next morning', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T17:30'), 60)).toEqual(cst('2026-03-03T10:00'));
  });

  it('stays at 17:30 when the count ends with the working day', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T17:29'), 1)).toEqual(cst('2026-03-02T17:30'));
    expect(cn.addWorkingMinutes(cst('2026-03-02T09:00'), 420)).toEqual(cst('2026-03-02T17:30'));
  });

  it('stays at 12:00 when the count ends with the morning', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T11:59'), 1)).toEqual(cst('2026-03-02T12:00'));
  });

  it('returns the start itself for zero minutes, even outside working time', () => {
    const lunch = cst('2026-03-02T12:34:56.789');
    expect(cn.addWorkingMinutes(lunch, 0)).toEqual(lunch);
    const holiday = cst('2026-10-03T03:00');
    expect(cn.addWorkingMinutes(holiday, 0)).toEqual(holiday);
  });

  it('keeps the seconds and milliseconds of a sub-minute start', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T10:00:30.250'), 1)).toEqual(cst('2026-03-02T10:01:30.250'));
  });

  it('carries the seconds of a start across lunch', () => {
    // 11:59:30 leaves 30 s of morning; the other 30 s are 13:30:00–13:30:30.
    expect(cn.addWorkingMinutes(cst('2026-03-02T11:59:30'), 1)).toEqual(cst('2026-03-02T13:30:30'));
  });

  it('adds fractional minutes to the millisecond', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T10:00'), 0.5)).toEqual(cst('2026-03-02T10:00:30'));
    expect(cn.addWorkingMinutes(cst('2026-03-02T10:00'), 1 / 60000)).toEqual(cst('2026-03-02T10:00:00.001'));
  });

  it('counts backwards over lunch for a negative amount', () => {
    // 14:00 − 60: 30 min back to 13:30, 30 min more from 12:00 → 11:30.
    expect(cn.addWorkingMinutes(cst('2026-03-02T14:00'), -60)).toEqual(cst('2026-03-02T11:30'));
  });

  it('stays at the start of an interval when counting backwards lands on it', () => {
    // 14:00 − 30 = 13:30 (the latest instant, not 12:00); 09:30 − 30 = 09:00, not the evening before.
    expect(cn.addWorkingMinutes(cst('2026-03-02T14:00'), -30)).toEqual(cst('2026-03-02T13:30'));
    expect(cn.addWorkingMinutes(cst('2026-03-02T09:30'), -30)).toEqual(cst('2026-03-02T09:00'));
  });

  it('counts backwards from an interval start into the previous interval', () => {
    expect(cn.addWorkingMinutes(cst('2026-03-02T13:30'), -30)).toEqual(cst('2026-03-02T11:30'));
  });

  it('counts backwards from outside working time starting at the last working instant', () => {
    // Lunch 12:30 − 30 = 11:30; Mon 2 Mar 09:00 − 30 = Sat 28 Feb 17:00 (a make-up Saturday);
    // Mon 9 Mar 09:00 − 30 = Fri 6 Mar 17:00 (a plain weekend in between).
    expect(cn.addWorkingMinutes(cst('2026-03-02T12:30'), -30)).toEqual(cst('2026-03-02T11:30'));
    expect(cn.addWorkingMinutes(cst('2026-03-02T09:00'), -30)).toEqual(cst('2026-02-28T17:00'));
    expect(cn.addWorkingMinutes(cst('2026-03-09T09:00'), -30)).toEqual(cst('2026-03-06T17:00'));
  });

  it('counts backwards over the National Day break', () => {
    // Thu 8 Oct 2026 12:00 − 4 h: 3 h back to 09:00, then 1 h back from Wed 30 Sep 17:30 → 16:30.
    expect(cn.addWorkingMinutes(cst('2026-10-08T12:00'), -240)).toEqual(cst('2026-09-30T16:30'));
  });

  it('counts backwards over a year end', () => {
    // Mon 5 Jan 2026 09:00 − 1 h: Sun 4 Jan is a make-up day → 16:30 on 4 Jan.
    expect(cn.addWorkingMinutes(cst('2026-01-05T09:00'), -60)).toEqual(cst('2026-01-04T16:30'));
    // Sun 4 Jan 2026 09:30 − 1 h: 30 min on 4 Jan; 1–3 Jan off → Wed 31 Dec 2025 17:00.
    expect(cn.addWorkingMinutes(cst('2026-01-04T09:30'), -60)).toEqual(cst('2025-12-31T17:00'));
  });

  it('counts forwards over a year end', () => {
    // Wed 31 Dec 2025 17:00 + 1 h: 30 min, then Sun 4 Jan 2026 09:00 + 30 min.
    expect(cn.addWorkingMinutes(cst('2025-12-31T17:00'), 60)).toEqual(cst('2026-01-04T09:30'));
  });

  it('accepts ISO strings with and without an offset as the same instant', () => {
    const expected = cst('2026-10-08T12:00');
    expect(cn.addWorkingHours('2026-09-30T16:30', 4)).toEqual(expected);
    expect(cn.addWorkingHours('2026-09-30 16:30', 4)).toEqual(expected);
    expect(cn.addWorkingHours('2026-09-30T16:30:00+08:00', 4)).toEqual(expected);
    expect(cn.addWorkingHours('2026-09-30T08:30:00Z', 4)).toEqual(expected);
    expect(cn.addWorkingHours('2026-09-30T18:30:00+10:00', 4)).toEqual(expected);
  });

  it('rejects NaN and infinite minutes with VALIDATION', () => {
    expectValidationError(() => cn.addWorkingMinutes(cst('2026-03-02T10:00'), Number.NaN), 'minutes');
    expectValidationError(() => cn.addWorkingMinutes(cst('2026-03-02T10:00'), Number.NEGATIVE_INFINITY), 'minutes');
  });

  it('rejects an Invalid Date start with VALIDATION', () => {
    expectValidationError(() => cn.addWorkingMinutes(new Date(Number.NaN), 10), 'start');
  });
});
