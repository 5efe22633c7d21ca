import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/adapters/sqlite/index.js';
import {
  createEngine, isJiaobanError, JiaobanError, memoryStore, type CaseStore, type Engine, type EngineEvent, type EngineEventOf, type StoredEvent,
} from '../../src/index.js';
import { SimulatedClock } from '../../src/testing/index.js';
import { A, LEAD, TENANT, dispatchCmd, registration } from './_helpers.js';

/** The conclusion deadline of a general case accepted Mon 2 Mar 2026 09:30 Beijing (see sla.test.ts). */
const DUE = '2026-03-05T09:30:00.000Z';
const LEASE = 60_000;

/** `n` signed cases whose conclusion clock falls due at `DUE`, each with one timer row. */
async function signedCases(engine: Engine, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { case: c } = await engine.register(registration('general'), { actor: A.intake });
    await engine.execute(c.id, { type: 'accept' }, { actor: A.intake });
    await engine.execute(c.id, dispatchCmd([]), { actor: A.dispatcher });
    await engine.execute(c.id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, { actor: A.leadLiaison });
    ids.push(c.id);
  }
  return ids;
}

/** A store whose `commit` runs `after` once it has committed (a slow or stalled node, in simulated time). */
function hooked(inner: CaseStore, after: () => Promise<void>): CaseStore & { renewals: string[] } {
  const renewals: string[] = [];
  return {
    ...inner,
    renewals,
    async commit(batch) {
      await inner.commit(batch);
      await after();
    },
    async renewTimerLease(tenantId, timerId, token, options) {
      try {
        const lease = await inner.renewTimerLease(tenantId, timerId, token, options);
        renewals.push(`${timerId}:renewed`);
        return lease;
      } catch (error) {
        renewals.push(`${timerId}:${isJiaobanError(error, 'STORE') ? error.details.reason : 'error'}`);
        throw error;
      }
    },
  };
}

const breaches = (events: readonly EngineEvent[] | readonly StoredEvent[]) =>
  events.filter((e) => e.name === 'sla:breached' && (e as EngineEventOf<'sla:breached'>).data.clockKey === 'conclusion').map((e) => e.caseId).sort();

