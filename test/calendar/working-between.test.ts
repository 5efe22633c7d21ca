import { describe, expect, it } from 'vitest';
import { cnMainland } from '../../src/calendar/index.js';
import { JiaobanError } from '../../src/errors.js';

// Mon–Fri 09:00–12:00 and 13:30–17:30, +08:00; Mon 2 Mar 2026 is a plain Monday.
const cst = (local: string): Date => new Date(`${local}+08:00`);
const cn = cnMainland();

describe('workingMinutesBetween', () => {
  it('skips the lunch break', () => {
    expect(cn.workingMinutesBetween(cst('2026-03-02T11:00'), cst('2026-03-02T14:00'))).toBe(90);
  });

  it('is negative when the second instant is before the first', () => {
    expect(cn.workingMinutesBetween(cst('2026-03-02T14:00'), cst('2026-03-02T11:00'))).toBe(-90);
  });

  it('is zero for an empty interval', () => {
    const t = cst('2026-03-02T10:00');
    expect(cn.workingMinutesBetween(t, t)).toBe(0);
  });

  it('is zero over the lunch break', () => {
    expect(cn.workingMinutesBetween(cst('2026-03-02T12:00'), cst('2026-03-02T13:30'))).toBe(0);
  });

  it('counts the half-open interval: a span ending at 09:00 holds no working time, one starting at 09:00 does', () => {
    expect(cn.workingMinutesBetween(cst('2026-03-02T08:00'), cst('2026-03-02T09:00'))).toBe(0);
    expect(cn.workingMinutesBetween(cst('2026-03-02T09:00'), cst('2026-03-02T09:01'))).toBe(1);
    expect(cn.workingMinutesBetween(cst('2026-03-02T17:30'), cst('2026-03-02T18:00'))).toBe(0);
  });

  it('adds consecutive spans exactly', () => {
    const a = cst('2026-03-02T10:00');
    const b = cst('2026-03-02T13:45');
    const c = cst('2026-03-03T11:00');
    expect(cn.workingMinutesBetween(a, b) + cn.workingMinutesBetween(b, c)).toBe(cn.workingMinutesBetween(a, c));
  });

  it('is fractional when an end point has seconds', () => {
    expect(cn.workingMinutesBetween(cst('2026-03-02T10:00'), cst('2026-03-02T10:00:30'))).toBe(0.5);
    expect(cn.workingMinutesBetween(cst('2026-03-02T11:59:45'), cst('2026-03-02T13:30:15'))).toBe(0.5);
  });

  it('counts a whole working day as 420 minutes', () => {
    expect(cn.workingMinutesBetween(cst('2026-03-02T00:00'), cst('2026-03-03T00:00'))).toBe(420);
  });

  it('counts nothing inside the National Day break and only the working ends around it', () => {
    // Wed 30 Sep 16:30–17:30 = 60; Thu 8 Oct 09:00–12:00 = 180.
    expect(cn.workingMinutesBetween(cst('2026-10-01T00:00'), cst('2026-10-08T00:00'))).toBe(0);
    expect(cn.workingMinutesBetween(cst('2026-09-30T16:30'), cst('2026-10-08T12:00'))).toBe(240);
  });

  it('counts across a year end', () => {
    // Wed 31 Dec 2025 17:00–17:30 = 30; Sun 4 Jan 2026 (make-up) whole day = 420.
    expect(cn.workingMinutesBetween(cst('2025-12-31T17:00'), cst('2026-01-05T00:00'))).toBe(450);
  });

  it('counts a whole official year as 248 working days of 420 minutes', () => {
    // 2025 has 248 working days (see add-working-days.test.ts).
    expect(cn.workingMinutesBetween(cst('2025-01-01T00:00'), cst('2026-01-01T00:00'))).toBe(248 * 420);
  });

  it('reads a string without an offset as wall time in Asia/Shanghai', () => {
    expect(cn.workingMinutesBetween('2026-03-02T11:00', '2026-03-02T14:00')).toBe(90);
    expect(cn.workingMinutesBetween('2026-03-02T03:00:00Z', '2026-03-02T14:00')).toBe(90);
  });

  it('rejects an Invalid Date end with VALIDATION', () => {
    let caught: unknown;
    try {
      cn.workingMinutesBetween(cst('2026-03-02T10:00'), new Date('nonsense'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JiaobanError);
    expect((caught as JiaobanError).code).toBe('VALIDATION');
    expect((caught as JiaobanError<'VALIDATION'>).details.issues[0]?.path).toEqual(['b']);
  });
});
