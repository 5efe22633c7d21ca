/**
 * SLA scenarios on the official 2026 calendar. Every expected instant below was counted by hand
 * from the facts written next to it (working hours 09:00–12:00 and 13:30–17:30; Spring Festival
 * break 15–23 Feb with make-up Saturdays 14 and 28 Feb; National Day 1–7 Oct with make-up Sunday
 * 20 Sep and Saturday 10 Oct; Qingming 4–6 Apr), not copied from the code's output.
 */
import { describe, expect, it } from 'vitest';
import { cnMainland } from '../../src/calendar/index.js';
import { DEFAULT_SLA_POLICY_INPUT, levelAt, parseSlaPolicy } from '../../src/sla/index.js';
import { SimulatedClock } from '../../src/testing/simulated-clock.js';
import { CaseHarness, board } from './_harness.js';
import { bj, cn, local } from './_fixtures.js';

describe('Spring Festival 2026', () => {
  it('a general case registered the Friday before the break is accepted on the make-up Saturday', () => {
    // 4 wh from Fri 13 Feb 16:10: Fri 16:10–17:30 (80) + Sat 14 Feb 09:00–11:40 (160).
    const h = new CaseHarness('general').on('register', '2026-02-13T16:10');
    expect(h.deadline('acceptance')).toBe('2026-02-14T11:40');
    h.on('accept', '2026-02-14T09:30');
    // Accepted at 09:30, before the yellow mark (2/3 = 160 min → Sat 10:20): never warned.
    expect([h.clock('acceptance').concludedOverdue, h.fired('acceptance'), h.clock('acceptance').status]).toEqual([false, [], 'stopped']);
    // 3 wd 次日起算 after Sat 14 Feb: Tue 24, Wed 25, Thu 26 (15–23 Feb is the break).
    expect(h.deadline('conclusion')).toBe('2026-02-26T17:30');
  });

  it('walks the board day by day through the break with a simulated clock', () => {
    const h = new CaseHarness('general').on('register', '2026-02-13T16:10').on('accept', '2026-02-14T09:30');
    const clock = new SimulatedClock(bj('2026-02-14T18:00'));
    const days: string[] = [];
    for (let i = 0; i < 15; i += 1) {
      h.tick(local(clock.now()) ?? '');
      days.push(`${local(clock.now())?.slice(5, 10)} ${h.clock('conclusion').level}`);
      clock.advance({ days: 1 });
    }
    // budget: Sat 09:30–17:30 (390) + 3 × 420 = 1,650 min; yellow at 1,100: Sat 390, Tue 24 420,
    // Wed 25 09:00–12:00 (180) and 13:30–15:20 (110). Red Thu 26 17:30; overdue Fri 27 17:30.
    expect(days).toEqual([
      '02-14 green', '02-15 green', '02-16 green', '02-17 green', '02-18 green', '02-19 green', '02-20 green',
      '02-21 green', '02-22 green', '02-23 green', '02-24 green', '02-25 yellow', '02-26 red', '02-27 overdue', '02-28 overdue',
    ]);
    expect(h.fired('conclusion')).toEqual([
      'sla:warned conclusion @2026-02-25T15:20',
      'sla:breached conclusion @2026-02-26T17:30',
      'sla:overdue conclusion @2026-02-27T17:30',
    ]);
    expect(h.steps('conclusion')).toEqual([
      'urgeOwner conclusion @2026-02-25T15:20',
      'urgeAndNotifyLeader conclusion @2026-02-27T09:00',
    ]);
    h.tick('2026-03-06T09:00');
    expect(h.steps('conclusion').slice(2)).toEqual([
      // overdue Fri 27 17:30 + 1 wd = Sat 28 (make-up) 17:30, held to Mon 2 Mar 09:00.
      'superviseNormal conclusion @2026-03-02T09:00',
      // overdue + 5 wd: Sat 28 Feb, Mon 2, Tue 3, Wed 4, Thu 5 Mar 17:30 → held to Fri 6 Mar 09:00.
      'superviseYellow conclusion @2026-03-06T09:00',
    ]);
  });

  it('an immediate case on New Year’s Eve night runs on natural hours and urges at night', () => {
    // 除夕 Mon 16 Feb 23:30: response 2 natural hours → Tue 01:30; yellow at 80 min → 00:50;
    // overdue an hour after the deadline → 02:30.
    const h = new CaseHarness('immediate').on('register', '2026-02-16T23:30').tick('2026-02-17T03:00');
    expect(h.deadline('response')).toBe('2026-02-17T01:30');
    expect(h.fired('response')).toEqual([
      'sla:warned response @2026-02-17T00:50',
      'sla:breached response @2026-02-17T01:30',
      'sla:overdue response @2026-02-17T02:30',
    ]);
    expect(h.steps('response')).toEqual(['urgeOwner response @2026-02-17T00:50', 'urgeAndNotifyLeader response @2026-02-17T01:30']);
    // Supervision is held for the supervising body's working days: overdue Tue 17 02:30 + 1 wd =
    // close of the first working day after 17 Feb = Tue 24 17:30 → Wed 25 09:00.
    h.tick('2026-02-25T09:00');
    expect(h.steps('response').at(-1)).toBe('superviseNormal response @2026-02-25T09:00');
    expect(h.deadline('firstFeedback')).toBe('2026-02-17T23:30');
  });

  it('an immediate case whose lead unit signs within two hours is warned but never breached', () => {
    const h = new CaseHarness('immediate')
      .on('register', '2026-02-16T23:30')
      .on('acceptAndDispatch', '2026-02-16T23:40', { assignmentId: 'a1', role: 'lead', unitId: 'fire' })
      .tick('2026-02-17T00:55')
      .on('sign', '2026-02-17T01:00', { assignmentId: 'a1', role: 'lead', unitId: 'fire' })
      .tick('2026-02-18T12:00');
    expect([h.clock('response').status, h.clock('response').concludedOverdue, h.fired('response')]).toEqual([
      'stopped', false, ['sla:warned response @2026-02-17T00:50'],
    ]);
  });

  it('a suspension across the break moves the deadline only by the working time it covered', () => {
    // Accepted Thu 12 Feb 10:00: 3 wd → Fri 13, Sat 14 (make-up), Tue 24 → Tue 24 Feb 17:30.
    const h = new CaseHarness('general').on('register', '2026-02-12T09:00').on('accept', '2026-02-12T10:00');
    expect(h.deadline('conclusion')).toBe('2026-02-24T17:30');
    // Suspended Fri 13 12:00 → Wed 25 09:00: it covered Fri 13:30–17:30 (240), Sat 14 (420) and
    // Tue 24 (420) = 1,080 working minutes; the nine break days cover none.
    h.on('approveSuspension', '2026-02-13T12:00');
    expect([h.clock('conclusion').status, h.deadline('conclusion')]).toEqual(['paused', null]);
    h.tick('2026-02-24T18:00');
    expect(h.clock('conclusion').level).toBe('green');
    h.on('resume', '2026-02-25T09:00');
    // Remaining 1,080 from Wed 25 09:00: Wed (420), Thu (420), Fri 27 09:00–12:00 (180) + 13:30–14:30.
    expect(h.deadline('conclusion')).toBe('2026-02-27T14:30');
    // Yellow at 1,080 of 1,620 used: 540 used before the pause; 540 more = Wed (420) + Thu 09:00–11:00.
    expect(local(levelAt(h.clock('conclusion'), bj('2026-02-25T09:00'), cn).yellowAt)).toBe('2026-02-26T11:00');
  });
});

