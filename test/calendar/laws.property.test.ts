import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CN_MAINLAND_NOTICES, cnMainland } from '../../src/calendar/index.js';

// ── An independent reference ────────────────────────────────────────────────────────────────────
// Written from the facts only: the notices' break and make-up dates, "Mon–Fri works, weekends do
// not", 09:00–12:00 and 13:30–17:30, and China Standard Time being a fixed +08:00 (no DST since
// 1991). It walks day by day and interval by interval, shares no code with src/ beyond the notice
// data, and never touches the host's zone (all arithmetic is on epoch ms).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR;
const INTERVALS: ReadonlyArray<readonly [number, number]> = [
  [9 * HOUR, 12 * HOUR],
  [13.5 * HOUR, 17.5 * HOUR],
];

const offDates = new Set<string>();
const makeUpDates = new Set<string>();
for (const notice of CN_MAINLAND_NOTICES) {
  for (const holidayBreak of notice.breaks) {
    for (let t = Date.parse(`${holidayBreak.from}T00:00:00Z`); t <= Date.parse(`${holidayBreak.to}T00:00:00Z`); t += DAY) {
      offDates.add(new Date(t).toISOString().slice(0, 10));
    }
    for (const workday of holidayBreak.workdays) makeUpDates.add(workday);
  }
}

/** Day number (days since 1970-01-01) of the Shanghai date of instant t. */
const dayOf = (t: number): number => Math.floor((t + OFFSET) / DAY);
const keyOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

function refIsWorkingDay(day: number): boolean {
  const key = keyOf(day);
  if (makeUpDates.has(key)) return true;
  if (offDates.has(key)) return false;
  const weekday = new Date(day * DAY).getUTCDay();
  return weekday >= 1 && weekday <= 5;
}

/** Working intervals of a day as absolute instants. */
function intervalsOf(day: number): Array<readonly [number, number]> {
  if (!refIsWorkingDay(day)) return [];
  const midnight = day * DAY - OFFSET;
  return INTERVALS.map(([from, to]) => [midnight + from, midnight + to] as const);
}

function refIsWorkingTime(t: number): boolean {
  return intervalsOf(dayOf(t)).some(([from, to]) => from <= t && t < to);
}

function refNextWorkingTime(t: number): number {
  for (let day = dayOf(t); ; day += 1) {
    for (const [from, to] of intervalsOf(day)) if (t < to) return Math.max(t, from);
  }
}

/** End of the last interval that ends at or before t. */
function refPreviousIntervalEnd(t: number): number {
  for (let day = dayOf(t); ; day -= 1) {
    for (const [, to] of [...intervalsOf(day)].reverse()) if (to <= t) return to;
  }
}

function refAddWorkingMs(t: number, ms: number): number {
  if (ms === 0) return t;
  let remaining = Math.abs(ms);
  if (ms > 0) {
    for (let day = dayOf(t); ; day += 1) {
      for (const [from, to] of intervalsOf(day)) {
        if (to <= t) continue;
        const begin = Math.max(t, from);
        // `<=`: the earliest instant, so a count that ends with an interval stays at its end.
        if (remaining <= to - begin) return begin + remaining;
        remaining -= to - begin;
      }
    }
  }
  for (let day = dayOf(t); ; day -= 1) {
    for (const [from, to] of [...intervalsOf(day)].reverse()) {
      if (from >= t) continue;
      const end = Math.min(t, to);
      // `<=`: the latest instant, so a count that ends with an interval's start stays there.
      if (remaining <= end - from) return end - remaining;
      remaining -= end - from;
    }
  }
}

function refAddWorkingDays(t: number, n: number): number {
  let day = dayOf(t);
  const step = n > 0 ? 1 : -1;
  for (let counted = 0; counted < Math.abs(n); ) {
    day += step;
    if (refIsWorkingDay(day)) counted += 1;
  }
  const [opening, closing] = [INTERVALS[0]![0], INTERVALS[INTERVALS.length - 1]![1]];
  return day * DAY - OFFSET + (n > 0 ? closing : opening);
}

