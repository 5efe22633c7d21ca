import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import {
  cancelClock, createClock, extendClock, isStale, levelAt, openClock, pauseClock, recomputeClock, resetClock, resumeClock,
  retargetClock, startClock, stopClock, type ClockState,
} from '../../src/sla/index.js';
import { MIN, bj, cn, def, local } from './_fixtures.js';

const conclusion = () => createClock(def('general', 'conclusion'));
const acceptance = () => createClock(def('general', 'acceptance'));

function validationOf(fn: () => unknown): string | null {
  try {
    fn();
  } catch (error) {
    if (isJiaobanError(error, 'VALIDATION')) return error.message;
    throw error;
  }
  return null;
}

describe('createClock', () => {
  it('makes an idle clock carrying the definition and the policy defaults', () => {
    const c = conclusion();
    expect([c.key, c.status, c.unit, c.target, c.redoTarget, c.overdueAfter, c.level]).toEqual(['conclusion', 'idle', 'workingDays', 3, 3, { workingDays: 1 }, 'green']);
    expect(c.threshold).toBeCloseTo(2 / 3);
  });

  it('keys an assignment clock by assignment and gives natural clocks a natural grace', () => {
    expect(createClock(def('general', 'sign', 'assignment'), { assignmentId: 'a2', role: 'lead', unitId: 'u1' }).key).toBe('a2.sign');
    expect(createClock(def('immediate', 'response')).overdueAfter).toEqual({ naturalMinutes: 60 });
  });
});

describe('startClock', () => {
  it('counts 3 working days from the next day (次日起算), to the close of the third', () => {
    const c = startClock(conclusion(), bj('2026-03-02T10:00'), cn);
    expect([c.status, local(c.startedAt), local(c.deadline), c.budgetMs / MIN]).toEqual(['running', '2026-03-02T10:00', '2026-03-05T17:30', 6 * 60 + 3 * 420]);
  });

  it('counts 4 working hours over the lunch break', () => {
    expect(local(startClock(acceptance(), bj('2026-03-02T10:00'), cn).deadline)).toBe('2026-03-02T15:30');
  });

  it('leaves a clock that is not idle unchanged: a start never restarts', () => {
    const c = startClock(conclusion(), bj('2026-03-02T10:00'), cn);
    expect(startClock(c, bj('2026-03-03T10:00'), cn)).toBe(c);
  });

  it('schedules a delayed clock and opens it at its instant, however late it is opened', () => {
    const scheduled = startClock(createClock(def('general', 'followUp30')), bj('2026-03-02T10:00'), cn);
    expect([scheduled.status, local(scheduled.scheduledAt), scheduled.startedAt]).toEqual(['scheduled', '2026-04-01T10:00', null]);
    const opened = openClock(scheduled, cn);
    expect([opened.status, local(opened.startedAt), local(opened.deadline)]).toEqual(['running', '2026-04-01T10:00', '2026-04-09T17:30']);
  });

  it('refuses an instant that is not a Date or an ISO instant with an offset', () => {
    expect(validationOf(() => startClock(conclusion(), '2026-03-02T10:00', cn))).toMatch(/offset/);
  });
});

describe('pauseClock / resumeClock', () => {
  const running = () => startClock(conclusion(), bj('2026-03-02T10:00'), cn);

  it('pauses a running clock and forgets the deadline until it resumes', () => {
    const p = pauseClock(running(), bj('2026-03-03T10:00'), cn);
    expect([p.status, p.deadline, p.pauses]).toEqual(['paused', null, [{ from: bj('2026-03-03T10:00').toISOString(), to: null }]]);
  });

  it('shifts the deadline by exactly the working time the pause covered', () => {
    // Paused Tue 10:00 → Wed 15:00: Tue 10–12, 13:30–17:30, Wed 9–12, 13:30–15:00 = 2 + 4 + 3 + 1.5 h
    // = 630 min. Thu 17:30 + 630 working min: Fri (420), Mon 09:00–12:00 (180), 13:30–14:00 (30).
    const r = resumeClock(pauseClock(running(), bj('2026-03-03T10:00'), cn), bj('2026-03-04T15:00'), cn);
    expect([r.status, local(r.deadline)]).toEqual(['running', '2026-03-09T14:00']);
  });

  it('keeps the level frozen while paused', () => {
    const p = pauseClock(running(), bj('2026-03-05T12:00'), cn); // yellow by then
    expect(levelAt(p, bj('2026-03-20T10:00'), cn).level).toBe('yellow');
  });

  it('ignores a pause of a paused clock and a resume of a running one', () => {
    const p = pauseClock(running(), bj('2026-03-03T10:00'), cn);
    expect(pauseClock(p, bj('2026-03-03T11:00'), cn)).toBe(p);
    const r = running();
    expect(resumeClock(r, bj('2026-03-03T11:00'), cn)).toBe(r);
  });

  it('refuses an event before the last recorded instant', () => {
    const p = pauseClock(running(), bj('2026-03-03T10:00'), cn);
    expect(validationOf(() => resumeClock(p, bj('2026-03-03T09:00'), cn))).toMatch(/time does not go backwards/);
  });
});