describe('suspension after the deadline', () => {
  it('freezes the way from red to overdue and to supervision, and continues it on resume', () => {
    // Accepted Mon 2 Mar 09:00: red Thu 5 Mar 17:30; the grace is Fri 6 Mar (420 working minutes).
    const h = new CaseHarness('general').on('register', '2026-03-02T08:50').on('accept', '2026-03-02T09:00');
    h.on('approveSuspension', '2026-03-06T10:00').tick('2026-03-09T17:00');
    expect([h.clock('conclusion').level, h.fired('conclusion').at(-1)]).toEqual(['red', 'sla:breached conclusion @2026-03-05T17:30']);
    expect(h.steps('conclusion').map((s) => s.split(' ')[0])).toEqual(['urgeOwner', 'urgeAndNotifyLeader']);
    // 60 grace minutes used before the pause; 360 left from Tue 10 Mar 09:00: 09:00–12:00, 13:30–16:30.
    h.on('resume', '2026-03-10T09:00').tick('2026-03-10T17:00');
    expect(h.fired('conclusion').at(-1)).toBe('sla:overdue conclusion @2026-03-10T16:30');
  });
});

describe('National Day 2026', () => {
  it('counts the make-up Saturday 10 Oct as the third working day after 30 Sep', () => {
    // 4 wh from Wed 30 Sep 16:30: 60 min that day, then Thu 8 Oct 09:00–12:00 → stays at 12:00.
    const h = new CaseHarness('general').on('register', '2026-09-30T16:30');
    expect(h.deadline('acceptance')).toBe('2026-10-08T12:00');
    h.on('accept', '2026-09-30T16:45');
    expect(h.deadline('conclusion')).toBe('2026-10-10T17:30');
    h.on('reply', '2026-10-10T16:00').tick('2026-10-12T10:00');
    // budget 16:45–17:30 (45) + 3 × 420 = 1,305; 2/3 = 870: 45, Thu 8 (420), Fri 9 09:00–12:00 (180)
    // and 13:30–17:15 (225).
    expect([h.clock('conclusion').concludedOverdue, h.fired('conclusion')]).toEqual([false, ['sla:warned conclusion @2026-10-09T17:15']]);
  });

  it('makes the make-up Sunday 20 Sep the sign deadline of a Friday dispatch', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-09-18T14:00').on('accept', '2026-09-18T15:00')
      .on('dispatch', '2026-09-18T16:00', { assignmentId: 'a1', role: 'lead', unitId: 'water' });
    expect(h.deadline('a1.sign')).toBe('2026-09-20T17:30');
    h.tick('2026-09-21T09:00');
    // Red Sun 20 Sep 17:30; the red step is held to the next working instant, Mon 21 09:00.
    // Yellow: budget Fri 16:00–17:30 (90) + Sun 420 = 510; 2/3 = 340 → Sun 09:00–12:00, 13:30–14:40.
    expect(h.steps('a1.sign')).toEqual(['urgeOwner a1.sign @2026-09-20T14:40', 'urgeAndNotifyLeader a1.sign @2026-09-21T09:00']);
  });
});