function refWorkingMinutesBetween(a: number, b: number): number {
  if (b < a) return -refWorkingMinutesBetween(b, a);
  let ms = 0;
  for (let day = dayOf(a); day <= dayOf(b); day += 1) {
    for (const [from, to] of intervalsOf(day)) ms += Math.max(0, Math.min(to, b) - Math.max(from, a));
  }
  return ms / MINUTE;
}

function refWorkingDaysBetween(a: number, b: number): number {
  const [lo, hi, sign] = dayOf(a) <= dayOf(b) ? [dayOf(a), dayOf(b), 1] : [dayOf(b), dayOf(a), -1];
  let count = 0;
  for (let day = lo + 1; day <= hi; day += 1) if (refIsWorkingDay(day)) count += 1;
  return sign * count;
}

// ── Generators ──────────────────────────────────────────────────────────────────────────────────

const FIRST = Date.parse('2024-01-01T00:00:00+08:00');
// Late enough to cover the 2026 National Day break, early enough that 30 working days or 10,000
// working minutes stay inside the covered years.
const LAST = Date.parse('2026-11-15T00:00:00+08:00');
const BOUNDARIES = [0, 9 * HOUR, 12 * HOUR, 13.5 * HOUR, 17.5 * HOUR, 9 * HOUR - 1, 12 * HOUR - 1, 13.5 * HOUR - 1, 17.5 * HOUR - 1];

/** Any instant in 2024–2026, with extra weight on interval boundaries and whole minutes. */
const instant = fc
  .oneof(
    fc.integer({ min: FIRST, max: LAST }),
    fc
      .tuple(fc.integer({ min: dayOf(FIRST), max: dayOf(LAST) }), fc.constantFrom(...BOUNDARIES))
      .map(([day, sinceMidnight]) => day * DAY - OFFSET + sinceMidnight),
    fc.integer({ min: FIRST / MINUTE, max: LAST / MINUTE }).map((minute) => minute * MINUTE),
  )
  .map((t) => new Date(t));

/** A working instant: the next working instant after any instant. */
const workingInstant = instant.map((t) => new Date(refNextWorkingTime(t.getTime())));

const cn = cnMainland();
const PARAMS = { numRuns: 300 } as const;

