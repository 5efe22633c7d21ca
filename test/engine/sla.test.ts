import { describe, expect, it } from 'vitest';
import {
  createEngine, isJiaobanError, memoryStore, type CaseStore, type CommitBatch, type Engine, type EngineEvent,
} from '../../src/index.js';
import { SimulatedClock } from '../../src/testing/index.js';
import { A, COOP, LEAD, TENANT, dispatchCmd, dump, registration } from './_helpers.js';

/** Accepted Mon 2 Mar 2026 09:30 Beijing: conclusion due Thu 5 Mar 17:30 (09:30Z). */
async function setup(store: CaseStore = memoryStore()): Promise<{ engine: Engine; clock: SimulatedClock; id: string }> {
  const clock = new SimulatedClock('2026-03-02T01:30:00Z');
  let n = 0;
  const engine = createEngine({ store, clock, ids: { caseId: () => `c-${++n}` } });
  const { case: c } = await engine.register(registration('general'), { actor: A.intake });
  await engine.execute(c.id, { type: 'accept' }, { actor: A.intake });
  await engine.execute(c.id, dispatchCmd([]), { actor: A.dispatcher });
  await engine.execute(c.id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, { actor: A.leadLiaison });
  return { engine, clock, id: c.id };
}

const names = (events: readonly EngineEvent[]) => events.map((e) => e.name);
const rejected = async (p: Promise<unknown>, code: string) => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(isJiaobanError(e) ? e.code : e).toBe(code);
};

describe('SLA in the command path', () => {
  it('stores the clocks, the index keys and one timer row in the same commit', async () => {
    const { engine, id } = await setup();
    const row = await engine.store.load(TENANT, id);
    expect([row?.level, row?.dueAt, row?.unitIds]).toEqual(['green', '2026-03-05T09:30:00.000Z', [LEAD]]);
    const view = await engine.get(id, { actor: A.dutyChief });
    expect(view.sla.clocks.find((c) => c.name === 'conclusion')).toMatchObject({ status: 'running', deadline: '2026-03-05T09:30:00.000Z', level: 'green' });
    const timers = await engine.store.timers(TENANT, id);
    expect(timers).toHaveLength(1);
    expect(timers[0]?.id.startsWith(`${id}:`)).toBe(true);
  });

  it('clamps a command whose clock is behind the case to the case’s last SLA instant', async () => {
    const store = memoryStore();
    let now = new Date('2026-03-02T02:00:00Z');
    const engine = createEngine({ store, clock: { now: () => now }, ids: { caseId: () => 'c-1' } });
    await engine.register(registration('general'), { actor: A.intake });
    now = new Date('2026-03-02T01:00:00Z');
    const { events } = await engine.execute('c-1', { type: 'accept' }, { actor: A.intake });
    expect(events[0]?.at).toBe('2026-03-02T02:00:00.000Z');
  });
});

describe('engine.tick', () => {
  it('fires each transition and step once, and nothing on a second tick at the same instant', async () => {
    const { engine } = await setup();
    const first = await engine.tick({ tenantId: TENANT, now: new Date('2026-03-05T09:30:00Z') });
    expect(names(first.events)).toEqual(expect.arrayContaining(['sla:warned', 'sla:breached', 'sla:escalated']));
    const second = await engine.tick({ tenantId: TENANT, now: new Date('2026-03-05T09:30:00Z') });
    expect(second.events).toEqual([]);
  });

  it('after downtime fires the overdue work once, not once per missed interval', async () => {
    const { engine, id } = await setup();
    const r = await engine.tick({ tenantId: TENANT, now: new Date('2026-03-20T01:00:00Z') });
    const steps = r.events.filter((e) => e.name === 'sla:escalated').map((e) => (e.data as { stepId: string }).stepId);
    expect(steps.filter((s) => s === 'superviseYellow')).toHaveLength(1);
    expect(r.events.filter((e) => e.name === 'sla:overdue' && (e.data as { clockKey: string }).clockKey === 'conclusion')).toHaveLength(1);
    expect((await engine.get(id, { actor: A.dutyChief })).supervision.level).toBe('yellow');
    expect((await engine.tick({ tenantId: TENANT, now: new Date('2026-03-21T01:00:00Z') })).events).toEqual([]);
  });

  it('two ticks racing over the same timers fire every event exactly once', async () => {
    const { engine } = await setup();
    const now = new Date('2026-03-20T01:00:00Z');
    const [a, b] = await Promise.all([engine.tick({ tenantId: TENANT, now }), engine.tick({ tenantId: TENANT, now })]);
    const all = [...a.events, ...b.events];
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
    expect(all.filter((e) => e.name === 'sla:breached' && (e.data as { clockKey: string }).clockKey === 'conclusion')).toHaveLength(1);
  });

  it('retries against fresh state when a user command commits first', async () => {
    const inner = memoryStore();
    let engineRef: Engine | null = null;
    let raced = false;
    const store: CaseStore = {
      ...inner,
      async commit(batch: CommitBatch) {
        if (!raced && batch.events.some((e) => e.name === 'sla:breached')) {
          raced = true;
          await (engineRef as Engine).execute(batch.case.id, { type: 'urge', note: 'by hand' }, { actor: A.supervisor });
        }
        return inner.commit(batch);
      },
    };
    const { engine, id } = await setup(store);
    engineRef = engine;
    const r = await engine.tick({ tenantId: TENANT, now: new Date('2026-03-05T09:30:00Z') });
    expect(raced).toBe(true);
    expect(r.events.filter((e) => e.name === 'sla:breached')).toHaveLength(1);
    const history = await engine.history(id, { actor: A.dutyChief });
    expect(history.filter((e) => e.name === 'sla:breached')).toHaveLength(1);
    expect(history.filter((e) => e.name === 'case:urged' && e.actorId === A.supervisor.id)).toHaveLength(1);
  });

  it('records escalations in the audit trail and names recipients relative to the clock', async () => {
    const { engine, id } = await setup();
    const r = await engine.tick({ tenantId: TENANT, now: new Date('2026-03-06T01:00:00Z') });
    const red = r.events.find((e) => e.name === 'sla:escalated' && (e.data as { stepId: string }).stepId === 'urgeAndNotifyLeader');
    expect((red?.data as { recipients: unknown[] }).recipients).toEqual([
      { recipient: 'primaryOwner', personId: 'p-lead-handler', unitId: LEAD, role: 'handler' },
      { recipient: 'unitLeader', personId: null, unitId: LEAD, role: 'unitLeader' },
    ]);
    const audit = await engine.audit(id, { actor: A.dutyChief });
    expect(audit.at(-1)?.summary).toContain('urgeAndNotifyLeader');
    expect((await engine.verifyAudit(id, { actor: A.dutyChief })).ok).toBe(true);
  });

  it('refuses bad options with VALIDATION', async () => {
    const { engine } = await setup();
    await rejected(engine.tick({ tenantId: '' }), 'VALIDATION');
    await rejected(engine.tick({ tenantId: TENANT, now: 'soon' as unknown as Date }), 'VALIDATION');
  });

  it('the scheduler ticks on the engine clock until stopped', async () => {
    const { engine, clock } = await setup();
    const seen: string[] = [];
    engine.on('sla:breached', (e) => seen.push(e.data.clockKey));
    clock.set('2026-03-05T09:30:00Z');
    const scheduler = engine.startScheduler({ intervalMs: 10, tenantIds: [TENANT] });
    await new Promise((resolve) => setTimeout(resolve, 80));
    await scheduler.stop();
    expect(seen).toContain('conclusion');
  });
});

