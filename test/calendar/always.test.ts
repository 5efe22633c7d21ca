import { describe, expect, it } from 'vitest';
import { always } from '../../src/calendar/index.js';

// always() counts natural time: every expected value is plain clock arithmetic.
const cst = (local: string): Date => new Date(`${local}+08:00`);
const clock = always();

describe('always', () => {
  it('adds natural hours over midnight on New Year’s Eve of Spring Festival', () => {
    expect(clock.addWorkingHours('2026-02-16T23:00+08:00', 2)).toEqual(new Date('2026-02-16T17:00:00.000Z'));
  });

  it('adds natural hours straight through a public holiday and a weekend', () => {
    // 24 h from Fri 2 Oct 2026 10:00 is Sat 3 Oct 10:00, holiday or not.
    expect(clock.addWorkingHours(cst('2026-10-02T10:00'), 24)).toEqual(cst('2026-10-03T10:00'));
  });

  it('treats every instant as working time', () => {
    expect(clock.isWorkingTime(cst('2026-10-03T03:00'))).toBe(true);
    expect(clock.isWorkingTime(cst('2026-03-07T00:00'))).toBe(true);
    expect(clock.isWorkingDay('2026-02-17')).toBe(true);
    const t = cst('2026-02-17T04:05:06.789');
    expect(clock.nextWorkingTime(t)).toEqual(t);
  });

  it('counts natural minutes between two instants', () => {
    expect(clock.workingMinutesBetween(cst('2026-02-16T00:00'), cst('2026-02-18T00:00'))).toBe(2880);
    expect(clock.workingMinutesBetween(cst('2026-02-18T00:00'), cst('2026-02-16T00:00'))).toBe(-2880);
  });

  it('counts backwards in natural time', () => {
    expect(clock.addWorkingMinutes(cst('2026-01-01T00:30'), -60)).toEqual(cst('2025-12-31T23:30'));
  });

  it('covers any year between 1900 and 2199', () => {
    expect(clock.coverage).toBeNull();
    expect(clock.addWorkingHours(cst('2031-01-01T00:00'), 48)).toEqual(cst('2031-01-03T00:00'));
  });

  it('ends a day count at the end of the next calendar day', () => {
    // The last interval of a day ends at 24:00, which is the next day's 00:00.
    expect(clock.addWorkingDays(cst('2026-02-16T10:00'), 1)).toEqual(cst('2026-02-18T00:00'));
  });

  it('keeps workingDaysBetween(s, addWorkingDays(s, n)) === n', () => {
    const start = cst('2026-02-16T10:00');
    expect(clock.workingDaysBetween(start, clock.addWorkingDays(start, 1))).toBe(1);
  });

  it('adds natural hours across a DST change in a zone that has one', () => {
    const berlin = always({ zone: 'Europe/Berlin', id: 'berlin' });
    expect(berlin.id).toBe('berlin');
    expect(berlin.zone).toBe('Europe/Berlin');
    // Sat 28 Mar 2026 12:00 CET + 24 h = Sun 29 Mar 13:00 CEST (the clocks went forward at 02:00).
    expect(berlin.addWorkingHours(new Date('2026-03-28T12:00:00+01:00'), 24)).toEqual(new Date('2026-03-29T13:00:00+02:00'));
    expect(berlin.workingMinutesBetween(new Date('2026-03-29T00:00:00+01:00'), new Date('2026-03-30T00:00:00+02:00'))).toBe(23 * 60);
  });
});

describe('always and the 24:00 rule', () => {
  it('chains day counts: 3 days then 2 days equals 5 days', () => {
    const start = cst('2026-02-16T10:00');
    const threeThenTwo = clock.addWorkingDays(clock.addWorkingDays(start, 3), 2);
    // 次日起算 from Mon 16 Feb: the 5th day after is Sat 21 Feb, ending at 24:00 = Sun 22 Feb 00:00.
    expect(threeThenTwo).toEqual(clock.addWorkingDays(start, 5));
    expect(threeThenTwo).toEqual(cst('2026-02-22T00:00'));
  });

  it('lets a date-only string name its own date rather than the end of the day before', () => {
    // '2026-03-05' is Thursday 5 March itself: the next day is Friday 6 March, ending at 24:00.
    expect(clock.addWorkingDays('2026-03-05', 1)).toEqual(cst('2026-03-07T00:00'));
    expect(clock.workingDaysBetween('2026-03-05', '2026-03-06')).toBe(1);
  });
});