describe('engine.tick and timer leases', () => {
  it('renews what a slow batch still holds once half the lease has passed, so another node cannot take it', async () => {
    const clock = new SimulatedClock('2026-03-02T01:30:00Z');
    const inner = memoryStore();
    let ticking = false;
    const seenByOther: string[][] = [];
    const store = hooked(inner, async () => {
      if (!ticking) return;
      // Each case of the batch takes 40 s; after each, another node tries to claim what is free.
      clock.advance({ minutes: 40 / 60 });
      const other = await inner.claimDueTimers(TENANT, { now: clock.now(), limit: 100, leaseMs: LEASE, owner: 'other' });
      seenByOther.push(other.map((t) => t.caseId));
    });
    let n = 0;
    const engine = createEngine({ store, clock, timerLeaseMs: LEASE, ids: { caseId: () => `c-${++n}` } });
    const ids = await signedCases(engine, 3);
    clock.set(DUE);
    ticking = true;
    const r = await engine.tick({ tenantId: TENANT, now: new Date(DUE) });
    ticking = false;
    expect(r.casesProcessed).toBe(3);
    expect(breaches(r.events)).toEqual(ids);
    // At 40 s the tick renewed cases 2 and 3 to 100 s, so the other node found nothing at 80 s; without
    // the renewal, case 3's lease would have ended at 60 s and the other node would have taken it.
    expect(store.renewals.map((x) => `${x.split(':')[0]} ${x.split(':').pop()}`)).toEqual(['c-2 renewed', 'c-3 renewed', 'c-3 renewed']);
    expect(seenByOther).toEqual([[], [], []]);
  });

  it('skips the timers another node took while this one stalled past its lease; every effect happens once', async () => {
    const clock = new SimulatedClock('2026-03-02T01:30:00Z');
    const inner = memoryStore();
    let n = 0;
    const ids = await signedCases(createEngine({ store: inner, clock, ids: { caseId: () => `c-${++n}` } }), 3);
    clock.set(DUE);
    const other = createEngine({ store: inner, clock, timerLeaseMs: LEASE });
    let stalled = false;
    let otherResult: Awaited<ReturnType<Engine['tick']>> | null = null;
    const store = hooked(inner, async () => {
      if (stalled) return;
      stalled = true;
      // A 70 s pause after the first commit (a GC pause, a frozen VM): the lease ran out, the other node ticks.
      clock.advance({ minutes: 70 / 60 });
      otherResult = await other.tick({ tenantId: TENANT, now: clock.now() });
    });
    const slow = createEngine({ store, clock, timerLeaseMs: LEASE });
    const r = await slow.tick({ tenantId: TENANT, now: new Date(DUE) });
    const o = otherResult as unknown as Awaited<ReturnType<Engine['tick']>>;
    expect(r.casesProcessed).toBe(1);
    expect(o.casesProcessed).toBe(2);
    expect(store.renewals.filter((x) => x.endsWith(':leaseLost'))).toHaveLength(2);
    expect(breaches([...r.events, ...o.events])).toEqual(ids);
    const stored = (await Promise.all(ids.map((id) => inner.history(TENANT, id)))).flat();
    expect(breaches(stored)).toEqual(ids);
    // Nothing is left claimed: every case's timer is re-armed for its next step, unleased.
    expect((await Promise.all(ids.map((id) => inner.timers(TENANT, id)))).every((t) => t.length === 1)).toBe(true);
  });

  it('gives back a timer the database clock found due before the tick’s own instant, instead of dropping it', async () => {
    const clock = new SimulatedClock('2026-03-02T01:30:00Z');
    const inner = memoryStore();
    let n = 0;
    const [id] = await signedCases(createEngine({ store: inner, clock, ids: { caseId: () => `c-${++n}` } }), 1);
    // A database whose clock is 5 s ahead of the tick's `now` (or the time between reading `now` and
    // the claim): it hands out a timer that is not due yet at the instant the tick evaluates.
    const serverAhead: CaseStore = { ...inner, claimDueTimers: (t, o) => inner.claimDueTimers(t, { ...o, now: new Date(o.now.getTime() + 5000) }) };
    const engine = createEngine({ store: serverAhead, clock });
    const [timer] = await inner.timers(TENANT, id as string);
    const dueAt = Date.parse(timer?.dueAt ?? '');
    const early = await engine.tick({ tenantId: TENANT, now: new Date(dueAt - 1000) });
    expect(early.timersClaimed).toBe(1);
    expect(early.events).toEqual([]);
    expect(await inner.timers(TENANT, id as string)).toEqual([timer]);
    const due = await engine.tick({ tenantId: TENANT, now: new Date(dueAt) });
    expect(due.events.map((e) => e.name)).toContain('sla:warned');
  });

  it('refuses a malformed timer lease with VALIDATION', () => {
    for (const timerLeaseMs of [0, 99, 1.5, Number.NaN, 2 ** 31]) {
      let error: unknown = null;
      try {
        createEngine({ timerLeaseMs });
      } catch (e) {
        error = e;
      }
      expect(isJiaobanError(error, 'VALIDATION')).toBe(true);
    }
  });
});

