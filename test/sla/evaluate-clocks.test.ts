import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA_POLICY_INPUT, evaluateClocks, parseSlaPolicy } from '../../src/sla/index.js';
import { CaseHarness } from './_harness.js';
import { bj, cn, local } from './_fixtures.js';

// General case accepted Mon 2 Mar 2026 09:00: budget Mon (420) + 3 × 420 = 1,680 min.
// yellow at 1,120 min: Mon 420, Tue 420 → 280 left on Wed: 09:00–12:00, then 13:30 + 100 = 15:10.
// red Thu 5 Mar 17:30, overdue Fri 6 Mar 17:30.
const accepted = () => new CaseHarness('general').on('register', '2026-03-02T08:50').on('accept', '2026-03-02T09:00');

describe('evaluateClocks', () => {
  it('announces each level once, with the instant it was reached', () => {
    const h = accepted().tick('2026-03-04T15:10').tick('2026-03-04T15:20').tick('2026-03-05T17:30').tick('2026-03-05T18:00');
    expect(h.fired('conclusion')).toEqual(['sla:warned conclusion @2026-03-04T15:10', 'sla:breached conclusion @2026-03-05T17:30']);
  });

  it('after downtime fires every missed transition and step once, not once per missed interval', () => {
    const h = accepted().tick('2026-03-31T10:00');
    expect(h.fired('conclusion')).toEqual([
      'sla:warned conclusion @2026-03-04T15:10',
      'sla:breached conclusion @2026-03-05T17:30',
      'sla:overdue conclusion @2026-03-06T17:30',
    ]);
    expect(h.steps('conclusion')).toEqual([
      'urgeOwner conclusion @2026-03-04T15:10',
      'urgeAndNotifyLeader conclusion @2026-03-06T09:00',
      'superviseNormal conclusion @2026-03-10T09:00',
      // overdue Fri 6 Mar 17:30 + 5 wd = Fri 13 Mar 17:30, held over the weekend
      'superviseYellow conclusion @2026-03-16T09:00',
    ]);
    h.tick('2026-03-31T10:00').tick('2026-04-30T10:00');
    expect([h.fired('conclusion').length, h.steps('conclusion').length]).toEqual([3, 4]);
  });

  it('holds the red step of a 17:30 deadline until 09:00 the next working day (no reminder at night)', () => {
    const h = accepted().tick('2026-03-05T17:30');
    expect(h.steps('conclusion')).toEqual(['urgeOwner conclusion @2026-03-04T15:10']);
    h.tick('2026-03-05T23:59');
    expect(h.steps('conclusion')).toHaveLength(1);
    h.tick('2026-03-06T09:00');
    expect(h.steps('conclusion').at(-1)).toBe('urgeAndNotifyLeader conclusion @2026-03-06T09:00');
  });

  it('returns the pending instants as timer rows and the earliest as the next wake-up', () => {
    const h = accepted();
    const timers = h.last?.timers.filter((t) => t.clockKey === 'conclusion').map((t) => `${t.key}@${local(t.dueAt)}`);
    expect(timers).toEqual([
      'conclusion:level:yellow@2026-03-04T15:10',
      'conclusion:step:urgeOwner@2026-03-04T15:10',
      'conclusion:level:red@2026-03-05T17:30',
      'conclusion:step:urgeAndNotifyLeader@2026-03-06T09:00',
      'conclusion:level:overdue@2026-03-06T17:30',
      'conclusion:step:superviseNormal@2026-03-10T09:00',
      'conclusion:step:superviseYellow@2026-03-16T09:00',
    ]);
    expect(local(h.last?.nextWakeAt ?? null)).toBe('2026-03-04T15:10');
  });

  it('has no timers and no steps for a stopped clock, but announces a breach that happened before the stop', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T08:50');
    // No tick for a week; the acceptance clock went red Mon 12:50 (4 wh from 08:50 → 09:00 + 240 min).
    h.on('accept', '2026-03-09T09:00');
    expect(h.fired('acceptance')).toEqual([
      'sla:warned acceptance @2026-03-02T11:40',
      'sla:breached acceptance @2026-03-02T14:30',
      'sla:overdue acceptance @2026-03-03T17:30',
    ]);
    expect([h.steps('acceptance'), h.clock('acceptance').concludedOverdue]).toEqual([[], true]);
    expect(h.last?.timers.some((t) => t.clockKey === 'acceptance')).toBe(false);
  });

  it('clears a level after an extension and announces it again at the new deadline', () => {
    const h = accepted().tick('2026-03-04T15:30').on('approveExtension', '2026-03-04T16:00', { workingDays: 2 });
    // Budget now 1,680 + 840 = 2,520 min; 2/3 = 1,680 min lands Thu 5 Mar 17:30 → green again.
    expect(h.transitions.map((t) => `${t.event} ${t.from}→${t.to}`)).toEqual(['sla:warned green→yellow', 'sla:cleared yellow→green']);
    h.tick('2026-03-10T09:00');
    expect(h.fired('conclusion').slice(2)).toEqual(['sla:warned conclusion @2026-03-05T17:30', 'sla:breached conclusion @2026-03-09T17:30']);
    expect(h.steps('conclusion').map((s) => s.split(' ')[0])).toEqual(['urgeOwner', 'urgeOwner', 'urgeAndNotifyLeader']);
  });

  it('does not take back an announced level when a stale process evaluates an earlier instant', () => {
    const h = accepted().tick('2026-03-05T18:00');
    const stale = evaluateClocks(h.sla, bj('2026-03-04T10:00'), h.ctx());
    expect([stale.transitions, stale.escalations, stale.clocks.clocks.conclusion?.level]).toEqual([[], [], 'red']);
  });

  it('deems a silent cooperating unit to consent at its deadline, without holding', () => {
    const h = accepted().on('dispatch', '2026-03-02T16:00', { assignmentId: 'a2', role: 'cooperating', unitId: 'housing' }).tick('2026-03-03T12:30');
    // 4 wh from Mon 16:00: Mon 90 min, Tue 09:00 + 150 min = 11:30.
    const e = h.escalations.find((x) => x.clockKey === 'a2.response');
    expect([e?.stepId, local(e?.dueAt ?? null), e?.actions]).toEqual(['deemConsent', '2026-03-03T11:30', [{ type: 'deemConsent' }]]);
  });

  it('opens a follow-up on its day and lets it turn yellow and red when left undone', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T08:50').on('conclude', '2026-03-06T10:00');
    expect(h.last?.timers.filter((t) => t.clockKey.startsWith('followUp')).map((t) => `${t.key}@${local(t.dueAt)}`)).toEqual(['followUp30:open:open@2026-04-05T10:00', 'followUp90:open:open@2026-06-04T10:00']);
    // Opens Sun 5 Apr (Qingming break 4–6 Apr): 5 wd = 7, 8, 9, 10, 13 Apr.
    h.tick('2026-04-20T10:00');
    expect(h.deadline('followUp30')).toBe('2026-04-13T17:30');
    expect(h.fired('followUp30').map((l) => l.split(' ')[0])).toEqual(['sla:warned', 'sla:breached', 'sla:overdue']);
  });
});