describe('stopClock / cancelClock', () => {
  const running = () => startClock(conclusion(), bj('2026-03-02T10:00'), cn);

  it('stops on time without the overdue flag', () => {
    const s = stopClock(running(), bj('2026-03-05T17:00'), cn);
    expect([s.status, s.concludedOverdue, local(s.deadline)]).toEqual(['stopped', false, '2026-03-05T17:30']);
  });

  it('flags a stop at or after the deadline as concluded overdue, for good', () => {
    const s = stopClock(running(), bj('2026-03-06T09:10'), cn);
    expect(s.concludedOverdue).toBe(true);
    expect(resetClock(s, bj('2026-03-07T10:00'), cn).concludedOverdue).toBe(true);
  });

  it('closes an open pause when a paused clock stops', () => {
    const s = stopClock(pauseClock(running(), bj('2026-03-03T10:00'), cn), bj('2026-03-10T10:00'), cn);
    expect([s.pauses[0]?.to, s.usedMs / MIN]).toEqual([bj('2026-03-10T10:00').toISOString(), 6 * 60 + 60]);
  });

  it('cancels without charging: never concluded overdue', () => {
    const c = cancelClock(running(), bj('2026-03-20T10:00'), cn);
    expect([c.status, c.cancelled, c.concludedOverdue]).toEqual(['stopped', true, false]);
  });

  it('reads a stopped clock at its stop', () => {
    const s = stopClock(running(), bj('2026-03-05T17:00'), cn);
    expect(levelAt(s, bj('2026-04-01T10:00'), cn).level).toBe('yellow');
  });
});

describe('resetClock', () => {
  const replied = () => stopClock(startClock(conclusion(), bj('2026-03-02T10:00'), cn), bj('2026-03-04T10:00'), cn);

  it('starts a new round with the same limit by default (重办)', () => {
    const r = resetClock(replied(), bj('2026-03-05T10:00'), cn);
    expect([r.status, r.round, local(r.startedAt), local(r.originalStartedAt), local(r.deadline), r.pauses]).toEqual([
      'running', 2, '2026-03-05T10:00', '2026-03-02T10:00', '2026-03-10T17:30', [],
    ]);
  });

  it('accepts a shorter limit and refuses a longer one', () => {
    expect(local(resetClock(replied(), bj('2026-03-05T10:00'), cn, { target: 2 }).deadline)).toBe('2026-03-09T17:30');
    expect(validationOf(() => resetClock(replied(), bj('2026-03-05T10:00'), cn, { target: 4 }))).toMatch(/not longer than 3/);
  });

  it('clears the extension and the announced levels of the old round', () => {
    const late: ClockState = { ...extendClock(startClock(conclusion(), bj('2026-03-02T10:00'), cn), 2, cn), level: 'red', firedSteps: ['urgeOwner'] };
    const r = resetClock(late, bj('2026-03-12T10:00'), cn);
    expect([r.extension, r.extensionDays, r.level, r.firedSteps]).toEqual([0, 0, 'green', []]);
  });
});

describe('extendClock', () => {
  const running = () => startClock(conclusion(), bj('2026-03-02T10:00'), cn);

  it('adds the approved working days to the target: remaining = target + approved − used', () => {
    const e = extendClock(running(), 2, cn);
    expect([e.extensionDays, local(e.deadline)]).toEqual([2, '2026-03-09T17:30']);
    const reading = levelAt(e, bj('2026-03-04T10:00'), cn);
    expect(reading.remainingMs).toBe(levelAt(running(), bj('2026-03-04T10:00'), cn).remainingMs + 2 * 420 * MIN);
  });

  it('adds up several extensions and never restarts the clock', () => {
    const e = extendClock(extendClock(running(), 1, cn), 1, cn);
    expect([local(e.startedAt), e.extensionDays, local(e.deadline)]).toEqual(['2026-03-02T10:00', 2, '2026-03-09T17:30']);
  });

  it('converts days to 7 working hours on a minute clock', () => {
    const e = extendClock(startClock(acceptance(), bj('2026-03-02T10:00'), cn), 1, cn);
    expect([e.extension, local(e.deadline)]).toEqual([420, '2026-03-03T15:30']);
  });

  it('leaves a stopped clock alone and refuses a non-whole number of days', () => {
    const s = stopClock(running(), bj('2026-03-03T10:00'), cn);
    expect(extendClock(s, 2, cn)).toBe(s);
    expect(validationOf(() => extendClock(running(), 1.5, cn))).toMatch(/whole number/);
  });
});

describe('retargetClock / recomputeClock', () => {
  it('measures the new target from the original start, retroactively', () => {
    const r = retargetClock(startClock(conclusion(), bj('2026-03-02T10:00'), cn), { target: 10 }, cn);
    expect([local(r.startedAt), local(r.deadline)]).toEqual(['2026-03-02T10:00', '2026-03-16T17:30']);
  });

  it('recomputes on a calendar that changed and reports staleness by id and revision', () => {
    const c = startClock(conclusion(), bj('2026-03-02T10:00'), cn);
    const unit = cn.derive({ id: 'unit.closed', closures: [{ from: '2026-03-04', to: '2026-03-04', reason: '停电' }] });
    expect([isStale(c, cn), isStale(c, unit)]).toEqual([false, true]);
    expect(local(recomputeClock(c, unit).deadline)).toBe('2026-03-06T17:30');
  });
});
