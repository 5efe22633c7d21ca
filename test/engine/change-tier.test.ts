/**
 * 改变办理类别 through the public API. SLA deadlines are counted by hand on the official calendar:
 * working hours 09:00–12:00, 13:30–17:30 Beijing (420 min a day), Beijing = UTC+8; Spring Festival
 * 2026 is off 15–23 Feb with make-up working Saturdays 14 and 28 Feb.
 */
import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  TIER_DEFINITIONS, createEngine, isJiaobanError, memoryStore, type CaseView, type CommandInput, type Engine, type EngineEvent,
  type TierDefinition, type TierMachine,
} from '../../src/index.js';
import { SimulatedClock } from '../../src/testing/index.js';
import { A, COOP, LEAD, TENANT, dispatchCmd, dump, harness, registration, replyCmd } from './_helpers.js';
import { reach } from './_scenarios.js';

const upgrade = (tier: 'immediate' | 'general' | 'complex', reason = '涉及水务、住建两个部门，需协同办理'): CommandInput => ({ type: 'changeTier', tier, reason });
const plan: CommandInput = {
  type: 'submitPlan', solution: '更换线路并加装路灯', workPlan: '勘察—采购—施工', deliverables: ['施工方案'], proposedCloseDate: '2026-06-30', feedbackCadenceDays: 7,
};
const clockOf = (v: CaseView, name: string) => v.sla.clocks.find((c) => c.key === name);
const names = (events: readonly EngineEvent[]) => events.map((e) => e.name);

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => null, (e: unknown) => e);
}

/** An engine on a simulated clock: cases are registered and commanded at given instants. */
function simulated(start: string): { engine: Engine; clock: SimulatedClock; at: (instant: string) => void } {
  const clock = new SimulatedClock(start);
  let n = 0;
  const engine = createEngine({ store: memoryStore(), clock, ids: { caseId: () => `c-${++n}` } });
  return { engine, clock, at: (instant) => void clock.set(instant) };
}

describe('general → complex (升级为复杂协同类)', () => {
  it('moves a pending-dispatch case to the complex machine and runs the complex life: plan, triple review, countersign', async () => {
    const h = harness();
    const id = await reach(h, 'pendingDispatch');
    const r = await h.engine.execute(id, upgrade('complex'), { actor: A.dispatcher });
    expect([r.case.tier, r.case.state, r.case.machine]).toEqual(['complex', 'pendingDispatch', { id: 'jiaoban.complex', version: 1 }]);
    const row = await h.engine.store.load(TENANT, id);
    expect([row?.tier, row?.machine]).toEqual(['complex', { id: 'jiaoban.complex', version: 1 }]);
    expect(await h.run(id, dispatchCmd([COOP]), A.dispatcher)).toBe('pendingSign');
    expect(await h.run(id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison)).toBe('inProgress.planning');
    expect(await h.run(id, { type: 'sign', unitId: COOP, ownerId: 'p-coop' }, A.coop)).toBe('inProgress.planning');
    expect(await h.run(id, plan, A.leadHandler)).toBe('inProgress.reviewing');
    expect(await h.run(id, { type: 'review', aspect: 'risk', passed: true }, A.reviewer)).toBe('inProgress.reviewing');
    expect(await h.run(id, { type: 'review', aspect: 'cost', passed: true }, A.reviewer)).toBe('inProgress.reviewing');
    expect(await h.run(id, { type: 'review', aspect: 'effect', passed: true }, A.reviewer)).toBe('inProgress.countersigning');
    expect(await h.run(id, { type: 'countersign', unitId: LEAD, decision: 'agree' }, A.leadLeader)).toBe('inProgress.countersigning');
    expect(await h.run(id, { type: 'countersign', unitId: COOP, decision: 'agree' }, A.coop)).toBe('inProgress.approved');
    expect(await h.run(id, { type: 'startImplementation' }, A.leadHandler)).toBe('inProgress.implementing');
    expect(await h.run(id, { type: 'submitOpinion', unitId: COOP, opinion: '同意方案', consent: true }, A.coop)).toBe('inProgress.implementing');
    expect(await h.run(id, replyCmd, A.leadHandler)).toBe('pendingReview');
  });

  it('announces case:tierChanged with both tiers and the reason, and audits it', async () => {
    const h = harness();
    const id = await reach(h, 'pendingDispatch');
    const { events } = await h.engine.execute(id, upgrade('complex'), { actor: A.dutyChief });
    const changed = events.find((e) => e.name === 'case:tierChanged');
    expect(changed).toMatchObject({
      tier: 'complex', command: 'changeTier', fromState: 'pendingDispatch', toState: 'pendingDispatch', actorId: A.dutyChief.id,
      data: { from: 'general', to: 'complex', reason: '涉及水务、住建两个部门，需协同办理' },
    });
    expect(names(await h.engine.history(id, { actor: A.dutyChief }))).toContain('case:tierChanged');
    const audit = await h.engine.audit(id, { actor: A.dutyChief });
    expect(audit.at(-1)?.summary.startsWith('changeTier from=general to=complex')).toBe(true);
    expect(audit.at(-1)?.summary).not.toContain('住建');
    expect((await h.engine.verifyAudit(id, { actor: A.dutyChief })).ok).toBe(true);
  });

  it('is found under the new tier by engine.query', async () => {
    const h = harness();
    const id = await reach(h, 'pendingDispatch');
    await h.engine.execute(id, upgrade('complex'), { actor: A.dispatcher });
    const ids = async (tier: 'general' | 'complex') => (await h.engine.query({ tier }, { actor: A.dutyChief })).items.map((c) => c.id);
    expect([await ids('general'), await ids('complex')]).toEqual([[], [id]]);
  });
});