describe('engine.relay and outbox leases', () => {
  async function withEvents(clock = new SimulatedClock('2026-03-02T01:30:00Z')) {
    const store = memoryStore();
    let n = 0;
    const engine = createEngine({ store, clock, ids: { caseId: () => `c-${++n}` } });
    await signedCases(engine, 3);
    const total = (await store.readOutbox(TENANT, 1000)).length;
    return { store, engine, clock, total };
  }

  it('two relays at once deliver every event exactly once while their leases live', async () => {
    const { store, engine, total } = await withEvents();
    const seen: string[] = [];
    const handler = async (e: StoredEvent) => {
      seen.push(e.eventId);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const [a, b] = await Promise.all([
      engine.relay({ tenantId: TENANT, handler, batchSize: 2, workerId: 'relay-a' }),
      engine.relay({ tenantId: TENANT, handler, batchSize: 2, workerId: 'relay-b' }),
    ]);
    expect(a.delivered).toBeGreaterThan(0);
    expect(b.delivered).toBeGreaterThan(0);
    expect(a.delivered + b.delivered).toBe(total);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(total);
    expect(await store.readOutbox(TENANT)).toEqual([]);
  });

  /**
   * A relay (batches of 5, lease 1 s) whose first handler hangs past the lease while another relay
   * claims and delivers everything; both relays acknowledge as `ack` says.
   */
  async function overtaken(ack: 'each' | 'batch') {
    const { store, engine, clock, total } = await withEvents();
    const first: string[] = [];
    const second: string[] = [];
    let late = { delivered: -1 };
    const slow = await engine.relay({
      tenantId: TENANT, batchSize: 5, leaseMs: 1000, workerId: 'slow', ack,
      handler: async (e) => {
        first.push(e.eventId);
        if (first.length > 1) return;
        clock.advance({ minutes: 1 });
        late = await engine.relay({ tenantId: TENANT, ack, handler: (x) => void second.push(x.eventId), workerId: 'fresh' });
      },
    });
    return { first, second, late, slow, total, left: await store.readOutbox(TENANT) };
  }

  it('a relay whose lease ran out leaves its rows to the relay that took them: same ids, nothing lost, no second copy of the rest', async () => {
    const { first, second, late, slow, total, left } = await overtaken('each');
    expect(late.delivered).toBe(total);
    expect(second).toHaveLength(total);
    expect(first).toHaveLength(1);
    expect(second).toContain(first[0]);
    expect(slow.delivered).toBe(0);
    expect(left).toEqual([]);
  });

  it('gives a failed batch back at once: the next relay redelivers from the failed event, same id', async () => {
    const { engine, total } = await withEvents();
    const boom = new Error('downstream down');
    const failed: string[] = [];
    let calls = 0;
    await expect(engine.relay({
      tenantId: TENANT, batchSize: 4, handler: (e) => {
        if (++calls === 2) {
          failed.push(e.eventId);
          throw boom;
        }
      },
    })).rejects.toBe(boom);
    const again: string[] = [];
    expect(await engine.relay({ tenantId: TENANT, handler: (e) => void again.push(e.eventId) })).toEqual({ delivered: total - 1 });
    expect(again[0]).toBe(failed[0]);
  });

  it("ack: 'batch' acknowledges each batch with one ackOutbox call, after its last handler", async () => {
    const { store, total } = await withEvents();
    const calls: string[][] = [];
    const counting: CaseStore = { ...store, ackOutbox: async (tenantId, ids, token) => {
      calls.push([...ids]);
      return store.ackOutbox(tenantId, ids, token);
    } };
    const engine = createEngine({ store: counting, clock: new SimulatedClock('2026-03-02T01:30:00Z') });
    const seen: string[] = [];
    const pendingAtHandler: number[] = [];
    const r = await engine.relay({ tenantId: TENANT, batchSize: 4, ack: 'batch', handler: async (e) => {
      seen.push(e.eventId);
      pendingAtHandler.push((await store.readOutbox(TENANT, 1000)).length);
    } });
    expect(r.delivered).toBe(total);
    expect(calls.map((ids) => ids.length)).toEqual(Array.from({ length: Math.ceil(total / 4) }, (_, i) => Math.min(4, total - 4 * i)));
    expect(calls.flat()).toEqual(seen);
    // Nothing of a batch is acknowledged while its handlers run: the backlog shrinks by a batch at a time.
    expect(pendingAtHandler.slice(0, 4)).toEqual([total, total, total, total]);
    expect(pendingAtHandler[4]).toBe(total - 4);
    expect(await store.readOutbox(TENANT)).toEqual([]);
  });

  it("ack: 'batch' with a failing handler acknowledges the events delivered before it and gives the rest back at once", async () => {
    const { engine, store, total } = await withEvents();
    const boom = new Error('downstream down');
    const before: string[] = [];
    let failed = '';
    await expect(engine.relay({
      tenantId: TENANT, batchSize: 4, ack: 'batch', handler: (e) => {
        if (before.length === 2) {
          failed = e.eventId;
          throw boom;
        }
        before.push(e.eventId);
      },
    })).rejects.toBe(boom);
    const left = (await store.readOutbox(TENANT, 1000)).map((row) => row.id);
    expect(left).toHaveLength(total - 2);
    expect(left).not.toContain(before[0]);
    expect(left).not.toContain(before[1]);
    const again: string[] = [];
    expect(await engine.relay({ tenantId: TENANT, ack: 'batch', handler: (e) => void again.push(e.eventId) })).toEqual({ delivered: total - 2 });
    expect(again[0]).toBe(failed);
  });

  it("ack: 'batch' whose lease ran out delivers its batch again only as repeats (same ids) and acknowledges none of the rows it lost", async () => {
    const { first, second, late, slow, total, left } = await overtaken('batch');
    expect(late.delivered).toBe(total);
    expect(new Set(second).size).toBe(total);
    expect(first.length).toBeGreaterThan(1);
    expect(first.every((id) => second.includes(id))).toBe(true);
    expect(slow.delivered).toBe(0);
    expect(left).toEqual([]);
  });

  it('rejects malformed relay options with VALIDATION and claims nothing', async () => {
    const { store, engine, total } = await withEvents();
    const handler = () => undefined;
    const bad: unknown[] = [
      { tenantId: '', handler }, { tenantId: TENANT, handler: 'publish' }, { tenantId: TENANT, handler, batchSize: 0 },
      { tenantId: TENANT, handler, batchSize: 1001 }, { tenantId: TENANT, handler, leaseMs: 0 }, { tenantId: TENANT, handler, leaseMs: 1.5 },
      { tenantId: TENANT, handler, workerId: '' }, { tenantId: TENANT, handler, extra: true }, { tenantId: TENANT, handler, ack: 'sometimes' },
    ];
    for (const options of bad) {
      const error = await engine.relay(options as Parameters<Engine['relay']>[0]).then(() => null, (e: unknown) => e);
      expect(isJiaobanError(error, 'VALIDATION')).toBe(true);
    }
    const rows = await store.claimOutbox(TENANT, { now: new Date(), limit: 1000, leaseMs: LEASE, owner: 'check' });
    expect(rows).toHaveLength(total);
    expect(rows.every((x) => x.attempts === 1)).toBe(true);
  });
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Two relays' views of one outbox: the same memory store, or two connections to one SQLite file. */
const RELAY_STORES: ReadonlyArray<{ name: string; open: () => Promise<{ a: CaseStore; b: CaseStore; close: () => void }> }> = [
  {
    name: 'memoryStore',
    open: async () => {
      const store = memoryStore();
      return { a: store, b: store, close: () => undefined };
    },
  },
  {
    name: 'sqliteStore (two connections to one file)',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'jiaoban-relay-'));
      const [dbA, dbB] = [new Database(join(dir, 'relay.db')), new Database(join(dir, 'relay.db'))];
      const a = sqliteStore(dbA);
      await a.migrate();
      return {
        a, b: sqliteStore(dbB), close: () => {
          dbA.close();
          dbB.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

/** `store` with its outbox renewals and acks recorded, and renewals failing while `outage()` says so. */
function watched(store: CaseStore, outage: () => boolean = () => false): CaseStore & { renewals: string[]; acks: string[] } {
  const renewals: string[] = [];
  const acks: string[] = [];
  return {
    ...store,
    renewals,
    acks,
    async renewOutboxLease(tenantId, ids, token, options) {
      if (outage()) {
        renewals.push('unavailable');
        throw new JiaobanError('STORE', 'injected: database unreachable', { operation: 'renewOutboxLease', outcome: 'failed', reason: 'unavailable' });
      }
      try {
        const lease = await store.renewOutboxLease(tenantId, ids, token, options);
        renewals.push('renewed');
        return lease;
      } catch (error) {
        renewals.push(isJiaobanError(error, 'STORE') ? String(error.details.reason) : 'error');
        throw error;
      }
    },
    async ackOutbox(tenantId, ids, token) {
      acks.push(...ids);
      return store.ackOutbox(tenantId, ids, token);
    },
  };
}

// Real time and small real leases: the stores lease on `ClaimOptions.now`, which the relay reads from
// the engine's clock (the system clock here), and the heartbeat runs on real timers.
describe.each(RELAY_STORES)('engine.relay heartbeat on $name', ({ open }) => {
  /** Events of one signed case in the outbox (written on simulated time); their ids, oldest first. */
  async function outbox(store: CaseStore): Promise<string[]> {
    let n = 0;
    await signedCases(createEngine({ store, clock: new SimulatedClock('2026-03-02T01:30:00Z'), ids: { caseId: () => `c-${++n}` } }), 1);
    return (await store.readOutbox(TENANT, 1000)).map((r) => r.id);
  }

  it.each(['each', 'batch'] as const)('keeps the batch of a handler slower than the lease: a relay trying meanwhile finds nothing, each event is delivered once (ack: %s)', async (ack) => {
    const { a, b, close } = await open();
    try {
      const ids = await outbox(a);
      const seen: string[] = [];
      const slow = createEngine({ store: a }).relay({
        tenantId: TENANT, leaseMs: 300, workerId: 'slow', ack, handler: async (e) => {
          seen.push(`slow ${e.eventId}`);
          if (seen.length === 1) await sleep(800);
        },
      });
      const other = createEngine({ store: b });
      const tries: number[] = [];
      // Every try comes after the first lease's end (300 ms): only renewals keep the rows.
      for (const wait of [400, 150, 150]) {
        await sleep(wait);
        tries.push((await other.relay({ tenantId: TENANT, workerId: 'other', handler: (e) => void seen.push(`other ${e.eventId}`) })).delivered);
      }
      expect(await slow).toEqual({ delivered: ids.length });
      expect(tries).toEqual([0, 0, 0]);
      expect(seen).toEqual(ids.map((id) => `slow ${id}`));
      expect(await a.readOutbox(TENANT)).toEqual([]);
    } finally {
      close();
    }
  });

  it('stops a relay whose lease was lost anyway: renewals failed, another relay took and delivered the batch, the slow one delivers nothing more', async () => {
    const { a, b, close } = await open();
    try {
      const ids = await outbox(a);
      let outage = true;
      const store = watched(a, () => outage);
      const slowSeen: string[] = [];
      const slow = createEngine({ store }).relay({
        tenantId: TENANT, leaseMs: 300, workerId: 'slow', handler: async (e) => {
          slowSeen.push(e.eventId);
          if (slowSeen.length === 1) await sleep(800);
        },
      });
      // The database is out of reach for the slow relay's renewals, so its lease runs out at 300 ms.
      await sleep(450);
      const otherSeen: string[] = [];
      const other = await createEngine({ store: b }).relay({ tenantId: TENANT, workerId: 'other', handler: (e) => void otherSeen.push(e.eventId) });
      outage = false;
      expect(await slow).toEqual({ delivered: 0 });
      expect(other).toEqual({ delivered: ids.length });
      expect(otherSeen).toEqual(ids);
      // The first event twice (at least once, same id); nothing else of the batch from the slow relay.
      expect(slowSeen).toEqual(ids.slice(0, 1));
      expect(store.acks).toEqual(ids.slice(0, 1));
      // The first renewal after the outage found the rows gone, and the heartbeat stopped there.
      expect(store.renewals).toContain('unavailable');
      expect(store.renewals.slice(store.renewals.indexOf('leaseLost'))).toEqual(['leaseLost']);
      expect(await a.readOutbox(TENANT)).toEqual([]);
    } finally {
      close();
    }
  });

  it('stops renewing once the relay returns or throws', async () => {
    const { a, close } = await open();
    try {
      await outbox(a);
      const store = watched(a);
      const engine = createEngine({ store });
      const boom = new Error('downstream down');
      let calls = 0;
      await expect(engine.relay({
        tenantId: TENANT, leaseMs: 150, handler: async () => {
          await sleep(200);
          if (++calls === 2) throw boom;
        },
      })).rejects.toBe(boom);
      const afterThrow = store.renewals.length;
      expect(afterThrow).toBeGreaterThan(0);
      await sleep(250);
      expect(store.renewals).toHaveLength(afterThrow);
      await engine.relay({ tenantId: TENANT, leaseMs: 150, handler: () => sleep(120) });
      const afterReturn = store.renewals.length;
      expect(afterReturn).toBeGreaterThan(afterThrow);
      await sleep(250);
      expect(store.renewals).toHaveLength(afterReturn);
      expect(store.renewals.every((r) => r === 'renewed')).toBe(true);
    } finally {
      close();
    }
  });
});