describe('held escalation steps wait for their recipients’ working hours', () => {
  // The street office works Saturday 7 Mar 2026; the centre (the official calendar) does not.
  const street = cn.derive({ id: 'unit.street', workingDays: ['2026-03-07'] });
  const yellowSteps = [
    { id: 'urgeOwner', on: 'yellow' as const, actions: [{ type: 'urge' as const, to: 'primaryOwner' as const }] },
    { id: 'tellCentre', on: 'yellow' as const, actions: [{ type: 'notify' as const, to: 'supervisingBody' as const }] },
    { id: 'both', on: 'yellow' as const, actions: [{ type: 'urge' as const, to: 'primaryOwner' as const }, { type: 'notify' as const, to: 'dispatcher' as const }] },
  ];
  const policy = parseSlaPolicy({ ...DEFAULT_SLA_POLICY_INPUT, escalation: yellowSteps });

  it('a unit clock urges its owner in the unit’s hours and tells the centre in the centre’s', () => {
    // Dispatched Fri 6 Mar 09:00: sign is due at the close of the unit's next working day, Sat 7 Mar
    // 17:30, a budget of Friday's 420 min + Saturday's 420; yellow at 2/3 of 840 = 560 min: all of
    // Friday, then 140 min into Saturday, 11:20.
    const h = new CaseHarness('general', { working: cn, forUnit: (u) => (u === 'u-street' ? street : undefined) }, policy)
      .on('register', '2026-03-06T08:40')
      .on('accept', '2026-03-06T08:50')
      .on('dispatch', '2026-03-06T09:00', { assignmentId: 'a1', role: 'lead', unitId: 'u-street' })
      .tick('2026-03-09T09:00');
    expect(h.deadline('a1.sign')).toBe('2026-03-07T17:30');
    expect(h.steps('a1.sign')).toEqual([
      'urgeOwner a1.sign @2026-03-07T11:20',
      // Saturday is no working day at the centre: held to Monday 09:00.
      'tellCentre a1.sign @2026-03-09T09:00',
      'both a1.sign @2026-03-09T09:00',
    ]);
  });
});