describe('other directions', () => {
  it('complex → general: handling is flat again (no plan), a reply needs no triple review', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration('complex'), { actor: A.intake });
    const r = await h.engine.execute(c.id, upgrade('general', '经核实仅涉及一个部门'), { actor: A.dispatcher });
    expect([r.case.tier, r.case.state, r.case.machine.id]).toEqual(['general', 'pendingAcceptance', 'jiaoban.general']);
    await h.run(c.id, { type: 'accept' }, A.intake);
    await h.run(c.id, dispatchCmd([]), A.dispatcher);
    expect(await h.run(c.id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison)).toBe('inProgress');
    const e = await errorOf(h.engine.execute(c.id, plan, { actor: A.leadHandler }));
    expect(isJiaobanError(e, 'INVALID_TRANSITION')).toBe(true);
    expect(await h.run(c.id, replyCmd, A.leadHandler)).toBe('pendingReview');
  });

  it('immediate → general: 受理并派单 is no longer offered, 受理 then 派单 is', async () => {
    const h = harness();
    const id = await reach(h, 'immediatePendingAcceptance');
    await h.engine.execute(id, upgrade('general', '非紧急事项'), { actor: A.dispatcher });
    const e = await errorOf(h.engine.execute(id, { type: 'acceptAndDispatch', lead: { unitId: LEAD, duty: '处置' } }, { actor: A.dispatcher }));
    expect(isJiaobanError(e, 'INVALID_TRANSITION')).toBe(true);
    expect(await h.run(id, { type: 'accept' }, A.intake)).toBe('pendingDispatch');
  });

  it('general → immediate: the first feedback (首次反馈) becomes part of handling', async () => {
    const h = harness();
    const id = await reach(h, 'pendingDispatch');
    await h.engine.execute(id, upgrade('immediate', '燃气泄漏，需立即处置'), { actor: A.dutyChief });
    await h.run(id, dispatchCmd([]), A.dispatcher);
    await h.run(id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison);
    expect(await h.run(id, { type: 'reportFirstFeedback', summary: '已到场关阀' }, A.leadHandler)).toBe('inProgress');
    expect((await h.engine.get(id, { actor: A.dutyChief })).firstFeedbackAt).not.toBeNull();
  });

  it('may change twice before dispatch, each time from the current tier', async () => {
    const h = harness();
    const id = await reach(h, 'pendingDispatch');
    await h.engine.execute(id, upgrade('complex'), { actor: A.dispatcher });
    const { events, case: v } = await h.engine.execute(id, upgrade('immediate', '现场出现险情'), { actor: A.dutyChief });
    expect(events.find((e) => e.name === 'case:tierChanged')?.data).toEqual({ from: 'complex', to: 'immediate', reason: '现场出现险情' });
    expect([v.tier, v.machine.id, v.phase]).toEqual(['immediate', 'jiaoban.immediate', null]);
  });
});