describe('laws of cnMainland()', () => {
  it('counts back exactly the minutes it added, from a working instant', () => {
    fc.assert(
      fc.property(workingInstant, fc.integer({ min: 0, max: 10_000 }), (s, m) => {
        expect(cn.workingMinutesBetween(s, cn.addWorkingMinutes(s, m))).toBe(m);
      }),
      PARAMS,
    );
  });

  it('counts back exactly the minutes it added, from any instant', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 10_000 }), (s, m) => {
        expect(cn.workingMinutesBetween(s, cn.addWorkingMinutes(s, m))).toBe(m);
      }),
      PARAMS,
    );
  });

  it('is monotonic in the amount, negative amounts included', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -5_000, max: 5_000 }), fc.integer({ min: -5_000, max: 5_000 }), (s, x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        expect(cn.addWorkingMinutes(s, a).getTime()).toBeLessThanOrEqual(cn.addWorkingMinutes(s, b).getTime());
      }),
      PARAMS,
    );
  });

  it('is additive for non-negative amounts, from any instant', () => {
    // Holds at interval ends too: add(s, a) stays at 12:00, and counting on from 12:00 skips lunch.
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 5_000 }), (s, a, b) => {
        expect(cn.addWorkingMinutes(cn.addWorkingMinutes(s, a), b)).toEqual(cn.addWorkingMinutes(s, a + b));
      }),
      PARAMS,
    );
  });

  it('is additive when the first step ends exactly at an interval end', () => {
    // s + (minutes left in its interval) lands on 12:00 or 17:30; adding b more from there must
    // equal adding both at once.
    fc.assert(
      fc.property(workingInstant, fc.integer({ min: 0, max: 2_000 }), (s, b) => {
        const t = s.getTime();
        const end = intervalsOf(dayOf(t)).find(([from, to]) => from <= t && t < to)![1];
        const a = (end - t) / MINUTE;
        expect(cn.addWorkingMinutes(s, a)).toEqual(new Date(end));
        expect(cn.addWorkingMinutes(cn.addWorkingMinutes(s, a), b)).toEqual(cn.addWorkingMinutes(s, a + b));
      }),
      PARAMS,
    );
  });

  it('returns to the next working instant of s after adding m and subtracting m', () => {
    // add(s, m) is the earliest instant with m more working minutes; subtracting m gives the
    // latest instant with the working minutes of s, which is s itself when s is working time and
    // the next working instant otherwise.
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 5_000 }), (s, m) => {
        expect(cn.addWorkingMinutes(cn.addWorkingMinutes(s, m), -m)).toEqual(cn.nextWorkingTime(s));
      }),
      PARAMS,
    );
  });

  it('returns to the earliest instant with the working minutes of s after subtracting m and adding m', () => {
    // The mirror law: s itself when s and the millisecond before it are working time; otherwise the
    // end of the last interval before s (12:00 for s = 13:30, the previous evening for s = 09:00).
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 5_000 }), (s, m) => {
        const t = s.getTime();
        const expected = refIsWorkingTime(t) && refIsWorkingTime(t - 1) ? t : refPreviousIntervalEnd(t);
        const back = cn.addWorkingMinutes(cn.addWorkingMinutes(s, -m), m);
        expect(back).toEqual(new Date(expected));
        expect(cn.workingMinutesBetween(back, s)).toBe(0);
      }),
      PARAMS,
    );
  });

  it('counts back exactly the working days it added', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (s, n) => {
        expect(cn.workingDaysBetween(s, cn.addWorkingDays(s, n))).toBe(n);
      }),
      PARAMS,
    );
  });

  it('gives a next working time that is working time, not before the instant', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const next = cn.nextWorkingTime(t);
        expect(cn.isWorkingTime(next)).toBe(true);
        expect(next.getTime()).toBeGreaterThanOrEqual(t.getTime());
        expect(cn.workingMinutesBetween(t, next)).toBe(0);
      }),
      PARAMS,
    );
  });
});

describe('cnMainland() against the independent reference', () => {
  it('agrees on addWorkingDays for 1 to 30 days', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (s, n) => {
        expect(cn.addWorkingDays(s, n)).toEqual(new Date(refAddWorkingDays(s.getTime(), n)));
      }),
      PARAMS,
    );
  });

  it('agrees on addWorkingDays for −30 to −1 days', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -30, max: -1 }), (s, n) => {
        expect(cn.addWorkingDays(s, n)).toEqual(new Date(refAddWorkingDays(s.getTime(), n)));
      }),
      PARAMS,
    );
  });

  it('agrees on addWorkingHours for 1 to 40 whole hours', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 }), (s, h) => {
        expect(cn.addWorkingHours(s, h)).toEqual(new Date(refAddWorkingMs(s.getTime(), h * HOUR)));
      }),
      PARAMS,
    );
  });

  it('agrees on addWorkingMinutes for any millisecond amount, negative included', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -40 * HOUR, max: 40 * HOUR }), (s, ms) => {
        expect(cn.addWorkingMinutes(s, ms / MINUTE)).toEqual(new Date(refAddWorkingMs(s.getTime(), ms)));
      }),
      PARAMS,
    );
  });

  it('agrees on workingMinutesBetween', () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        fc.pre(Math.abs(a.getTime() - b.getTime()) < 60 * DAY);
        expect(cn.workingMinutesBetween(a, b)).toBeCloseTo(refWorkingMinutesBetween(a.getTime(), b.getTime()), 9);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees on workingMinutesBetween for spans up to 45 days', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -45 * DAY, max: 45 * DAY }), (a, span) => {
        const b = new Date(a.getTime() + span);
        expect(cn.workingMinutesBetween(a, b)).toBeCloseTo(refWorkingMinutesBetween(a.getTime(), b.getTime()), 9);
      }),
      PARAMS,
    );
  });

  it('agrees on workingDaysBetween', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -45 * DAY, max: 45 * DAY }), (a, span) => {
        const b = new Date(a.getTime() + span);
        expect(cn.workingDaysBetween(a, b)).toBe(refWorkingDaysBetween(a.getTime(), b.getTime()));
      }),
      PARAMS,
    );
  });

  it('agrees on isWorkingDay, isWorkingTime and nextWorkingTime', () => {
    fc.assert(
      fc.property(instant, (t) => {
        expect(cn.isWorkingDay(t)).toBe(refIsWorkingDay(dayOf(t.getTime())));
        expect(cn.isWorkingTime(t)).toBe(refIsWorkingTime(t.getTime()));
        expect(cn.nextWorkingTime(t)).toEqual(new Date(refNextWorkingTime(t.getTime())));
      }),
      PARAMS,
    );
  });

  it('agrees with the reference on every day of 2024 to 2026', () => {
    for (let day = dayOf(Date.parse('2024-01-01T12:00:00+08:00')); day <= dayOf(Date.parse('2026-12-31T12:00:00+08:00')); day += 1) {
      expect(cn.isWorkingDay(keyOf(day)), keyOf(day)).toBe(refIsWorkingDay(day));
    }
  });
});