describe('lunch breaks and weekends', () => {
  it('turns yellow exactly at 12:00 when 2/3 of the budget ends with the morning', () => {
    // 4 wh from Mon 2 Mar 09:20; 2/3 = 160 min → 12:00, the end of the morning interval.
    const h = new CaseHarness('general').on('register', '2026-03-02T09:20');
    expect([board(h, bj('2026-03-02T11:59'), ['acceptance']), board(h, bj('2026-03-02T12:00'), ['acceptance'])]).toEqual([
      { acceptance: 'green' }, { acceptance: 'yellow' },
    ]);
    // Deadline: 09:20–12:00 (160) + 13:30–14:50 (80).
    expect(h.deadline('acceptance')).toBe('2026-03-02T14:50');
  });

  it('spans a weekend: 4 wh from Friday 16:00 end Monday 11:30', () => {
    const h = new CaseHarness('general').on('register', '2026-03-06T16:00').tick('2026-03-07T12:00');
    expect([h.deadline('acceptance'), h.clock('acceptance').level]).toEqual(['2026-03-09T11:30', 'green']);
  });
});

describe('extension, redo and tier change', () => {
  it('an extension approved before the deadline lets a reply on the new deadline count as on time', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T09:30').on('accept', '2026-03-02T10:00');
    expect(h.deadline('conclusion')).toBe('2026-03-05T17:30');
    h.on('requestExtension', '2026-03-04T10:00').on('approveExtension', '2026-03-04T16:00', { workingDays: 2 });
    // remaining = 3 + 2 − used: two more working days, Fri 6 and Mon 9 Mar.
    expect([h.deadline('conclusion'), h.clock('conclusion').extensionDays, local(h.clock('conclusion').startedAt)]).toEqual([
      '2026-03-09T17:30', 2, '2026-03-02T10:00',
    ]);
    h.on('reply', '2026-03-09T17:00');
    expect(h.clock('conclusion').concludedOverdue).toBe(false);
  });

  it('a redo after a dissatisfied evaluation starts a new handling round with the same limit', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T09:30').on('accept', '2026-03-02T10:00')
      .on('reply', '2026-03-04T10:00').on('approveReply', '2026-03-04T15:00');
    expect([h.clock('review').status, h.deadline('revisit')]).toEqual(['stopped', '2026-03-05T17:30']);
    h.on('evaluate', '2026-03-05T09:30').on('redo', '2026-03-05T10:00');
    const c = h.clock('conclusion');
    // New round from Thu 5 Mar 10:00: Fri 6, Mon 9, Tue 10 → Tue 10 Mar 17:30.
    expect([c.round, c.status, local(c.startedAt), local(c.originalStartedAt), h.deadline('conclusion')]).toEqual([
      2, 'running', '2026-03-05T10:00', '2026-03-02T10:00', '2026-03-10T17:30',
    ]);
    h.on('reply', '2026-03-10T11:00');
    expect([h.clock('review').round, h.deadline('review')]).toEqual([2, '2026-03-11T17:30']);
  });

  it('a policy may give a redo a shorter limit', () => {
    const policy = parseSlaPolicy({
      ...DEFAULT_SLA_POLICY_INPUT,
      tiers: {
        ...DEFAULT_SLA_POLICY_INPUT.tiers,
        general: { clocks: [{ name: 'conclusion', scope: 'case', unit: 'workingDays', target: 3, startOn: ['accept'], stopOn: ['reply'], resetOn: ['redo'], redo: { target: 2 } }] },
      },
    });
    const h = new CaseHarness('general', { working: cn }, policy).on('accept', '2026-03-02T10:00').on('reply', '2026-03-04T10:00').on('redo', '2026-03-05T10:00');
    expect(h.deadline('conclusion')).toBe('2026-03-09T17:30');
  });

  it('a change from general to complex recomputes from the original acceptance, retroactively', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T09:30').on('accept', '2026-03-02T10:00')
      .on('dispatch', '2026-03-02T10:30', { assignmentId: 'a1', role: 'lead', unitId: 'water' })
      .on('sign', '2026-03-02T14:00', { assignmentId: 'a1', role: 'lead', unitId: 'water' })
      .tick('2026-03-06T09:00');
    expect(h.clock('conclusion').level).toBe('red');
    h.tier = 'complex';
    h.on('changeTier', '2026-03-06T10:00');
    expect(h.clock('conclusion').cancelled).toBe(true);
    // leadDesignation replayed: accept Mon 10:00, lead sign Mon 14:00 → stopped on time.
    expect([h.clock('leadDesignation').status, h.clock('leadDesignation').concludedOverdue]).toEqual(['stopped', false]);
    // solution: 10 wd after Mon 2 Mar: 3, 4, 5, 6, 9, 10, 11, 12, 13, 16 → Mon 16 Mar 17:30.
    expect([h.deadline('solution'), local(h.clock('solution').startedAt), h.clock('solution').level]).toEqual(['2026-03-16T17:30', '2026-03-02T10:00', 'green']);
    expect(h.sla.tier).toBe('complex');
  });

  it('a change from complex to general can make a case overdue at once, and says when each level was reached', () => {
    const h = new CaseHarness('complex').on('register', '2026-03-02T09:30').on('accept', '2026-03-02T10:00').tick('2026-03-09T09:00');
    // leadDesignation: budget Mon 10:00–17:30 (360) + 420 = 780; 2/3 = 520 → Tue 09:00 + 160 min = 11:40.
    expect(h.fired()).toEqual(['sla:warned leadDesignation @2026-03-03T11:40', 'sla:breached leadDesignation @2026-03-03T17:30', 'sla:overdue leadDesignation @2026-03-04T17:30']);
    h.tier = 'general';
    h.on('changeTier', '2026-03-09T10:00');
    // conclusion replayed from Mon 2 Mar 10:00: budget 360 + 1,260; yellow at 1,080 → Wed 4 Mar 15:30;
    // red Thu 5 Mar 17:30; overdue Fri 6 Mar 17:30.
    expect(h.fired('conclusion')).toEqual([
      'sla:warned conclusion @2026-03-04T15:30',
      'sla:breached conclusion @2026-03-05T17:30',
      'sla:overdue conclusion @2026-03-06T17:30',
    ]);
    // overdue + 1 wd = Mon 9 Mar 17:30 → held to Tue 09:00: not yet due at Mon 10:00.
    expect(h.steps('conclusion')).toEqual(['urgeOwner conclusion @2026-03-04T15:30', 'urgeAndNotifyLeader conclusion @2026-03-06T09:00']);
  });
});

