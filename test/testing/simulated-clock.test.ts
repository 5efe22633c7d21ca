import { describe, expect, it } from 'vitest';
import { always, cnMainland } from '../../src/calendar/index.js';
import { isJiaobanError } from '../../src/errors.js';
import { SimulatedClock } from '../../src/testing/simulated-clock.js';

const cn = cnMainland();
const bjIso = (local: string) => new Date(`${local}+08:00`).toISOString();

function validation(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isJiaobanError(error, 'VALIDATION')) return error.message;
    throw error;
  }
  return 'no error';
}

describe('SimulatedClock', () => {
  it('starts where it is told and implements Clock.now()', () => {
    const clock = new SimulatedClock('2026-02-13T16:10:00+08:00');
    expect(clock.now().toISOString()).toBe(bjIso('2026-02-13T16:10'));
  });

  it('hands out fresh Dates: mutating one does not move the clock', () => {
    const clock = new SimulatedClock(new Date(0));
    clock.now().setTime(1_000);
    expect(clock.now().getTime()).toBe(0);
  });

  it('advances by natural minutes, hours and days, summed', () => {
    const clock = new SimulatedClock('2026-02-16T23:30:00+08:00');
    expect(clock.advance({ hours: 2, minutes: 15 }).toISOString()).toBe(bjIso('2026-02-17T01:45'));
    expect(clock.advance({ days: 1 }).toISOString()).toBe(bjIso('2026-02-18T01:45'));
  });

  it('advances by working hours on a calendar, over a make-up Saturday', () => {
    const clock = new SimulatedClock('2026-02-13T16:10:00+08:00');
    expect(clock.advance({ workingHours: 4 }, cn).toISOString()).toBe(bjIso('2026-02-14T11:40'));
  });

  it('advances by working days 次日起算, to the close of the n-th working day', () => {
    const clock = new SimulatedClock('2026-09-30T16:30:00+08:00');
    expect(clock.advance({ workingDays: 3 }, cn).toISOString()).toBe(bjIso('2026-10-10T17:30'));
  });

  it('advances by working minutes on a 24×7 calendar as natural minutes', () => {
    const clock = new SimulatedClock('2026-02-16T23:30:00+08:00');
    expect(clock.advance({ workingMinutes: 90 }, always()).toISOString()).toBe(bjIso('2026-02-17T01:00'));
  });

  it('sets a later instant and refuses an earlier one with a typed VALIDATION error', () => {
    const clock = new SimulatedClock('2026-03-02T09:00:00+08:00');
    expect(clock.set('2026-03-02T10:00:00+08:00').toISOString()).toBe(bjIso('2026-03-02T10:00'));
    expect(validation(() => clock.set('2026-03-02T09:59:00+08:00'))).toMatch(/never goes backwards/);
    expect(clock.now().toISOString()).toBe(bjIso('2026-03-02T10:00'));
  });

  it('refuses a negative or non-finite step, a fractional working day, and a working step without calendar', () => {
    const clock = new SimulatedClock('2026-03-02T09:00:00+08:00');
    expect(validation(() => clock.advance({ hours: -1 }))).toMatch(/never goes backwards/);
    expect(validation(() => clock.advance({ minutes: Number.NaN }))).toMatch(/finite/);
    expect(validation(() => clock.advance({ workingDays: 1.5 }, cn))).toMatch(/whole number/);
    expect(validation(() => (clock.advance as (s: object) => Date)({ workingHours: 1 }))).toMatch(/needs a calendar/);
    expect(clock.now().toISOString()).toBe(bjIso('2026-03-02T09:00'));
  });

  it('refuses a start that is not an instant', () => {
    expect(validation(() => new SimulatedClock('2026-03-02T09:00'))).toMatch(/offset/);
  });
});
