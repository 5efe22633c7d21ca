/**
 * SLA scenarios through `runScenario` and `engine.tick`, with deadlines counted by hand.
 * Working hours 09:00–12:00, 13:30–17:30 Beijing (420 min a day); Beijing = UTC+8.
 * Spring Festival 2026: off 15–23 Feb, make-up Sat 14 Feb and Sat 28 Feb.
 * National Day 2026: off 1–7 Oct, make-up Sun 20 Sep and Sat 10 Oct.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario, type ScenarioResult } from '../../src/testing/index.js';
import { COOP, LEAD, dispatch, reg, sign } from './_scenario-fixtures.js';

function failures(r: ScenarioResult): string[] {
  return r.results.filter((x) => !x.pass).map((x) => `${x.at} ${x.message}`);
}

async function passes(s: Scenario): Promise<ScenarioResult> {
  const r = await runScenario(s);
  expect(failures(r)).toEqual([]);
  expect(r.results.length).toBe(s.expect?.length ?? 0);
  return r;
}

describe('general tier', () => {
  it('the Friday before Spring Festival: warned, breached, escalated and supervised at the hand-counted minutes', async () => {
    // Registered Fri 13 Feb 16:10: acceptance 4 wh = Fri 16:10–17:30 (80) + Sat 14 Feb (make-up) 09:00–11:40 → Sat 11:40.
    // Accepted Sat 14 Feb 09:30: conclusion 3 wd 次日起算 after 14 Feb = 24, 25, 26 Feb → Thu 26 Feb 17:30.
    // Budget Sat 09:30–17:30 (390) + 3 × 420 = 1,650; yellow at 1,100: Sat 390 + Tue 24 420 = 810, Wed +290 → 09:00+180=12:00, 13:30+110 = 15:20.
    // Red 26 Feb 17:30; red step held → Fri 27 09:00; overdue = close of next working day Fri 27 17:30;
    // +1 wd (Sat 28 make-up) → Sat 28 17:30, held → Mon 2 Mar 09:00 supervision normal;
    // +5 wd (28 Feb, 2, 3, 4, 5 Mar) → Thu 5 Mar 17:30, held → Fri 6 Mar 09:00 supervision yellow.
    await passes({
      start: '2026-02-13T08:10:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '2026-02-14T01:30:00Z', by: 'intake', command: { type: 'accept' } },
          { at: '+10m', by: 'dispatcher', command: dispatch() },
          { at: '+10m', by: `unit:${LEAD}`, command: sign() },
        ],
      }],
      expect: [
        { at: '+0m', case: 'c1', clock: 'acceptance', deadline: '2026-02-14T03:40:00Z', level: 'green' },
        { at: '2026-02-14T01:30:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-02-26T09:30:00Z' },
        { at: '2026-02-25T07:19:00Z', case: 'c1', event: 'sla:warned', clock: 'conclusion', fired: false },
        { at: '2026-02-25T07:20:00Z', case: 'c1', event: 'sla:warned', clock: 'conclusion' },
        { at: '2026-02-25T07:20:00Z', case: 'c1', event: 'sla:escalated', step: 'urgeOwner' },
        { at: '2026-02-26T09:30:00Z', case: 'c1', clock: 'conclusion', level: 'red' },
        { at: '2026-02-27T00:59:00Z', case: 'c1', event: 'sla:escalated', step: 'urgeAndNotifyLeader', fired: false },
        { at: '2026-02-27T01:00:00Z', case: 'c1', event: 'sla:escalated', step: 'urgeAndNotifyLeader' },
        { at: '2026-02-27T09:29:00Z', case: 'c1', clock: 'conclusion', level: 'red' },
        { at: '2026-02-27T09:30:00Z', case: 'c1', clock: 'conclusion', level: 'overdue' },
        { at: '2026-03-02T00:59:00Z', case: 'c1', supervision: 'none' },
        { at: '2026-03-02T01:00:00Z', case: 'c1', supervision: 'normal' },
        { at: '2026-03-06T00:59:00Z', case: 'c1', supervision: 'normal' },
        { at: '2026-03-06T01:00:00Z', case: 'c1', supervision: 'yellow', caseLevel: 'overdue' },
      ],
    });
  });

  it('suspension across the Spring Festival break pauses only the working time it covers', async () => {
    // Accepted Thu 12 Feb 10:00: 3 wd after 12 Feb = 13, 14 (make-up), 24 → Tue 24 Feb 17:30.
    // Suspended Fri 13 Feb 12:00, resumed Wed 25 Feb 09:00: the pause covers Fri 13:30–17:30 (240),
    // Sat 14 (420) and Tue 24 (420) = 1,080 working minutes; the break counts nothing.
    // New deadline = Tue 24 17:30 + 1,080 wm = Wed (420) + Thu (420) + Fri 09:00–12:00, 13:30–14:30 → Fri 27 Feb 14:30.
    await passes({
      start: '2026-02-12T02:00:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '+0m', by: 'intake', command: { type: 'accept' } },
          { at: '+5m', by: 'dispatcher', command: dispatch() },
          { at: '+5m', by: `unit:${LEAD}`, command: sign() },
          { at: '2026-02-13T03:30:00Z', by: `unit:${LEAD}`, command: { type: 'requestSuspension', reason: 'awaitingThirdParty', explanation: '等待供电部门' } },
          { at: '2026-02-13T04:00:00Z', by: 'dutyChief', command: { type: 'approveSuspension' } },
          { at: '2026-02-25T01:00:00Z', by: 'dutyChief', command: { type: 'resume' } },
        ],
      }],
      expect: [
        { at: '2026-02-12T02:10:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-02-24T09:30:00Z' },
        { at: '2026-02-20T00:00:00Z', case: 'c1', clock: 'conclusion', deadline: null },
        { at: '2026-02-24T10:00:00Z', case: 'c1', event: 'sla:breached', fired: false },
        { at: '2026-02-25T01:00:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-02-27T06:30:00Z' },
        { at: '2026-02-27T06:30:00Z', case: 'c1', event: 'sla:breached', clock: 'conclusion' },
      ],
    });
  });

  it('an approved extension adds working days without restarting the clock', async () => {
    // Accepted Mon 2 Mar 09:30: 3 wd → Thu 5 Mar 17:30. +2 wd approved Wed 4 Mar → Mon 9 Mar 17:30.
    await passes({
      start: '2026-03-02T01:30:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '+0m', by: 'intake', command: { type: 'accept' } },
          { at: '+5m', by: 'dispatcher', command: dispatch() },
          { at: '+5m', by: `unit:${LEAD}`, command: sign() },
          { at: '2026-03-04T02:00:00Z', by: `unit:${LEAD}`, command: { type: 'requestExtension', reason: '等待配件', workingDays: 2 } },
          { at: '+30m', by: 'dutyChief', command: { type: 'approveExtension' } },
        ],
      }],
      expect: [
        { at: '2026-03-02T01:40:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-03-05T09:30:00Z' },
        { at: '2026-03-04T02:30:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-03-09T09:30:00Z' },
        { at: '2026-03-05T09:30:00Z', case: 'c1', event: 'sla:breached', fired: false },
        { at: '2026-03-09T09:30:00Z', case: 'c1', event: 'sla:breached', clock: 'conclusion' },
      ],
    });
  });

  it('an extension requested after the SLA deadline is refused and changes nothing', async () => {
    const r = await passes({
      start: '2026-03-02T01:30:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '+0m', by: 'intake', command: { type: 'accept' } },
          { at: '+5m', by: 'dispatcher', command: dispatch() },
          { at: '+5m', by: `unit:${LEAD}`, command: sign() },
          { at: '2026-03-05T09:30:00Z', by: `unit:${LEAD}`, command: { type: 'requestExtension', reason: '来不及', workingDays: 2 }, rejects: 'INVALID_TRANSITION' },
        ],
      }],
      expect: [{ at: '2026-03-05T09:30:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-03-05T09:30:00Z', level: 'red' }],
    });
    expect(r.timeline.some((t) => t.kind === 'rejected' && t.detail === 'INVALID_TRANSITION')).toBe(true);
  });

  it('lunch breaks and weekends: 4 working hours skip 12:00–13:30 and the weekend', async () => {
    // Mon 9 Mar 10:00: 10:00–12:00 (120) + 13:30–15:30 (120) → 15:30; yellow at 160 → 14:10.
    // Fri 6 Mar 15:00: Fri 15:00–17:30 (150) + Mon 09:00–10:30 (90) → Mon 9 Mar 10:30; yellow at 160 → Mon 09:10.
    await passes({
      start: '2026-03-06T07:00:00Z',
      cases: [
        { id: 'fri', at: '+0m', register: reg('general') },
        { id: 'mon', at: '2026-03-09T02:00:00Z', register: reg('general') },
      ],
      expect: [
        { at: '+0m', case: 'fri', clock: 'acceptance', deadline: '2026-03-09T02:30:00Z' },
        { at: '2026-03-09T01:09:00Z', case: 'fri', clock: 'acceptance', level: 'green' },
        { at: '2026-03-09T01:10:00Z', case: 'fri', event: 'sla:warned', clock: 'acceptance' },
        { at: '2026-03-09T02:00:00Z', case: 'mon', clock: 'acceptance', deadline: '2026-03-09T07:30:00Z' },
        { at: '2026-03-09T06:10:00Z', case: 'mon', event: 'sla:warned', clock: 'acceptance' },
        { at: '2026-03-09T07:30:00Z', case: 'mon', clock: 'acceptance', level: 'red' },
      ],
    });
  });

  it('a make-up Saturday counts: a sign clock from Fri 9 Oct falls due Sat 10 Oct', async () => {
    // Dispatched Fri 9 Oct 2026 10:00: 1 wd 次日起算 → Sat 10 Oct (make-up for National Day) 17:30.
    await passes({
      start: '2026-10-09T01:00:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '+30m', by: 'intake', command: { type: 'accept' } },
          { at: '+30m', by: 'dispatcher', command: dispatch() },
        ],
      }],
      expect: [
        { at: '2026-10-09T02:00:00Z', case: 'c1', clock: 'sign', deadline: '2026-10-10T09:30:00Z' },
        { at: '2026-10-10T09:30:00Z', case: 'c1', event: 'sla:breached', clock: 'a1.sign' },
      ],
    });
  });

  it('a make-up Sunday counts: 4 working hours from Fri 18 Sep 17:00 fall due Sun 20 Sep 14:00', async () => {
    // Fri 18 Sep 17:00–17:30 (30); Sat 19 Sep is off; Sun 20 Sep (worked for National Day) 09:00–12:00 (180)
    // and 13:30–14:00 (30) → 14:00. Yellow at 160: 30 + 130 → Sun 11:10.
    await passes({
      start: '2026-09-18T09:00:00Z',
      cases: [{ id: 'c1', at: '+0m', register: reg('general') }],
      expect: [
        { at: '+0m', case: 'c1', clock: 'acceptance', deadline: '2026-09-20T06:00:00Z' },
        { at: '2026-09-20T03:09:00Z', case: 'c1', clock: 'acceptance', level: 'green' },
        { at: '2026-09-20T03:10:00Z', case: 'c1', event: 'sla:warned', clock: 'acceptance' },
        { at: '2026-09-20T06:00:00Z', case: 'c1', clock: 'acceptance', level: 'red' },
      ],
    });
  });

  it('a return does not charge the returning unit; the case clock keeps running', async () => {
    // Accepted Mon 2 Mar 09:30 → conclusion Thu 5 Mar 17:30 whatever happens to the assignment.
    const r = await passes({
      start: '2026-03-02T01:30:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '+0m', by: 'intake', command: { type: 'accept' } },
          { at: '+5m', by: 'dispatcher', command: dispatch() },
          { at: '+2h', by: `unit:${LEAD}`, command: { type: 'requestReturn', reason: 'jurisdiction', explanation: '不属本单位' } },
          { at: '+1d', by: 'dutyChief', command: { type: 'approveReturn' } },
        ],
      }],
      expect: [
        { at: '2026-03-04T09:30:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-03-05T09:30:00Z' },
        { at: '2026-03-06T00:00:00Z', case: 'c1', event: 'sla:breached', clock: 'a1.sign', fired: false },
        { at: '2026-03-06T00:00:00Z', case: 'c1', event: 'sla:breached', clock: 'conclusion' },
      ],
    });
    const v = await r.engine.get('c1', { actor: { id: 'x', roles: ['admin'], unitIds: [], tenantId: 'scenario' } });
    const s = v.sla.clocks.find((c) => c.key === 'a1.sign');
    expect([s?.status, s?.cancelled, s?.concludedOverdue]).toEqual(['stopped', true, false]);
  });

  it('a send-back (退回重办) starts a new conclusion round from its instant', async () => {
    // Accepted Thu 26 Feb 10:00 → 27, 28 (make-up), 2 Mar → Mon 2 Mar 17:30.
    // Sent back Mon 2 Mar 11:00 → new round: 3, 4, 5 Mar → Thu 5 Mar 17:30.
    await passes({
      start: '2026-02-26T02:00:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '+0m', by: 'intake', command: { type: 'accept' } },
          { at: '+5m', by: 'dispatcher', command: dispatch() },
          { at: '+5m', by: `unit:${LEAD}`, command: sign() },
          { at: '2026-03-02T02:00:00Z', by: `unit:${LEAD}`, command: { type: 'reply', summary: '已修复', resolved: true, signOff: { leaderId: 'p-head', level: 'deputy' } } },
          { at: '+1h', by: 'reviewer', command: { type: 'sendBack', reason: '未附照片' } },
        ],
      }],
      expect: [
        { at: '2026-02-26T02:10:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-03-02T09:30:00Z' },
        { at: '2026-03-02T03:00:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-03-05T09:30:00Z', level: 'green' },
        { at: '2026-03-02T09:30:00Z', case: 'c1', event: 'sla:breached', fired: false },
      ],
    });
  });
});

describe('immediate tier', () => {
  it('National Day eve: natural-hour clocks run through the night and the holiday, urges are not held', async () => {
    // Registered Wed 30 Sep 22:00: response 120 natural min → Thu 1 Oct 00:00 (16:00Z); yellow at 80 min → 23:20 (15:20Z).
    // firstFeedback 1,440 min → Thu 1 Oct 22:00 (14:00Z). Overdue = deadline + 60 min → 1 Oct 01:00 (17:00Z).
    await passes({
      start: '2026-09-30T14:00:00Z',
      cases: [{ id: 'c1', at: '+0m', register: reg('immediate') }],
      expect: [
        { at: '+0m', case: 'c1', clock: 'response', deadline: '2026-09-30T16:00:00Z' },
        { at: '+0m', case: 'c1', clock: 'firstFeedback', deadline: '2026-10-01T14:00:00Z' },
        { at: '2026-09-30T15:20:00Z', case: 'c1', event: 'sla:escalated', clock: 'response', step: 'urgeOwner' },
        { at: '2026-09-30T16:00:00Z', case: 'c1', event: 'sla:escalated', clock: 'response', step: 'urgeAndNotifyLeader' },
        { at: '2026-09-30T17:00:00Z', case: 'c1', clock: 'response', level: 'overdue' },
      ],
    });
  });

  it('a lead that signs within 80 minutes stops the response clock green', async () => {
    await passes({
      start: '2026-09-30T14:00:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('immediate'),
        steps: [
          { at: '+20m', by: 'dispatcher', command: { type: 'acceptAndDispatch', lead: { unitId: LEAD, duty: '现场处置' }, cooperating: [] } },
          { at: '+30m', by: `unit:${LEAD}`, command: sign() },
        ],
      }],
      expect: [
        { at: '2026-09-30T18:00:00Z', case: 'c1', clock: 'response', level: 'green' },
        { at: '2026-09-30T18:00:00Z', case: 'c1', event: 'sla:warned', clock: 'response', fired: false },
      ],
    });
  });
});

describe('complex tier', () => {
  it('the solution clock spans Spring Festival and grows with an approved extension', async () => {
    // Accepted Thu 12 Feb 10:00. leadDesignation 1 wd → Fri 13 Feb 17:30.
    // solution 10 wd after 12 Feb: 13, 14 (make-up), 24, 25, 26, 27, 28 (make-up), 2, 3, 4 Mar → Wed 4 Mar 17:30.
    // +2 wd approved → Fri 6 Mar 17:30.
    await passes({
      start: '2026-02-12T02:00:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('complex'),
        steps: [
          { at: '+0m', by: 'intake', command: { type: 'accept' } },
          { at: '+5m', by: 'dispatcher', command: dispatch([COOP]) },
          { at: '+5m', by: `unit:${LEAD}`, command: sign() },
          { at: '2026-03-02T02:00:00Z', by: `unit:${LEAD}`, command: { type: 'requestExtension', reason: '方案需论证', workingDays: 2 } },
          { at: '+1h', by: 'dutyChief', command: { type: 'approveExtension' } },
        ],
      }],
      expect: [
        { at: '2026-02-12T02:00:00Z', case: 'c1', clock: 'leadDesignation', deadline: '2026-02-13T09:30:00Z' },
        { at: '2026-02-12T02:00:00Z', case: 'c1', clock: 'solution', deadline: '2026-03-04T09:30:00Z' },
        { at: '2026-03-02T03:00:00Z', case: 'c1', clock: 'solution', deadline: '2026-03-06T09:30:00Z' },
      ],
    });
  });

  it('a silent cooperating unit is deemed to consent at its 4-working-hour deadline, by the tick', async () => {
    // Dispatched Mon 2 Mar 09:40: 4 wh → 09:40–12:00 (140) + 13:30–15:10 (100) → 15:10 (07:10Z).
    const r = await passes({
      start: '2026-03-02T01:30:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('complex'),
        steps: [
          { at: '+0m', by: 'intake', command: { type: 'accept' } },
          { at: '+10m', by: 'dispatcher', command: dispatch([COOP]) },
        ],
      }],
      expect: [
        { at: '2026-03-02T01:40:00Z', case: 'c1', clock: 'a2.response', deadline: '2026-03-02T07:10:00Z' },
        { at: '2026-03-02T07:09:00Z', case: 'c1', event: 'opinion:deemed', fired: false },
        { at: '2026-03-02T07:10:00Z', case: 'c1', event: 'opinion:deemed' },
      ],
    });
    const v = await r.engine.get('c1', { actor: { id: 'x', roles: ['admin'], unitIds: [], tenantId: 'scenario' } });
    expect(v.assignments.find((a) => a.unitId === COOP)?.opinion?.deemed).toBe(true);
  });
});

describe('tier change (改变办理类别)', () => {
  it('upgraded to complex the day after acceptance, before Spring Festival: the complex limits count from the original acceptance', async () => {
    // Accepted Fri 13 Feb 10:30. General: conclusion 3 wd → 14 (make-up), 24, 25 → Wed 25 Feb 17:30.
    // Upgraded Sat 14 Feb 10:00. leadDesignation 1 wd after Fri 13 → Sat 14 17:30, yellow at 2/3 of
    // 330 + 420 = 500 → Sat 11:50: the lead signs at 10:40, so it never warns.
    // solution 10 wd after Fri 13: 14, 24, 25, 26, 27, 28 (make-up), 2, 3, 4, 5 Mar → Thu 5 Mar 17:30;
    // budget 330 + 4,200 = 4,530, yellow at 3,020: Fri 330, Sat 750, 24–27 Feb 2,430, Sat 28 2,850,
    // Mon 2 Mar 09:00 + 170 → 11:50.
    await passes({
      start: '2026-02-13T02:00:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '+30m', by: 'intake', command: { type: 'accept' } },
          { at: '2026-02-14T02:00:00Z', by: 'dispatcher', command: { type: 'changeTier', tier: 'complex', reason: '涉及水务、住建两个部门' } },
          { at: '+0m', by: 'dispatcher', command: { type: 'changeTier', tier: 'complex', reason: '重复提交' }, rejects: 'INVALID_TRANSITION' },
          { at: '+10m', by: 'dispatcher', command: dispatch([COOP]) },
          { at: '+30m', by: `unit:${LEAD}`, command: sign() },
        ],
      }],
      expect: [
        { at: '2026-02-13T02:30:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-02-25T09:30:00Z' },
        { at: '2026-02-14T02:00:00Z', case: 'c1', event: 'case:tierChanged' },
        { at: '2026-02-14T02:00:00Z', case: 'c1', state: 'pendingDispatch', clock: 'leadDesignation', deadline: '2026-02-14T09:30:00Z', level: 'green' },
        { at: '2026-02-14T02:00:00Z', case: 'c1', clock: 'solution', deadline: '2026-03-05T09:30:00Z' },
        { at: '2026-02-14T09:30:00Z', case: 'c1', event: 'sla:warned', clock: 'leadDesignation', fired: false },
        { at: '2026-02-25T09:30:00Z', case: 'c1', event: 'sla:breached', clock: 'conclusion', fired: false },
        { at: '2026-03-02T03:49:00Z', case: 'c1', event: 'sla:warned', clock: 'solution', fired: false },
        { at: '2026-03-02T03:50:00Z', case: 'c1', event: 'sla:warned', clock: 'solution' },
        { at: '2026-03-05T09:29:00Z', case: 'c1', event: 'sla:breached', clock: 'solution', fired: false },
        { at: '2026-03-05T09:30:00Z', case: 'c1', event: 'sla:breached', clock: 'solution' },
      ],
    });
  });
});

describe('calendar revisions', () => {
  const notice2027 = {
    year: 2027, notice: '国办发明电〔2026〕X号', title: '关于2027年部分节假日安排的通知', issued: '2026-12-20',
    breaks: [{ name: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-03', workdays: [] }],
  };

  it('a deadline in a year without a notice is unknown (sla:calendarGap) until the late notice arrives', async () => {
    // Accepted Wed 23 Dec 2026 10:00: solution 10 wd → 24, 25, 28, 29, 30, 31 Dec, (1 Jan off, 2–3 weekend), 4, 5, 6, 7 Jan → Thu 7 Jan 2027 17:30.
    const r = await runScenario({
      start: '2026-12-23T02:00:00Z',
      cases: [{ id: 'c1', at: '+0m', register: reg('complex'), steps: [{ at: '+0m', by: 'intake', command: { type: 'accept' } }] }],
      notices: [{ at: '2026-12-24T02:00:00Z', notice: notice2027 }],
      expect: [
        { at: '2026-12-23T02:00:00Z', case: 'c1', event: 'sla:calendarGap' },
        { at: '2026-12-23T02:00:00Z', case: 'c1', state: 'pendingDispatch' },
        { at: '2026-12-24T02:00:00Z', case: 'c1', clock: 'solution', deadline: '2027-01-07T09:30:00Z' },
      ],
    });
    expect(failures(r)).toEqual([]);
    const gaps = r.events.filter((e) => e.name === 'sla:calendarGap');
    expect(gaps).toHaveLength(1);
    expect((gaps[0]?.data as { date: string }).date.startsWith('2027')).toBe(true);
  });

  it('a late notice adding a day off moves a pending deadline', async () => {
    // With weekdays beyond 2026, 10 wd from Wed 23 Dec would end Wed 6 Jan 2027 (1 Jan a weekday);
    // the late notice takes 1 Jan off → Thu 7 Jan 17:30.
    const r = await runScenario({
      start: '2026-12-23T02:00:00Z',
      calendar: 'cnMainlandWeekdays',
      cases: [{ id: 'c1', at: '+0m', register: reg('complex'), steps: [{ at: '+0m', by: 'intake', command: { type: 'accept' } }] }],
      notices: [{ at: '2026-12-24T02:00:00Z', notice: notice2027 }],
      expect: [
        { at: '2026-12-23T02:00:00Z', case: 'c1', clock: 'solution', deadline: '2027-01-06T09:30:00Z' },
        { at: '2026-12-24T02:00:00Z', case: 'c1', clock: 'solution', deadline: '2027-01-07T09:30:00Z' },
      ],
    });
    expect(failures(r)).toEqual([]);
  });
});

describe('follow-ups (回头看)', () => {
  it('opens 30 days after conclusion, turns yellow when undone, and a rebound registers a linked case', async () => {
    // Concluded Mon 2 Mar 2026 10:30 → followUp30 opens Wed 1 Apr 10:30; 5 wd 次日起算 → 2, 3, 7, 8, 9 Apr
    // (Qingming 4–6 Apr off) → Thu 9 Apr 17:30. Budget Wed 10:30–17:30 (330) + 5 × 420 = 2,430; yellow at
    // 1,620: Wed 330, Thu 750, Fri 1,170, Tue 7 Apr 1,590, Wed 8 Apr +30 → 09:30.
    const r = await runScenario({
      start: '2026-02-26T02:00:00Z',
      cases: [{
        id: 'c1', at: '+0m', register: reg('general'),
        steps: [
          { at: '+0m', by: 'intake', command: { type: 'accept' } },
          { at: '+5m', by: 'dispatcher', command: dispatch() },
          { at: '+5m', by: `unit:${LEAD}`, command: sign() },
          { at: '+1h', by: `unit:${LEAD}`, command: { type: 'reply', summary: '已修复', resolved: true, signOff: { leaderId: 'p-head', level: 'deputy' } } },
          { at: '+1h', by: 'reviewer', command: { type: 'approveReply' } },
          { at: '2026-03-02T02:00:00Z', by: 'revisit', command: { type: 'evaluate', result: 'satisfied' } },
          { at: '+30m', by: 'revisit', command: { type: 'conclude' } },
          { at: '+1d', by: 'dutyChief', command: { type: 'archive' } },
          { at: '+1d', by: 'revisit', command: { type: 'recordFollowUp', clock: 'followUp30', outcome: 'rebounded' }, rejects: 'INVALID_TRANSITION' },
          { at: '2026-04-08T02:00:00Z', by: 'revisit', command: { type: 'recordFollowUp', clock: 'followUp30', outcome: 'rebounded' } },
        ],
      }],
      expect: [
        { at: '2026-04-01T02:30:00Z', case: 'c1', clock: 'followUp30', deadline: '2026-04-09T09:30:00Z' },
        { at: '2026-04-08T01:29:00Z', case: 'c1', event: 'sla:warned', clock: 'followUp30', fired: false },
        { at: '2026-04-08T01:30:00Z', case: 'c1', event: 'sla:warned', clock: 'followUp30' },
        { at: '2026-04-08T02:00:00Z', case: 'c1', state: 'archived' },
      ],
    });
    expect(failures(r)).toEqual([]);
    const actor = { id: 'x', roles: ['admin' as const], unitIds: [], tenantId: 'scenario' };
    const original = await r.engine.get('c1', { actor });
    expect(original.sla.rebounded).toBe(true);
    const reboundId = original.sla.followUps[0]?.reboundCaseId as string;
    const rebound = await r.engine.get(reboundId, { actor });
    expect([rebound.sla.reboundOf, rebound.tier, rebound.category, rebound.location, rebound.requester.name]).toEqual(['c1', 'general', original.category, original.location, '张三']);
  });
});