describe('tier changes without surprises', () => {
  it('an immediate case re-tiered to general gets its conclusion clock from the acceptAndDispatch instant', () => {
    const h = new CaseHarness('immediate')
      .on('register', '2026-03-02T09:00')
      .on('acceptAndDispatch', '2026-03-02T09:10', { assignmentId: 'a1', role: 'lead', unitId: 'water' });
    h.tier = 'general';
    h.on('changeTier', '2026-03-02T11:00');
    // 3 wd after Mon 2 Mar: Tue 3, Wed 4, Thu 5.
    expect([local(h.clock('conclusion').startedAt), h.deadline('conclusion')]).toEqual(['2026-03-02T09:10', '2026-03-05T17:30']);
    expect([h.clock('response').cancelled, h.clock('firstFeedback').cancelled]).toEqual([true, true]);
  });

  it('reports only the clocks a tier change actually moved', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T09:00').on('accept', '2026-03-02T09:10')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'water' });
    const before = h.changes.length;
    h.tier = 'complex';
    h.on('changeTier', '2026-03-02T10:00');
    expect(h.changes.slice(before).map((c) => `${c.type} ${c.clockKey}`)).toEqual([
      'cancelled conclusion', 'started leadDesignation', 'started solution',
    ]);
  });
});

describe('a late holiday notice', () => {
  it('recomputes pending deadlines when the calendar’s revision changes', () => {
    const calendar = cnMainland({ outOfRange: 'weekdays' });
    const h = new CaseHarness('general', { working: calendar }).on('register', '2026-12-30T09:30').on('accept', '2026-12-30T10:00');
    // No 2027 data yet: Thu 31 Dec, Fri 1 Jan, Mon 4 Jan.
    expect(h.deadline('conclusion')).toBe('2027-01-04T17:30');
    calendar.addNotice({
      year: 2027, notice: '国办发明电〔2026〕X号', title: '国务院办公厅关于2027年部分节假日安排的通知', issued: '2026-12-30',
      breaks: [{ name: '元旦', nameEn: 'New Year', from: '2027-01-01', to: '2027-01-03', workdays: [] }],
    });
    h.tick('2026-12-31T09:00');
    // With 1 Jan off: Thu 31 Dec, Mon 4, Tue 5 Jan.
    expect(h.deadline('conclusion')).toBe('2027-01-05T17:30');
    expect(h.changes.filter((c) => c.type === 'recomputed').map((c) => `${c.clockKey} → ${local(c.deadline)}`)).toEqual(['conclusion → 2027-01-05T17:30']);
    expect(h.clock('conclusion').calendar).toEqual({ id: calendar.id, revision: calendar.revision });
  });

  it('leaves a stopped clock as it was judged when it stopped', () => {
    const calendar = cnMainland({ outOfRange: 'weekdays' });
    const h = new CaseHarness('general', { working: calendar }).on('register', '2026-12-30T09:30').on('accept', '2026-12-30T10:00');
    // Replied Mon 4 Jan 18:00, after the deadline of the day (Mon 4 Jan 17:30): concluded overdue.
    h.on('reply', '2027-01-04T18:00');
    expect(h.clock('conclusion').concludedOverdue).toBe(true);
    calendar.addNotice({
      year: 2027, notice: '国办发明电〔2026〕X号', title: '国务院办公厅关于2027年部分节假日安排的通知', issued: '2027-01-05',
      breaks: [{ name: '元旦', nameEn: 'New Year', from: '2027-01-01', to: '2027-01-03', workdays: [] }],
    });
    h.tick('2027-01-05T09:00');
    expect([h.clock('conclusion').concludedOverdue, h.deadline('conclusion'), h.clock('conclusion').finalLevel]).toEqual([true, '2027-01-04T17:30', 'red']);
  });
});