describe('SLA clocks after a change: recomputed from the original start with the new tier’s limits', () => {
  it('general → complex, accepted the Friday before Spring Festival: leadDesignation and solution count from that acceptance', async () => {
    const s = simulated('2026-02-13T02:00:00Z'); // Fri 13 Feb 10:00
    const { case: c } = await s.engine.register(registration('general'), { actor: A.intake });
    s.at('2026-02-13T02:30:00Z'); // accepted Fri 10:30
    await s.engine.execute(c.id, { type: 'accept' }, { actor: A.intake });
    // 3 wd 次日起算 after Fri 13: Sat 14 (make-up), Tue 24, Wed 25 → Wed 25 Feb 17:30.
    expect(clockOf(await s.engine.get(c.id, { actor: A.dutyChief }), 'conclusion')?.deadline).toBe('2026-02-25T09:30:00.000Z');
    s.at('2026-02-14T02:00:00Z'); // changed Sat 14 Feb 10:00
    const { case: v } = await s.engine.execute(c.id, upgrade('complex'), { actor: A.dispatcher });
    // leadDesignation 1 wd after Fri 13 → Sat 14 (make-up) 17:30; budget 330 + 420, yellow at 500 → Sat 11:50: still green.
    expect(clockOf(v, 'leadDesignation')).toMatchObject({
      status: 'running', startedAt: '2026-02-13T02:30:00.000Z', deadline: '2026-02-14T09:30:00.000Z', level: 'green',
    });
    // solution 10 wd after Fri 13: 14, 24, 25, 26, 27, 28 (make-up), 2, 3, 4, 5 Mar → Thu 5 Mar 17:30.
    expect(clockOf(v, 'solution')).toMatchObject({ status: 'running', startedAt: '2026-02-13T02:30:00.000Z', deadline: '2026-03-05T09:30:00.000Z' });
    expect(clockOf(v, 'conclusion')).toMatchObject({ status: 'stopped', cancelled: true, concludedOverdue: false });
    const row = await s.engine.store.load(TENANT, c.id);
    expect([row?.dueAt, row?.level]).toEqual(['2026-02-14T09:30:00.000Z', 'green']);
    expect((await s.engine.store.timers(TENANT, c.id)).map((t) => t.dueAt)).toEqual(['2026-02-14T03:50:00.000Z']);
  });

  it('complex → general after the deadline it would have had: overdue at once, with the instants each level was reached', async () => {
    const s = simulated('2026-02-13T02:00:00Z');
    const { case: c } = await s.engine.register(registration('complex'), { actor: A.intake });
    s.at('2026-02-13T02:30:00Z');
    await s.engine.execute(c.id, { type: 'accept' }, { actor: A.intake });
    s.at('2026-02-26T02:00:00Z'); // Thu 26 Feb 10:00
    const { case: v, events } = await s.engine.execute(c.id, upgrade('general', '经核实仅涉及一个部门'), { actor: A.dutyChief });
    // conclusion replayed from Fri 13 10:30: deadline Wed 25 Feb 17:30; budget 330 + 3 × 420 = 1,590,
    // yellow at 1,060: Fri 330, Sat 14 750, Tue 24 09:00–12:00 930 + 130 → 15:40.
    expect(clockOf(v, 'conclusion')).toMatchObject({ startedAt: '2026-02-13T02:30:00.000Z', deadline: '2026-02-25T09:30:00.000Z', level: 'red' });
    const reached = events.filter((e) => e.name.startsWith('sla:') && (e.data as { clockKey?: string }).clockKey === 'conclusion' && e.name !== 'sla:escalated')
      .map((e) => `${e.name} ${(e.data as { reachedAt: string }).reachedAt}`);
    expect(reached).toEqual(['sla:warned 2026-02-24T07:40:00.000Z', 'sla:breached 2026-02-25T09:30:00.000Z']);
    expect([clockOf(v, 'leadDesignation')?.cancelled, clockOf(v, 'solution')?.cancelled]).toEqual([true, true]);
    expect(names(events)[0]).toBe('case:tierChanged');
  });

  it('immediate → general at intake: acceptance counts 4 working hours from the registration', async () => {
    const s = simulated('2026-02-13T08:10:00Z'); // Fri 13 Feb 16:10
    const { case: c } = await s.engine.register(registration('immediate'), { actor: A.intake });
    s.at('2026-02-13T08:30:00Z');
    const { case: v } = await s.engine.execute(c.id, upgrade('general', '非紧急事项'), { actor: A.dispatcher });
    // Fri 16:10–17:30 (80) + Sat 14 Feb (make-up) 09:00–11:40 (160) → Sat 11:40.
    expect(clockOf(v, 'acceptance')).toMatchObject({ startedAt: '2026-02-13T08:10:00.000Z', deadline: '2026-02-14T03:40:00.000Z', level: 'green' });
    expect([clockOf(v, 'response')?.cancelled, clockOf(v, 'firstFeedback')?.cancelled]).toEqual([true, true]);
  });

  it('general → immediate three hours after registration: the 2-hour response is already breached, on the 24×7 clock', async () => {
    const s = simulated('2026-02-13T08:10:00Z'); // Fri 13 Feb 16:10
    const { case: c } = await s.engine.register(registration('general'), { actor: A.intake });
    s.at('2026-02-13T08:20:00Z');
    await s.engine.execute(c.id, { type: 'accept' }, { actor: A.intake });
    s.at('2026-02-13T11:00:00Z'); // Fri 19:00, after working hours
    const { case: v, events } = await s.engine.execute(c.id, upgrade('immediate', '燃气泄漏'), { actor: A.dutyChief });
    // response 120 natural min from 16:10 → 18:10, yellow at 80 → 17:30; firstFeedback 1,440 min → Sat 16:10.
    expect(clockOf(v, 'response')).toMatchObject({ deadline: '2026-02-13T10:10:00.000Z', level: 'red' });
    expect(clockOf(v, 'firstFeedback')).toMatchObject({ deadline: '2026-02-14T08:10:00.000Z', level: 'green' });
    expect(clockOf(v, 'conclusion')).toMatchObject({ status: 'stopped', cancelled: true });
    const reached = events.filter((e) => e.name === 'sla:warned' || e.name === 'sla:breached').map((e) => `${e.name} ${(e.data as { reachedAt: string }).reachedAt}`);
    expect(reached).toEqual(['sla:warned 2026-02-13T09:30:00.000Z', 'sla:breached 2026-02-13T10:10:00.000Z']);
    // The immediate tier's urges are not held to working hours: both fire in this commit, at 19:00.
    expect(events.filter((e) => e.name === 'case:urged').map((e) => (e.data as { note?: string }).note)).toEqual(['sla:urgeOwner', 'sla:urgeAndNotifyLeader']);
  });
});

