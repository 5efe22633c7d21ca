import { describe, expect, it } from 'vitest';
import {
  CN_MAINLAND_NOTICES,
  type OfficialNoticeInput,
  type WorkCalendar,
  cnMainland,
  createCalendar,
} from '../../src/calendar/index.js';
import { type ErrorCode, JiaobanError } from '../../src/errors.js';

// Expected values are worked out by hand from the options of each test, the State Council notices
// for cnMainland, and the weekday of each date (Mon 2 Mar 2026, Fri 6 Mar, Sat 7 Mar, Mon 9 Mar).
const cst = (local: string): Date => new Date(`${local}+08:00`);
const WEEKDAYS = ['09:00-12:00', '13:30-17:30'];

function caught<C extends ErrorCode>(code: C, action: () => unknown): JiaobanError<C> {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(JiaobanError);
  expect((thrown as JiaobanError).code).toBe(code);
  return thrown as JiaobanError<C>;
}

function configError(action: () => unknown, field?: string): JiaobanError<'CALENDAR_CONFIG'> {
  const error = caught('CALENDAR_CONFIG', action);
  expect(typeof error.details.reason).toBe('string');
  expect(error.details.reason.length).toBeGreaterThan(0);
  if (field !== undefined) expect(error.details.field).toBe(field);
  return error;
}

/**
 * A made-up 2027 notice for the run-time tests (the real one is not published yet): New Year
 * 1–3 Jan 2027 (Fri–Sun), Spring Festival Sat 6 – Sun 14 Feb 2027 with Sat 20 Feb worked.
 */
function notice2027(): OfficialNoticeInput {
  return {
    year: 2027,
    notice: '国办发明电〔2026〕测试号',
    title: '国务院办公厅关于2027年部分节假日安排的通知（测试用）',
    issued: '2026-11-01',
    breaks: [
      { name: '元旦', nameEn: 'New Year', from: '2027-01-01', to: '2027-01-03', workdays: [] },
      { name: '春节', nameEn: 'Spring Festival', from: '2027-02-06', to: '2027-02-14', workdays: ['2027-02-20'] },
    ],
  };
}