describe('laws of a layered calendar with half-days, Saturdays and closures', () => {
  const WEEKDAYS = ['09:00-12:00', '13:30-17:30'];
  const unit = cnMainland()
    .derive({ id: 'province', weeklyHours: { mon: WEEKDAYS, tue: WEEKDAYS, wed: WEEKDAYS, thu: WEEKDAYS, fri: ['08:00-12:00'], sat: ['09:00-11:00'] } })
    .derive({
      id: 'unit',
      specialHours: [{ date: '2025-03-07', hours: ['09:00-10:00', '10:00-11:00', '15:00-16:00'] }],
      workingDays: [{ date: '2026-10-04', hours: ['00:00-24:00'] }],
      closures: [{ from: '2025-07-01', to: '2025-07-20' }],
    });

  it('counts back exactly the minutes it added', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 10_000 }), (s, m) => {
        expect(unit.workingMinutesBetween(s, unit.addWorkingMinutes(s, m))).toBe(m);
      }),
      PARAMS,
    );
  });

  it('is additive for non-negative amounts', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 5_000 }), (s, a, b) => {
        expect(unit.addWorkingMinutes(unit.addWorkingMinutes(s, a), b)).toEqual(unit.addWorkingMinutes(s, a + b));
      }),
      PARAMS,
    );
  });

  it('is monotonic in the amount', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -5_000, max: 5_000 }), fc.integer({ min: -5_000, max: 5_000 }), (s, x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        expect(unit.addWorkingMinutes(s, a).getTime()).toBeLessThanOrEqual(unit.addWorkingMinutes(s, b).getTime());
      }),
      PARAMS,
    );
  });

  it('returns to the next working instant of s after adding m and subtracting m', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 5_000 }), (s, m) => {
        expect(unit.addWorkingMinutes(unit.addWorkingMinutes(s, m), -m)).toEqual(unit.nextWorkingTime(s));
      }),
      PARAMS,
    );
  });

  it('counts back exactly the working days it added', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (s, n) => {
        expect(unit.workingDaysBetween(s, unit.addWorkingDays(s, n))).toBe(n);
      }),
      PARAMS,
    );
  });

  it('gives a next working time that is working time', () => {
    fc.assert(
      fc.property(instant, (t) => {
        expect(unit.isWorkingTime(unit.nextWorkingTime(t))).toBe(true);
      }),
      PARAMS,
    );
  });
});
