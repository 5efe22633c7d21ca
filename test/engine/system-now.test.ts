/**
 * Which "now" a tick evaluates at when the caller gives none: the database's, when the engine runs
 * on the system clock and the store keeps time (its claims already do); the engine's own clock
 * otherwise, a simulated one above all.
 */
import { describe, expect, it } from 'vitest';
import { cnMainland } from '../../src/calendar/index.js';
import { JiaobanError, createEngine, memoryStore, systemClock, type CaseStore, type Clock } from '../../src/index.js';
import { A, StepClock, TENANT, registration } from './_helpers.js';

const DAY = 86_400_000;

/**
 * A memory store that keeps time as a database does, with a clock `offsetMs` ahead of the node's:
 * `now()` reads it, and claims go by it whatever instant the caller passes (as PostgreSQL's `now()`).
 */
function timeKeepingStore(offsetMs: number): CaseStore & { reads: number; claims: number } {
  const inner = memoryStore();
  const store = {
    ...inner,
    reads: 0,
    claims: 0,
    capabilities: { durable: false, multiProcess: false, skipLocked: false, serverTime: true, migrations: false },
    async now() {
      store.reads += 1;
      return new Date(Date.now() + offsetMs);
    },
    claimDueTimers(tenantId: string, options: Parameters<CaseStore['claimDueTimers']>[1]) {
      store.claims += 1;
      return inner.claimDueTimers(tenantId, { ...options, now: new Date(Date.now() + offsetMs) });
    },
  };
  return store;
}

async function tickAfterRegistration(store: CaseStore, clock?: Clock) {
  // Weekdays past the bundled notices, so the test holds whatever day it runs on.
  const engine = createEngine({ store, calendars: { working: cnMainland({ outOfRange: 'weekdays' }) }, ...(clock === undefined ? {} : { clock }) });
  const { case: c } = await engine.register(registration('general'), { actor: A.intake });
  const result = await engine.tick({ tenantId: TENANT });
  return { result, caseId: c.id, engine };
}

describe('the instant a tick evaluates at', () => {
  it('is the database clock when the store keeps time and the engine runs on the system clock', async () => {
    // The acceptance clock (4 working hours) is long overdue by the database's clock, ten days on.
    const store = timeKeepingStore(10 * DAY);
    const { result } = await tickAfterRegistration(store);
    expect(store.reads).toBeGreaterThan(0);
    expect(result.events.map((e) => e.name)).toEqual(expect.arrayContaining(['sla:breached', 'sla:overdue']));
  });

  it('is asked of the store as a method, so a now() that reads `this` (a store written as a class) gets the store', async () => {
    const store = timeKeepingStore(10 * DAY);
    const selves: unknown[] = [];
    store.now = async function (this: unknown) {
      selves.push(this);
      return new Date(Date.now() + 10 * DAY);
    };
    const { result } = await tickAfterRegistration(store);
    expect(selves).toEqual([store]);
    expect(result.events.map((e) => e.name)).toEqual(expect.arrayContaining(['sla:overdue']));
  });

  it('is read from the database only when a claim found due work', async () => {
    // Nothing due by the database's clock: the claim is the tick's only round trip.
    const idle = timeKeepingStore(0);
    const quiet = await tickAfterRegistration(idle);
    expect([idle.claims, idle.reads, quiet.result.timersClaimed]).toEqual([1, 0, 0]);
    // Due work: one read, after the claim, for all of it.
    const busy = timeKeepingStore(10 * DAY);
    const { result } = await tickAfterRegistration(busy);
    expect(result.timersClaimed).toBeGreaterThan(0);
    expect(busy.reads).toBe(1);
  });

  it('hands a claimed batch back when the database clock cannot be read', async () => {
    const store = timeKeepingStore(10 * DAY);
    const engine = createEngine({ store, calendars: { working: cnMainland({ outOfRange: 'weekdays' }) } });
    await engine.register(registration('general'), { actor: A.intake });
    store.now = async () => {
      throw new JiaobanError('STORE', 'database unreachable', { operation: 'now', outcome: 'failed' });
    };
    await expect(engine.tick({ tenantId: TENANT })).rejects.toMatchObject({ code: 'STORE' });
    // Released, not held until its lease ends: claimable again at once, by the same database clock.
    const again = await store.claimDueTimers(TENANT, { now: new Date(), limit: 10, leaseMs: 60_000, owner: 'other' });
    expect(again).toHaveLength(1);
  });

  it('is the node clock for a store without serverTime or without now()', async () => {
    const inner = memoryStore();
    let asked = 0;
    const noServerTime: CaseStore = { ...inner, now: async () => { asked += 1; return new Date(Date.now() + 10 * DAY); } };
    const first = await tickAfterRegistration(noServerTime);
    expect([asked, first.result.events.length]).toEqual([0, 0]);
    const { now: _none, ...noNow } = timeKeepingStore(10 * DAY);
    const second = await tickAfterRegistration(noNow as CaseStore);
    expect(second.result.events).toEqual([]);
  });

  it('is the engine clock when the host gave one, even over a time-keeping store', async () => {
    const store = timeKeepingStore(10 * DAY);
    const { result } = await tickAfterRegistration(store, new StepClock(new Date().toISOString()));
    expect([store.reads, result.events.length]).toEqual([0, 0]);
  });

  it('is the caller’s instant when the tick names one', async () => {
    const store = timeKeepingStore(10 * DAY);
    const engine = createEngine({ store, clock: systemClock, calendars: { working: cnMainland({ outOfRange: 'weekdays' }) } });
    await engine.register(registration('general'), { actor: A.intake });
    const result = await engine.tick({ tenantId: TENANT, now: new Date() });
    expect([store.reads, result.events.length]).toEqual([0, 0]);
  });
});