describe('createCalendar options', () => {
  it('defaults to Asia/Shanghai, Mon–Fri 09:00–12:00 and 13:30–17:30, and no coverage limit', () => {
    const plain = createCalendar();
    expect(plain.zone).toBe('Asia/Shanghai');
    expect(plain.coverage).toBeNull();
    expect(plain.describeDay('2026-03-02').hours).toEqual(WEEKDAYS);
    expect(plain.isWorkingDay('2026-03-07')).toBe(false);
    // Without notices 1 Oct 2026 is a plain Thursday: 16:30 + 4 h → Fri 2 Oct 12:00.
    expect(plain.addWorkingHours(cst('2026-10-01T16:30'), 4)).toEqual(cst('2026-10-02T12:00'));
  });

  it('reads its weekly hours in the zone it is given', () => {
    const berlin = createCalendar({ zone: 'Europe/Berlin', weeklyHours: { mon: ['09:00-17:00'] } });
    expect(berlin.isWorkingTime(new Date('2026-03-02T09:00:00+01:00'))).toBe(true);
    expect(berlin.isWorkingTime(new Date('2026-03-02T08:59:59+01:00'))).toBe(false);
    // A wall-clock string is read in Berlin, not in the host's zone nor in Shanghai.
    expect(berlin.nextWorkingTime('2026-03-02T07:00')).toEqual(new Date('2026-03-02T09:00:00+01:00'));
  });

  it('keeps working hours on the wall clock across a spring-forward DST change', () => {
    const berlin = createCalendar({ zone: 'Europe/Berlin', weeklyHours: { mon: ['09:00-17:00'], fri: ['09:00-17:00'] } });
    // Fri 27 Mar 16:00 CET: 1 h left; Sun 29 Mar clocks go forward; Mon 30 Mar 09:00 CEST + 1 h.
    expect(berlin.addWorkingHours(new Date('2026-03-27T16:00:00+01:00'), 2)).toEqual(new Date('2026-03-30T10:00:00+02:00'));
    expect(berlin.workingMinutesBetween(new Date('2026-03-27T00:00:00+01:00'), new Date('2026-03-31T00:00:00+02:00'))).toBe(960);
  });

  it('keeps working hours on the wall clock across a fall-back DST change', () => {
    const berlin = createCalendar({ zone: 'Europe/Berlin', weeklyHours: { mon: ['09:00-17:00'], fri: ['09:00-17:00'] } });
    // Sun 25 Oct 2026 clocks go back.
    expect(berlin.addWorkingHours(new Date('2026-10-23T16:00:00+02:00'), 2)).toEqual(new Date('2026-10-26T10:00:00+01:00'));
    expect(berlin.addWorkingDays(new Date('2026-10-23T16:00:00+02:00'), 1)).toEqual(new Date('2026-10-26T17:00:00+01:00'));
  });

  it('accepts several intervals a day in any order and sorts them', () => {
    const shifts = createCalendar({ weeklyHours: { mon: ['14:00-18:00', '08:00-10:00', '11:00-12:00'] } });
    expect(shifts.describeDay('2026-03-02').hours).toEqual(['08:00-10:00', '11:00-12:00', '14:00-18:00']);
    // Mon 09:30: 30 min to 10:00, then 11:00 + 30 min.
    expect(shifts.addWorkingMinutes(cst('2026-03-02T09:30'), 60)).toEqual(cst('2026-03-02T11:30'));
    // 10:00 + 120: 11:00–12:00 = 60, then 14:00 + 60.
    expect(shifts.addWorkingMinutes(cst('2026-03-02T10:00'), 120)).toEqual(cst('2026-03-02T15:00'));
  });

  it('allows 24:00 as the end of an interval', () => {
    const evening = createCalendar({ weeklyHours: { mon: ['20:00-24:00'], tue: ['00:00-02:00'] } });
    // Mon 23:00 + 2 h: one hour to midnight, one on Tuesday.
    expect(evening.addWorkingHours(cst('2026-03-02T23:00'), 2)).toEqual(cst('2026-03-03T01:00'));
  });

  it('keeps workingDaysBetween(s, addWorkingDays(s, 1)) === 1 when the day’s hours end at 24:00', () => {
    const evening = createCalendar({ weeklyHours: { mon: ['20:00-24:00'], tue: ['20:00-24:00'] } });
    // From Sun 1 Mar 2026 the first working day is Mon 2 Mar, whose hours end at 24:00 (= Tue 00:00);
    // Tue 3 Mar is a working day too, and must not be counted.
    const deadline = evening.addWorkingDays(cst('2026-03-01T10:00'), 1);
    expect(deadline).toEqual(cst('2026-03-03T00:00'));
    expect(evening.workingDaysBetween(cst('2026-03-01T10:00'), deadline)).toBe(1);
  });

  it('takes the days off of a date-holidays region', () => {
    const bavaria = createCalendar({ zone: 'Europe/Berlin', holidays: { country: 'DE', state: 'BY' } });
    // Tue 6 Jan 2026, Epiphany, is a public holiday in Bavaria only.
    expect(bavaria.describeDay('2026-01-06')).toMatchObject({ kind: 'holiday', working: false, name: 'Heilige Drei Könige' });
    expect(bavaria.isWorkingDay('2026-12-25')).toBe(false);
    const germany = createCalendar({ zone: 'Europe/Berlin', holidays: { country: 'DE' } });
    expect(germany.isWorkingDay('2026-01-06')).toBe(true);
    expect(germany.isWorkingDay('2026-12-25')).toBe(false);
  });

  it('names an extra day off', () => {
    const local = createCalendar({ daysOff: [{ date: '2026-03-03', name: '区级活动' }, '2026-03-04'] });
    expect(local.describeDay('2026-03-03')).toEqual({ date: '2026-03-03', kind: 'holiday', working: false, name: '区级活动', hours: [] });
    expect(local.describeDay('2026-03-04')).toEqual({ date: '2026-03-04', kind: 'holiday', working: false, hours: [] });
    // Mon 2 Mar 16:30 + 2 h: 1 h Monday, Tue and Wed off, Thu 5 Mar 09:00 + 1 h.
    expect(local.addWorkingHours(cst('2026-03-02T16:30'), 2)).toEqual(cst('2026-03-05T10:00'));
  });

  it('gives an extra working day the hours listed with it', () => {
    const saturday = createCalendar({ workingDays: [{ date: '2026-03-07', name: '加班', hours: ['09:00-12:00'] }] });
    expect(saturday.describeDay('2026-03-07')).toEqual({
      date: '2026-03-07',
      kind: 'makeUpWorkday',
      working: true,
      name: '加班',
      hours: ['09:00-12:00'],
    });
    // 次日起算 from Fri 6 Mar: Sat 7 Mar, whose last interval ends at 12:00.
    expect(saturday.addWorkingDays(cst('2026-03-06T10:00'), 1)).toEqual(cst('2026-03-07T12:00'));
  });

  it('gives an extra working day without hours the workdayHours option', () => {
    const calendar = createCalendar({ workdayHours: ['08:30-11:30'], workingDays: ['2026-03-07'] });
    expect(calendar.describeDay('2026-03-07').hours).toEqual(['08:30-11:30']);
  });

  it('gives an extra working day without hours the first weekday that has hours', () => {
    const calendar = createCalendar({ weeklyHours: { tue: ['10:00-16:00'], wed: ['08:00-12:00'] }, workingDays: ['2026-03-07'] });
    expect(calendar.describeDay('2026-03-07').hours).toEqual(['10:00-16:00']);
  });

  it('gives a half-day its own hours', () => {
    const halfDay = createCalendar({ specialHours: [{ date: '2026-03-06', hours: ['09:00-12:00'], name: '半天' }] });
    expect(halfDay.describeDay('2026-03-06')).toEqual({ date: '2026-03-06', kind: 'specialHours', working: true, name: '半天', hours: ['09:00-12:00'] });
    expect(halfDay.isWorkingTime(cst('2026-03-06T14:00'))).toBe(false);
    // Fri 6 Mar 11:00 + 2 h: 1 h to noon, then Mon 9 Mar 09:00 + 1 h.
    expect(halfDay.addWorkingHours(cst('2026-03-06T11:00'), 2)).toEqual(cst('2026-03-09T10:00'));
    // A deadline of one working day from Thu 5 Mar closes with the half-day, at 12:00.
    expect(halfDay.addWorkingDays(cst('2026-03-05T10:00'), 1)).toEqual(cst('2026-03-06T12:00'));
  });

  it('closes every date of a closure, both ends included', () => {
    const closed = createCalendar({ closures: [{ from: '2026-03-03', to: '2026-03-05', reason: '搬迁' }] });
    expect(closed.isWorkingDay('2026-03-02')).toBe(true);
    for (const date of ['2026-03-03', '2026-03-04', '2026-03-05']) {
      expect(closed.describeDay(date), date).toEqual({ date, kind: 'closure', working: false, name: '搬迁', hours: [] });
    }
    expect(closed.isWorkingDay('2026-03-06')).toBe(true);
    expect(closed.addWorkingDays(cst('2026-03-02T10:00'), 1)).toEqual(cst('2026-03-06T17:30'));
  });
});