describe('engine.recompute', () => {
  it('needs an administrator and refuses another tenant', async () => {
    const { engine } = await setup();
    await rejected(engine.recompute({ tenantId: TENANT }, { actor: A.leadHandler }), 'PERMISSION');
    await rejected(engine.recompute({ tenantId: 't-other' }, { actor: A.admin }), 'PERMISSION');
    expect((await engine.recompute({ tenantId: TENANT }, { actor: A.admin })).events).toEqual([]);
  });
});

describe('engine.query', () => {
  it('filters by level, unit, owner, tier, state and dueBefore from the indexes, with cursor pages', async () => {
    const { engine, clock, id } = await setup();
    const { case: other } = await engine.register(registration('general'), { actor: A.intake });
    await engine.execute(other.id, { type: 'accept' }, { actor: A.intake });
    await engine.execute(other.id, dispatchCmd([COOP]), { actor: A.dispatcher });
    clock.set('2026-03-05T09:30:00Z');
    await engine.tick({ tenantId: TENANT });
    const ids = async (f: Parameters<Engine['query']>[0]) => (await engine.query(f, { actor: A.dutyChief })).items.map((c) => c.id);
    expect(await ids({ unit: COOP })).toEqual([other.id]);
    expect(await ids({ owner: 'p-lead-handler' })).toEqual([id]);
    expect(await ids({ level: 'red', tier: 'general', state: 'inProgress' })).toEqual([id]);
    expect(await ids({ dueBefore: '2026-03-03T09:30:00Z' })).toEqual([other.id]);
    const page1 = await engine.query({ tier: 'general' }, { actor: A.dutyChief }, { limit: 1 });
    const page2 = await engine.query({ tier: 'general' }, { actor: A.dutyChief }, { limit: 1, cursor: page1.nextCursor });
    expect([...page1.items, ...page2.items].map((c) => c.id)).toEqual([id, other.id]);
    expect(page2.nextCursor).toBeNull();
  });

  it('shows a unit’s people only their units’ cases and refuses a bad filter', async () => {
    const { engine } = await setup();
    expect((await engine.query({}, { actor: A.otherHandler })).items).toEqual([]);
    expect((await engine.query({}, { actor: A.leadHandler })).items).toHaveLength(1);
    await rejected(engine.query({ level: 'purple' } as never, { actor: A.dutyChief }), 'VALIDATION');
    await rejected(engine.query({}, { actor: A.dutyChief }, { limit: 0 }), 'VALIDATION');
  });
});

describe('engine.recordFollowUp', () => {
  it('rejects bad input, the wrong role and a case that is not concluded, leaving the store untouched', async () => {
    const { engine, id } = await setup();
    const before = await dump(engine, id);
    await rejected(engine.recordFollowUp(id, { clock: 'followUp7', outcome: 'resolved' } as never, { actor: A.revisit }), 'VALIDATION');
    await rejected(engine.recordFollowUp(id, { clock: 'followUp30', outcome: 'resolved' }, { actor: A.leadHandler }), 'PERMISSION');
    await rejected(engine.recordFollowUp(id, { clock: 'followUp30', outcome: 'resolved' }, { actor: A.revisit }), 'INVALID_TRANSITION');
    await rejected(engine.recordFollowUp('nope', { clock: 'followUp30', outcome: 'resolved' }, { actor: A.revisit }), 'NOT_FOUND');
    expect(await dump(engine, id)).toBe(before);
  });
});
