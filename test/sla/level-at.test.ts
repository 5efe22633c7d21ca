import { describe, expect, it } from 'vitest';
import { createClock, levelAt, nextDueInstants, pauseClock, startClock, resumeClock, DEFAULT_SLA_POLICY } from '../../src/sla/index.js';
import { cnMainland } from '../../src/calendar/index.js';
import { MIN, bj, cn, def, local } from './_fixtures.js';

// Acceptance, registered Mon 2 Mar 2026 at 10:00: 240 working minutes.
// yellow at 160 min: 10:00–12:00 (120) + 13:30–14:10 (40); red at 15:30; overdue at the close of the
// next working day (Tue 17:30).
const acceptance = () => startClock(createClock(def('general', 'acceptance')), bj('2026-03-02T10:00'), cn);

describe('levelAt', () => {
  it('is green before the threshold', () => {
    expect(levelAt(acceptance(), bj('2026-03-02T14:09:59'), cn).level).toBe('green');
  });

  it('turns yellow when 2/3 of the budget is used, after the lunch break', () => {
    const r = levelAt(acceptance(), bj('2026-03-02T14:10'), cn);
    expect([r.level, r.usedMs / MIN, local(r.yellowAt)]).toEqual(['yellow', 160, '2026-03-02T14:10']);
  });

  it('turns red at the deadline instant (已到期)', () => {
    expect(levelAt(acceptance(), bj('2026-03-02T15:29:59.999'), cn).level).toBe('yellow');
    const r = levelAt(acceptance(), bj('2026-03-02T15:30'), cn);
    expect([r.level, r.remainingMs, local(r.deadline)]).toEqual(['red', 0, '2026-03-02T15:30']);
  });

  it('stays red through the night and the next working day, and turns overdue (超期) at its close', () => {
    // The grace is one working day counted 次日起算: it ends at the close of the working day after
    // the deadline's date, whatever the time of the deadline.
    const red = levelAt(acceptance(), bj('2026-03-03T17:29'), cn);
    expect([red.level, red.remainingMs / MIN]).toEqual(['red', -539]);
    const r = levelAt(acceptance(), bj('2026-03-03T17:30'), cn);
    expect([r.level, local(r.overdueAt)]).toEqual(['overdue', '2026-03-03T17:30']);
  });

  it('counts a workingDays grace from the deadline: close of the next working day, not 24 hours', () => {
    // Friday 16:00 + 4 wh = Monday 11:30; overdue after one more working day.
    const c = startClock(createClock(def('general', 'acceptance')), bj('2026-03-06T16:00'), cn);
    expect([local(levelAt(c, bj('2026-03-06T16:00'), cn).deadline), local(levelAt(c, bj('2026-03-06T16:00'), cn).overdueAt)]).toEqual([
      '2026-03-09T11:30', '2026-03-10T17:30',
    ]);
  });

  it('reads shares and budgets in working time', () => {
    const r = levelAt(acceptance(), bj('2026-03-02T12:45'), cn); // lunch: nothing used since 12:00
    expect([r.usedMs / MIN, r.budgetMs / MIN, r.share]).toEqual([120, 240, 0.5]);
  });

  it('reads a natural clock on 24×7 time whatever calendar is passed', () => {
    const c = startClock(createClock(def('immediate', 'response')), bj('2026-02-16T23:30'), cn); // 除夕 night
    const r = levelAt(c, bj('2026-02-17T01:30'), cn);
    expect([r.level, local(r.deadline), local(r.yellowAt), local(r.overdueAt)]).toEqual(['red', '2026-02-17T01:30', '2026-02-17T00:50', '2026-02-17T02:30']);
  });

  it('is green and empty for an idle clock', () => {
    const r = levelAt(createClock(def('general', 'acceptance')), bj('2026-03-02T10:00'), cn);
    expect([r.level, r.deadline, r.usedMs]).toEqual(['green', null, 0]);
  });
});

describe('nextDueInstants', () => {
  const ladder = DEFAULT_SLA_POLICY.escalation;
  const show = (ds: ReturnType<typeof nextDueInstants>) => ds.map((d) => `${d.kind === 'step' ? d.step.id : d.kind === 'level' ? d.level : 'open'}@${local(d.at)}`);

  it('lists level changes and held escalation steps in order', () => {
    expect(show(nextDueInstants(acceptance(), cn, { ladder }))).toEqual([
      'yellow@2026-03-02T14:10',
      'urgeOwner@2026-03-02T14:10',
      'red@2026-03-02T15:30',
      'urgeAndNotifyLeader@2026-03-02T15:30',
      'overdue@2026-03-03T17:30',
      // overdue + 1 wd = Wed 17:30, held to Thu 09:00; overdue + 5 wd = Tue 10 Mar 17:30, held.
      'superviseNormal@2026-03-05T09:00',
      'superviseYellow@2026-03-11T09:00',
    ]);
  });

  it('holds a step that falls outside working hours until the next working instant', () => {
        const c = startClock(createClock(def('general', 'conclusion')), bj('2026-03-06T16:00'), cn);
    // 3 wd: Mon 9, Tue 10, Wed 11 → Wed 17:30 deadline; the red step is held to Thu 09:00.
    const steps = show(nextDueInstants(c, cn, { ladder })).filter((s) => s.startsWith('urgeAndNotifyLeader'));
    expect(steps).toEqual(['urgeAndNotifyLeader@2026-03-12T09:00']);
  });

  it('has nothing beyond the pause of a paused clock, and everything shifted after resume', () => {
    const paused = pauseClock(acceptance(), bj('2026-03-02T11:00'), cn);
    expect(show(nextDueInstants(paused, cn, { ladder }))).toEqual([]);
    const resumed = resumeClock(paused, bj('2026-03-03T11:00'), cn);
    expect(show(nextDueInstants(resumed, cn, { ladder })).slice(0, 3)).toEqual(['yellow@2026-03-03T14:10', 'urgeOwner@2026-03-03T14:10', 'red@2026-03-03T15:30']);
  });

  it('skips levels already announced and steps already fired', () => {
    const c = { ...acceptance(), level: 'yellow' as const, firedSteps: ['urgeOwner'] };
    expect(show(nextDueInstants(c, cn, { ladder }))[0]).toBe('red@2026-03-02T15:30');
  });

  it('gives a scheduled clock its opening instant only', () => {
    const c = startClock(createClock(def('general', 'followUp90')), bj('2026-03-02T10:00'), cn);
    expect(show(nextDueInstants(c, cn, { ladder }))).toEqual(['open@2026-05-31T10:00']);
  });

  it('reads the same clock state again after a late holiday notice on the new calendar data', () => {
    // Marks are cached per state object: a notice must still move them (the calendar's revision).
    const calendar = cnMainland({ outOfRange: 'weekdays' });
    const c = startClock(createClock(def('general', 'conclusion')), bj('2026-12-30T10:00'), calendar);
    expect(local(levelAt(c, bj('2026-12-31T09:00'), calendar).deadline)).toBe('2027-01-04T17:30');
    calendar.addNotice({
      year: 2027, notice: '国办发明电〔2026〕X号', title: '国务院办公厅关于2027年部分节假日安排的通知', issued: '2026-12-30',
      breaks: [{ name: '元旦', nameEn: 'New Year', from: '2027-01-01', to: '2027-01-03', workdays: [] }],
    });
    expect(local(levelAt(c, bj('2026-12-31T09:00'), calendar).deadline)).toBe('2027-01-05T17:30');
  });
});