describe('createCalendar errors', () => {
  it('rejects an unknown time zone with CALENDAR_CONFIG on the zone field', () => {
    const error = configError(() => createCalendar({ zone: 'Mars/Olympus_Mons' }), 'zone');
    expect(error.details.reason).toBe('unknownZone');
  });

  it('rejects 25:00 with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ weeklyHours: { mon: ['25:00-26:00'] } }), 'weeklyHours.mon');
    configError(() => createCalendar({ weeklyHours: { mon: ['09:00-25:00'] } }), 'weeklyHours.mon');
  });

  it('rejects 12:60 with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ weeklyHours: { tue: ['09:00-12:60'] } }), 'weeklyHours.tue');
  });

  it('rejects 24:00 as the start of an interval with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ weeklyHours: { tue: ['24:00-24:00'] } }), 'weeklyHours.tue');
  });

  it('rejects an interval that ends before it starts with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ weeklyHours: { wed: ['12:00-09:00'] } }), 'weeklyHours.wed');
  });

  it('rejects an empty interval with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ weeklyHours: { wed: ['09:00-09:00'] } }), 'weeklyHours.wed');
  });

  it('rejects overlapping intervals with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ weeklyHours: { thu: ['09:00-12:00', '11:00-13:00'] } }), 'weeklyHours.thu');
  });

  it('rejects an interval that is not HH:MM-HH:MM with CALENDAR_CONFIG naming the entry', () => {
    configError(() => createCalendar({ weeklyHours: { fri: ['9:00-12:00'] } }), 'weeklyHours.fri.0');
  });

  it('rejects the same date in daysOff and workingDays of one layer with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ daysOff: ['2026-03-07'], workingDays: ['2026-03-07'] }), 'workingDays');
  });

  it('rejects a date listed twice in daysOff with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ daysOff: ['2026-03-03', { date: '2026-03-03', name: 'x' }] }), 'daysOff');
  });

  it('rejects a closure that ends before it starts with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ closures: [{ from: '2026-03-05', to: '2026-03-03' }] }), 'closures');
  });

  it('rejects a closure over a date the same layer lists as a working day with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ workingDays: ['2026-03-07'], closures: [{ from: '2026-03-06', to: '2026-03-08' }] }), 'closures');
  });

  it('rejects an impossible date in a day list with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ daysOff: ['2026-02-30'] }), 'daysOff');
  });

  it('rejects bad hours given with an extra working day with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ workingDays: [{ date: '2026-03-07', hours: ['13:00-12:00'] }] }), 'workingDays');
  });

  it('rejects an unknown date-holidays region with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ holidays: { country: 'XX' } }), 'holidays');
    configError(() => createCalendar({ holidays: { country: 'DE', state: 'ZZ' } }), 'holidays');
  });

  it('rejects a coverage that ends before it starts with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ coverage: { from: 2026, to: 2024 } }), 'coverage');
  });

  it('rejects an unknown option with CALENDAR_CONFIG', () => {
    configError(() => createCalendar({ zone: 'Asia/Shanghai', weekHours: {} } as never));
  });

  it('rejects bad overrides passed to derive with CALENDAR_CONFIG', () => {
    configError(() => cnMainland().derive({ weeklyHours: { mon: ['09:00-12:00', '10:00-11:00'] } }), 'weeklyHours.mon');
  });

  it('keeps the original zod error as the cause of a schema problem', () => {
    const error = configError(() => createCalendar({ weeklyHours: { fri: ['9-12'] } }));
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('layering with derive', () => {
  it('closes a unit without changing the national calendar it derives from', () => {
    const national = cnMainland();
    const unit = national.derive({ id: 'unit.water', closures: [{ from: '2026-03-02', to: '2026-03-03', reason: '搬迁' }] });
    expect(unit.id).toBe('unit.water');
    expect(unit.zone).toBe('Asia/Shanghai');
    expect(unit.isWorkingDay('2026-03-02')).toBe(false);
    expect(national.isWorkingDay('2026-03-02')).toBe(true);
    // From Fri 27 Feb: Sat 28 Feb is a national make-up day, which the unit keeps.
    expect(unit.addWorkingDays(cst('2026-02-27T10:00'), 2)).toEqual(cst('2026-03-04T17:30'));
  });

  it('resolves every date the layer does not mention through its base', () => {
    const unit = cnMainland().derive({ daysOff: ['2026-03-03'] });
    expect(unit.isWorkingDay('2026-10-05')).toBe(false);
    expect(unit.isWorkingDay('2026-10-10')).toBe(true);
    expect(unit.describeDay('2025-01-26')).toMatchObject({ kind: 'makeUpWorkday', name: '春节' });
  });

  it('lets a layer give a national make-up day off', () => {
    const unit = cnMainland().derive({ daysOff: [{ date: '2026-10-10', name: '单位调休' }] });
    expect(unit.describeDay('2026-10-10')).toMatchObject({ kind: 'holiday', working: false, name: '单位调休' });
  });

  it('lets a layer work a national holiday', () => {
    const duty = cnMainland().derive({ workingDays: [{ date: '2026-10-03', name: '值班', hours: ['09:00-12:00'] }] });
    expect(duty.isWorkingDay('2026-10-03')).toBe(true);
    // Wed 30 Sep 16:30 + 4 h: 1 h, then Sat 3 Oct 09:00–12:00.
    expect(duty.addWorkingHours(cst('2026-09-30T16:30'), 4)).toEqual(cst('2026-10-03T12:00'));
  });

  it('may list a date its base already lists without a contradiction error', () => {
    const province = createCalendar({ daysOff: ['2026-03-03'] });
    const unit = province.derive({ workingDays: ['2026-03-03'] });
    expect(unit.isWorkingDay('2026-03-03')).toBe(true);
    expect(province.isWorkingDay('2026-03-03')).toBe(false);
  });

  it('stacks three layers: national, province and unit', () => {
    const province = cnMainland().derive({ id: 'province', daysOff: [{ date: '2026-03-04', name: '省级假日' }] });
    const unit = province.derive({ id: 'unit', closures: [{ from: '2026-03-05', to: '2026-03-05' }] });
    expect(unit.isWorkingDay('2026-03-04')).toBe(false);
    expect(unit.isWorkingDay('2026-03-05')).toBe(false);
    expect(unit.isWorkingDay('2026-10-05')).toBe(false);
    expect(province.isWorkingDay('2026-03-05')).toBe(true);
    // From Tue 3 Mar: Wed off (province), Thu closed (unit), Fri 6 Mar.
    expect(unit.addWorkingDays(cst('2026-03-03T10:00'), 1)).toEqual(cst('2026-03-06T17:30'));
  });

  it('names a derived calendar after its base unless given an id', () => {
    expect(cnMainland().derive({}).id).toBe('cn-mainland+derived');
  });

  it('applies a derived layer’s weekly hours to plain days but keeps the national holidays', () => {
    const saturdays = cnMainland().derive({ weeklyHours: { mon: WEEKDAYS, tue: WEEKDAYS, wed: WEEKDAYS, thu: WEEKDAYS, fri: WEEKDAYS, sat: ['09:00-12:00'] } });
    expect(saturdays.describeDay('2026-03-07')).toMatchObject({ kind: 'workday', hours: ['09:00-12:00'] });
    // Sat 3 Oct 2026 is inside the National Day break: still off.
    expect(saturdays.isWorkingDay('2026-10-03')).toBe(false);
    // Fri 6 Mar 17:00 + 1 h: 30 min, then Sat 7 Mar 09:00 + 30 min.
    expect(saturdays.addWorkingHours(cst('2026-03-06T17:00'), 1)).toEqual(cst('2026-03-07T09:30'));
  });

  it('passes a derived layer’s weekly hours on to the layers derived from it', () => {
    const saturdays = cnMainland().derive({ weeklyHours: { mon: WEEKDAYS, sat: ['09:00-12:00'] } });
    const unit = saturdays.derive({ daysOff: ['2026-03-09'] });
    expect(unit.describeDay('2026-03-14').hours).toEqual(['09:00-12:00']);
    expect(unit.isWorkingDay('2026-03-10')).toBe(false); // Tuesday has no hours in this layer
  });
});

describe('addNotice at run time', () => {
  it('raises CALENDAR_RANGE for 2027 until the notice is added, then answers from it', () => {
    const cn = cnMainland();
    caught('CALENDAR_RANGE', () => cn.isWorkingDay('2027-03-01'));
    cn.addNotice(notice2027());
    expect(cn.isWorkingDay('2027-01-01')).toBe(false);
    expect(cn.isWorkingDay('2027-02-20')).toBe(true); // made-up make-up Saturday
    expect(cn.describeDay('2027-02-08')).toMatchObject({ kind: 'holiday', name: '春节' });
    // Thu 31 Dec 2026 + 1: 1–3 Jan off, Mon 4 Jan 2027.
    expect(cn.addWorkingDays(cst('2026-12-31T10:00'), 1)).toEqual(cst('2027-01-04T17:30'));
  });

  it('extends the coverage to the new year and changes the revision', () => {
    const cn = cnMainland();
    const before = cn.revision;
    expect(cn.coverage).toEqual({ from: 2019, to: 2026 });
    cn.addNotice(notice2027());
    expect(cn.coverage).toEqual({ from: 2019, to: 2027 });
    expect(cn.revision).not.toBe(before);
  });

  it('is followed by a calendar derived before the notice was added', () => {
    const cn = cnMainland();
    const unit = cn.derive({ id: 'unit', daysOff: ['2026-12-30'] });
    // Build the unit's 2026 table first, so that a stale table would show.
    expect(unit.addWorkingDays(cst('2026-12-29T10:00'), 1)).toEqual(cst('2026-12-31T17:30'));
    caught('CALENDAR_RANGE', () => unit.addWorkingDays(cst('2026-12-29T10:00'), 2));
    cn.addNotice(notice2027());
    expect(unit.revision).toBe(cn.revision);
    expect(unit.coverage).toEqual({ from: 2019, to: 2027 });
    expect(unit.addWorkingDays(cst('2026-12-29T10:00'), 2)).toEqual(cst('2027-01-04T17:30'));
  });

  it('drops tables built before the notice', () => {
    const plain = createCalendar();
    expect(plain.isWorkingDay('2026-10-05')).toBe(true); // table for 2026 built, no notice yet
    const official2026 = CN_MAINLAND_NOTICES.find((n) => n.year === 2026)!;
    plain.addNotice({ ...official2026, breaks: official2026.breaks.map((b) => ({ ...b, workdays: [...b.workdays] })) });
    expect(plain.isWorkingDay('2026-10-05')).toBe(false);
    expect(plain.isWorkingDay('2026-10-10')).toBe(true);
  });

  it('sends a notice added on a derived calendar to its root', () => {
    const cn = cnMainland();
    const unit = cn.derive({ id: 'unit' });
    unit.addNotice(notice2027());
    expect(cn.coverage).toEqual({ from: 2019, to: 2027 });
    expect(cn.isWorkingDay('2027-01-01')).toBe(false);
  });

  it('accepts next year’s notice through cnMainland({ notices })', () => {
    const cn = cnMainland({ notices: [notice2027()] });
    expect(cn.coverage).toEqual({ from: 2019, to: 2027 });
    expect(cn.isWorkingDay('2027-02-20')).toBe(true);
  });

  it('replaces the notice of a year that is added again, dropping the old breaks and make-up days', () => {
    const cn = cnMainland();
    // A corrected 2026 notice with a shorter National Day break (1–3 Oct) and no make-up days.
    cn.addNotice({
      year: 2026,
      notice: '国办发明电〔2025〕7号（更正）',
      title: '更正测试',
      issued: '2025-11-04',
      breaks: [{ name: '国庆节', nameEn: 'National Day', from: '2026-10-01', to: '2026-10-03', workdays: [] }],
    });
    expect(cn.isWorkingDay('2026-10-02')).toBe(false);
    expect(cn.isWorkingDay('2026-10-05')).toBe(true); // a plain Monday under the replacing notice
    expect(cn.isWorkingDay('2026-10-10')).toBe(false); // a plain Saturday under the replacing notice
    expect(cn.isWorkingDay('2026-02-16')).toBe(true); // Spring Festival is not in the replacement: a plain Monday
  });

  it('rejects an invalid notice with CALENDAR_CONFIG and changes nothing', () => {
    const cn = cnMainland();
    const unit = cn.derive({ id: 'unit' });
    const revision = cn.revision;
    const deadline = cn.addWorkingDays(cst('2026-09-30T10:00'), 3);
    const bad = notice2027();
    // 4 Jan 2027 is a Monday: not a possible make-up day.
    bad.breaks[0] = { name: '元旦', nameEn: 'New Year', from: '2027-01-01', to: '2027-01-03', workdays: ['2027-01-04'] };
    configError(() => cn.addNotice(bad), 'notices');
    expect(cn.revision).toBe(revision);
    expect(unit.revision).toBe(revision);
    expect(cn.coverage).toEqual({ from: 2019, to: 2026 });
    expect(cn.addWorkingDays(cst('2026-09-30T10:00'), 3)).toEqual(deadline);
    caught('CALENDAR_RANGE', () => cn.isWorkingDay('2027-01-04'));
  });

  it('rejects a notice of the wrong shape with CALENDAR_CONFIG and changes nothing', () => {
    const cn = cnMainland();
    const revision = cn.revision;
    const { title: _title, ...withoutTitle } = notice2027();
    configError(() => cn.addNotice(withoutTitle as OfficialNoticeInput));
    configError(() => cn.addNotice({ ...notice2027(), breaks: [] }));
    expect(cn.revision).toBe(revision);
    expect(cn.coverage).toEqual({ from: 2019, to: 2026 });
  });

  it('rejects a notice whose break ends before it starts with CALENDAR_CONFIG', () => {
    const bad = notice2027();
    bad.breaks[1] = { name: '春节', nameEn: 'Spring Festival', from: '2027-02-14', to: '2027-02-06', workdays: [] };
    configError(() => cnMainland().addNotice(bad), 'notices');
  });

  it('rejects an invalid notice passed to cnMainland({ notices }) with CALENDAR_CONFIG', () => {
    const bad = notice2027();
    bad.breaks[1] = { name: '春节', nameEn: 'Spring Festival', from: '2027-02-06', to: '2027-02-14', workdays: ['2027-02-10'] };
    configError(() => cnMainland({ notices: [bad] }), 'notices');
  });
});

describe('coverage and CALENDAR_RANGE', () => {
  const cn = cnMainland();

  function rangeError(action: () => unknown): JiaobanError<'CALENDAR_RANGE'> {
    const error = caught('CALENDAR_RANGE', action);
    expect(error.details.covered).toEqual({ from: 2019, to: 2026 });
    return error;
  }

  it('covers the notices’ years, 2019 to 2026', () => {
    expect(cn.coverage).toEqual({ from: 2019, to: 2026 });
  });

  it('raises CALENDAR_RANGE for a date in 2018', () => {
    rangeError(() => cn.isWorkingDay('2018-06-01'));
  });

  it('raises CALENDAR_RANGE for a date in 2027 and later', () => {
    rangeError(() => cn.isWorkingDay('2027-01-01'));
    rangeError(() => cn.addWorkingHours(cst('2031-05-06T10:00'), 1));
    rangeError(() => cn.describeDay('2099-12-31'));
  });

  it('names the date that was asked about in the CALENDAR_RANGE details', () => {
    const error = rangeError(() => cn.addWorkingDays('2027-03-01', 1));
    expect(error.details.date).toBe('2027-03-01');
  });

  it('raises CALENDAR_RANGE when a count runs past the last covered year', () => {
    rangeError(() => cn.addWorkingDays(cst('2026-12-31T10:00'), 1));
    rangeError(() => cn.nextWorkingTime(cst('2026-12-31T17:30')));
    rangeError(() => cn.addWorkingMinutes(cst('2019-01-02T09:00'), -60));
  });

  it('answers for the first and last covered days', () => {
    // 1 Jan 2019 is in the New Year break; Wed 2 Jan 2019 works. Thu 31 Dec 2026 works.
    expect(cn.isWorkingDay('2019-01-01')).toBe(false);
    expect(cn.isWorkingDay('2019-01-02')).toBe(true);
    expect(cn.isWorkingDay('2026-12-31')).toBe(true);
    expect(cn.addWorkingDays(cst('2026-12-30T10:00'), 1)).toEqual(cst('2026-12-31T17:30'));
  });

  it('assumes plain Mon–Fri weeks outside the notices when outOfRange is weekdays', () => {
    const lenient = cnMainland({ outOfRange: 'weekdays' });
    expect(lenient.isWorkingDay('2027-10-01')).toBe(true); // a Friday, no notice to say otherwise
    expect(lenient.isWorkingDay('2027-10-02')).toBe(false); // a Saturday
    expect(lenient.addWorkingDays(cst('2026-12-31T10:00'), 1)).toEqual(cst('2027-01-01T17:30'));
    expect(lenient.isWorkingDay('2018-06-01')).toBe(true);
  });

  it('still applies notice days that fall in an uncovered year when outOfRange is weekdays', () => {
    // The 2019 notice puts a make-up Saturday on 29 Dec 2018 and the New Year break on 30–31 Dec.
    const lenient = cnMainland({ outOfRange: 'weekdays' });
    expect(lenient.isWorkingDay('2018-12-29')).toBe(true);
    expect(lenient.isWorkingDay('2018-12-31')).toBe(false);
  });

  it('vouches for any year on a calendar without notices or coverage', () => {
    const plain = createCalendar();
    expect(plain.isWorkingDay('1950-03-01')).toBe(true);
    expect(plain.isWorkingDay('2150-03-01')).toBe(false); // a Sunday
  });

  it('raises CALENDAR_RANGE outside 1900–2199 on any calendar', () => {
    const plain = createCalendar();
    caught('CALENDAR_RANGE', () => plain.isWorkingDay('1899-12-31'));
    caught('CALENDAR_RANGE', () => plain.isWorkingDay('2200-01-01'));
  });

  it('honours an explicit coverage', () => {
    const narrow: WorkCalendar = createCalendar({ coverage: { from: 2025, to: 2026 } });
    expect(narrow.coverage).toEqual({ from: 2025, to: 2026 });
    expect(narrow.isWorkingDay('2025-03-03')).toBe(true);
    const error = caught('CALENDAR_RANGE', () => narrow.isWorkingDay('2024-03-01'));
    expect(error.details.covered).toEqual({ from: 2025, to: 2026 });
  });
});

describe('notices on a calendar without coverage', () => {
  it('adds a notice without taking any year out of coverage', () => {
    const plain = createCalendar({ zone: 'Asia/Shanghai' });
    const notice2026 = CN_MAINLAND_NOTICES.find((n) => n.year === 2026)!;
    plain.addNotice({ ...notice2026, breaks: notice2026.breaks.map((b) => ({ ...b, workdays: [...b.workdays] })) });
    expect(plain.coverage).toBeNull();
    // 3 March 2025 is a Monday: still answered, by the weekly hours.
    expect(plain.isWorkingDay('2025-03-03')).toBe(true);
    // And the notice applies: Sat 10 Oct 2026 is a make-up working day.
    expect(plain.isWorkingDay('2026-10-10')).toBe(true);
  });
});

