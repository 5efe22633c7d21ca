import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import { DEFAULT_SLA_POLICY, applySlaEvent, emptySlaClocks } from '../../src/sla/index.js';
import { CaseHarness } from './_harness.js';
import { bj, cn, local } from './_fixtures.js';

describe('applySlaEvent', () => {
  it('starts the clocks whose policy listens to the event and reports the change', () => {
    const r = applySlaEvent(emptySlaClocks('general'), { type: 'register', at: bj('2026-03-02T10:00') }, { policy: DEFAULT_SLA_POLICY, calendars: { working: cn }, tier: 'general' });
    expect(r.changes.map((c) => [c.type, c.clockKey, local(c.deadline)])).toEqual([['started', 'acceptance', '2026-03-02T15:30']]);
    expect(r.clocks.log).toEqual([{ type: 'register', at: bj('2026-03-02T10:00').toISOString() }]);
  });

  it('ignores an event no clock listens to, but logs it', () => {
    const r = applySlaEvent(emptySlaClocks('general'), { type: 'contactRequester', at: bj('2026-03-02T10:00') }, { policy: DEFAULT_SLA_POLICY, calendars: { working: cn }, tier: 'general' });
    expect([r.changes, Object.keys(r.clocks.clocks), r.clocks.log.length]).toEqual([[], [], 1]);
  });

  it('is pure: the input clocks are not changed and the output is plain JSON', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T10:00');
    const before = JSON.stringify(h.sla);
    const r = applySlaEvent(h.sla, { type: 'accept', at: bj('2026-03-02T11:00') }, h.ctx());
    expect(JSON.stringify(h.sla)).toBe(before);
    expect(JSON.parse(JSON.stringify(r.clocks))).toEqual(r.clocks);
  });

  it('refuses an event earlier than the previous one', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T10:00');
    let error: unknown;
    try {
      applySlaEvent(h.sla, { type: 'accept', at: bj('2026-03-02T09:00') }, h.ctx());
    } catch (e) {
      error = e;
    }
    expect(isJiaobanError(error, 'VALIDATION')).toBe(true);
  });

  it('requires the approved working days on an event that extends a clock', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T10:00').on('accept', '2026-03-02T10:30');
    expect(() => applySlaEvent(h.sla, { type: 'approveExtension', at: bj('2026-03-03T10:00') }, h.ctx())).toThrow(/working days/);
  });

  it('starts one sign clock per assignment and a response clock for cooperating units only', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T09:00').on('accept', '2026-03-02T09:10')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'water' })
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a2', role: 'cooperating', unitId: 'housing' });
    expect(Object.keys(h.sla.clocks)).toEqual(['acceptance', 'conclusion', 'a1.sign', 'a2.sign', 'a2.response']);
    expect([h.deadline('a1.sign'), h.deadline('a2.response')]).toEqual(['2026-03-03T17:30', '2026-03-02T14:50']);
  });

  it('stops only the lead-role clocks on the lead sign and the signing assignment’s own sign clock', () => {
    const h = new CaseHarness('complex')
      .on('register', '2026-03-02T09:00').on('accept', '2026-03-02T09:10')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'water' })
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a2', role: 'cooperating', unitId: 'housing' })
      .on('sign', '2026-03-02T10:00', { assignmentId: 'a2', role: 'cooperating', unitId: 'housing' });
    expect([h.clock('leadDesignation').status, h.clock('a1.sign').status, h.clock('a2.sign').status]).toEqual(['running', 'running', 'stopped']);
    h.on('sign', '2026-03-02T11:00', { assignmentId: 'a1', role: 'lead', unitId: 'water' });
    expect([h.clock('leadDesignation').status, h.clock('leadDesignation').concludedOverdue, h.clock('a1.sign').status]).toEqual(['stopped', false, 'stopped']);
  });

  it('does not charge a unit whose return was approved, while the case clock keeps running', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T09:00').on('accept', '2026-03-02T09:10')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'water' })
      .on('requestReturn', '2026-03-02T10:00', { assignmentId: 'a1', role: 'lead' });
    expect(h.clock('a1.sign').status).toBe('paused');
    h.on('approveReturn', '2026-03-05T10:00', { assignmentId: 'a1', role: 'lead' });
    const sign = h.clock('a1.sign');
    expect([sign.status, sign.cancelled, sign.concludedOverdue]).toEqual(['stopped', true, false]);
    expect(h.clock('conclusion').status).toBe('running');
    h.tick('2026-03-20T10:00');
    expect(h.fired('a1.sign')).toEqual([]);
    expect(h.fired('conclusion')).toEqual([
      // budget: Mon 09:10–17:30 (410) + 3 × 420 = 1,670 min; 2/3 = 1,113:20 → Wed 15:13:20.
      'sla:warned conclusion @2026-03-04T15:13:20',
      'sla:breached conclusion @2026-03-05T17:30',
      'sla:overdue conclusion @2026-03-06T17:30',
    ]);
  });

  it('cancels the old lead’s clocks and starts the new lead’s on a transfer', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T09:00').on('accept', '2026-03-02T09:10')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'water' })
      .on('transfer', '2026-03-02T11:00', { assignmentId: 'a1', role: 'lead' })
      .on('transfer', '2026-03-02T11:00', { assignmentId: 'a2', role: 'lead', unitId: 'gas' });
    expect([h.clock('a1.sign').cancelled, h.clock('a2.sign').status, h.deadline('a2.sign')]).toEqual([true, 'running', '2026-03-03T17:30']);
  });

  it('pauses every listening assignment clock on a case-wide suspension', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T09:00').on('accept', '2026-03-02T09:10')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'water' })
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a2', role: 'cooperating', unitId: 'housing' })
      .on('approveSuspension', '2026-03-02T10:00');
    expect([h.clock('conclusion').status, h.clock('a2.response').status, h.clock('a1.sign').status]).toEqual(['paused', 'paused', 'running']);
  });

  it('cancels one assignment’s clocks on withdrawAssignment and leaves the others running', () => {
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T09:00').on('accept', '2026-03-02T09:10')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a2', role: 'cooperating', unitId: 'housing' })
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a3', role: 'cooperating', unitId: 'gas' })
      .on('withdrawAssignment', '2026-03-02T10:00', { assignmentId: 'a2', role: 'cooperating' });
    expect([h.clock('a2.response').cancelled, h.clock('a2.sign').cancelled, h.clock('a3.response').status]).toEqual([true, true, 'running']);
  });

  it('cancels every clock when the case is cancelled', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T09:00').on('cancel', '2026-03-02T09:30');
    expect([h.clock('acceptance').status, h.clock('acceptance').cancelled]).toEqual(['stopped', true]);
  });

  it('runs a unit clock on the unit’s own calendar when the host has one', () => {
    const closed = cn.derive({ id: 'unit.housing', closures: [{ from: '2026-03-03', to: '2026-03-03', reason: '搬迁' }] });
    const h = new CaseHarness('general', { working: cn, forUnit: (id) => (id === 'housing' ? closed : undefined) })
      .on('register', '2026-03-02T09:00').on('accept', '2026-03-02T09:10')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'housing' })
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a2', role: 'cooperating', unitId: 'water' });
    expect([h.deadline('a1.sign'), h.deadline('a2.sign'), h.deadline('conclusion')]).toEqual(['2026-03-04T17:30', '2026-03-03T17:30', '2026-03-05T17:30']);
  });

  it('records which follow-up a recordFollowUp concerns by clock name', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T09:00').on('conclude', '2026-03-06T10:00');
    expect([h.clock('followUp30').status, local(h.clock('followUp30').scheduledAt)]).toEqual(['scheduled', '2026-04-05T10:00']);
    h.tick('2026-04-07T10:00').on('recordFollowUp', '2026-04-08T10:00', { clock: 'followUp30' });
    expect([h.clock('followUp30').status, h.clock('followUp30').concludedOverdue, h.clock('followUp90').status]).toEqual(['stopped', false, 'scheduled']);
    expect(h.changes.filter((c) => c.type === 'opened').map((c) => `${c.clockKey}@${local(c.at)}`)).toEqual(['followUp30@2026-04-05T10:00']);
  });
});