describe('where a change is refused', () => {
  it.each(['pendingSign', 'inProgress', 'returnPending', 'suspended', 'pendingReview', 'pendingEvaluation', 'concluded', 'cancelled', 'archived', 'planning'] as const)(
    'in %s: INVALID_TRANSITION, and case, history, audit and outbox stay byte-for-byte the same',
    async (scenario) => {
      const h = harness();
      const id = await reach(h, scenario);
      const before = await dump(h.engine, id);
      const tier = scenario === 'planning' ? 'general' : 'complex';
      const e = await errorOf(h.engine.execute(id, upgrade(tier), { actor: A.dutyChief }));
      expect(isJiaobanError(e, 'INVALID_TRANSITION') && e.details).toMatchObject({ command: 'changeTier', caseId: id });
      expect(await dump(h.engine, id)).toBe(before);
    },
  );

  it('to the tier the case already has: INVALID_TRANSITION, nothing written', async () => {
    const h = harness();
    const id = await reach(h, 'pendingDispatch');
    const before = await dump(h.engine, id);
    const e = await errorOf(h.engine.execute(id, upgrade('general'), { actor: A.dispatcher }));
    expect(isJiaobanError(e, 'INVALID_TRANSITION') && e.details).toEqual({ command: 'changeTier', state: 'pendingDispatch', caseId: id });
    expect(await dump(h.engine, id)).toBe(before);
  });

  it('without a reason, or to an unknown tier: VALIDATION before anything is loaded', async () => {
    const h = harness();
    const id = await reach(h, 'pendingDispatch');
    for (const bad of [{ type: 'changeTier', tier: 'complex', reason: '  ' }, { type: 'changeTier', tier: 'urgent', reason: 'x' }, { type: 'changeTier', tier: 'complex' }]) {
      const e = await errorOf(h.engine.execute(id, bad as CommandInput, { actor: A.dispatcher }));
      expect(isJiaobanError(e, 'VALIDATION')).toBe(true);
    }
  });

  it('into a host machine that cannot hold the state: INCOMPATIBLE_DEFINITION, nothing written', async () => {
    const bare = createMachine({ id: 'host.complex', initial: 'open', states: { open: {} } }) as unknown as TierMachine;
    const complex: TierDefinition = { ...TIER_DEFINITIONS.complex, id: 'host.complex', machine: bare };
    const h = harness({ tiers: { complex } });
    const id = await reach(h, 'pendingDispatch');
    const before = await dump(h.engine, id);
    const e = await errorOf(h.engine.execute(id, upgrade('complex'), { actor: A.dispatcher }));
    expect(isJiaobanError(e, 'INCOMPATIBLE_DEFINITION') && e.details).toMatchObject({ machineId: 'host.complex' });
    expect(await dump(h.engine, id)).toBe(before);
  });
});

describe('permissions', () => {
  it.each([['dispatcher', true], ['dutyChief', true], ['intake', false], ['supervisor', false], ['reviewer', false], ['admin', false], ['leadHandler', false], ['requester', false]] as const)(
    '%s may change the tier: %s',
    async (who, may) => {
      const h = harness();
      const id = await reach(h, 'pendingDispatch');
      const verdict = await h.engine.can(id, upgrade('complex'), { actor: A[who] });
      if (may) expect(verdict).toEqual({ allowed: true });
      else expect(verdict.allowed === false && verdict.error.details).toMatchObject({ command: 'changeTier', reason: 'role' });
    },
  );
});

describe('idempotency', () => {
  it('a replay returns the first result and writes nothing; the key with another tier is a conflict', async () => {
    const h = harness();
    const id = await reach(h, 'pendingDispatch');
    const ctx = { actor: A.dispatcher, idempotencyKey: 'reclassify-7f3a' };
    const first = await h.engine.execute(id, upgrade('complex'), ctx);
    const after = await dump(h.engine, id);
    const again = await h.engine.execute(id, upgrade('complex'), ctx);
    expect(again.replayed).toBe(true);
    expect(again.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    expect([again.case.tier, again.case.version]).toEqual(['complex', first.case.version]);
    expect(await dump(h.engine, id)).toBe(after);
    const e = await errorOf(h.engine.execute(id, upgrade('immediate'), ctx));
    expect(isJiaobanError(e, 'IDEMPOTENCY_CONFLICT')).toBe(true);
    expect(await dump(h.engine, id)).toBe(after);
  });
});
