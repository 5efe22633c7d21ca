import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { createEngine } from '../../engine/create-engine.js';
import type { Actor } from '../../engine/permissions.js';
import { ConcurrencyError, isJiaobanError } from '../../errors.js';
import type { CaseStore, CommitBatch, StoreCapabilities, StoredCase } from '../../store/case-store.js';
import { commitBatch, type BatchOptions } from './fixtures.js';

/**
 * What a conformance run needs from the adapter under test.
 *
 * @example
 * const handle: StoreHandle = { store: sqliteStore(new Database(':memory:')), cleanup: async () => {} };
 */
export interface StoreHandle {
  store: CaseStore;
  cleanup?: () => Promise<void>;
}

/**
 * A store over an empty database (no `migrate()` run yet), for the migrations suite.
 *
 * @example
 * const empty: EmptyStoreHandle = { store, reopen: () => sqliteStore(db), setSchemaVersion: async (v) => { … } };
 */
export interface EmptyStoreHandle extends StoreHandle {
  /** A second store over the same database (a new process, in effect: no cached schema check). */
  reopen?: () => CaseStore;
  /** Records schema version `v` as applied, to simulate a database migrated by newer code. */
  setSchemaVersion?: (version: number) => Promise<void>;
}

/**
 * Options of `defineStoreConformance`.
 *
 * @example
 * defineStoreConformance({ name: 'sqlite', create: async () => { const store = sqliteStore(new Database(':memory:')); await store.migrate(); return { store }; } });
 */
export interface StoreConformanceOptions {
  /** Shown in every suite name: `<name> › optimistic concurrency`. */
  name: string;
  /**
   * A ready store (migrated). Called once per suite; tests use fresh tenant ids, so the store may
   * be shared and need not be empty.
   */
  create: () => Promise<StoreHandle>;
  /** A store over an empty database; the migrations suite is skipped (with the reason) without it. */
  createEmpty?: () => Promise<EmptyStoreHandle>;
  /** Run only these suites (by the names in `CONFORMANCE_SUITES`). */
  only?: readonly ConformanceSuite[];
  /**
   * Lease length used by the lease-expiry tests (timers and outbox), ms (default 1000). Raise it for
   * slow remote databases. The kit waits it out only for a `serverTime` store; for any other it moves
   * the `now` it passes forward instead.
   */
  leaseMs?: number;
}

/**
 * The suites, by name. An adapter author reads the failing suite's name as the broken clause.
 *
 * @example
 * defineStoreConformance({ name: 'my-store', create, only: CONFORMANCE_SUITES.filter((s) => s !== 'engine') });
 */
export const CONFORMANCE_SUITES = [
  'basic CRUD', 'atomic commit and rollback', 'optimistic concurrency', 'idempotency', 'timers and leases', 'outbox', 'outbox leases',
  'query and pagination', 'tenant isolation', 'migrations', 'engine',
] as const;
/**
 * One suite name.
 *
 * @example
 * const suite: ConformanceSuite = 'timers and leases';
 */
export type ConformanceSuite = (typeof CONFORMANCE_SUITES)[number];

/** What a store that declares nothing is taken to be (the memory store). */
const DEFAULT_CAPABILITIES: StoreCapabilities = { durable: false, multiProcess: false, skipLocked: false, serverTime: false, migrations: false };

let tenantCounter = 0;
/** A tenant id no other test (or earlier run against the same database) has used. */
const freshTenant = (): string => `kit-${process.pid}-${Date.now().toString(36)}-${++tenantCounter}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A conformance suite's clock (see `kitClock`). */
interface KitClock {
  now(): Date;
  /** The ISO instant `offsetMs` from now. */
  iso(offsetMs: number): string;
  /** Lets `ms` pass: in real time for a store on the database's clock, on the kit's clock otherwise. */
  elapse(ms: number): Promise<void>;
}
/** Claim options every store must refuse with `VALIDATION` (merged over valid ones). */
const BAD_CLAIMS: ReadonlyArray<Record<string, unknown>> = [
  { limit: 0 }, { limit: 1001 }, { limit: 2.5 }, { leaseMs: 0 }, { leaseMs: -5 }, { leaseMs: Number.NaN }, { leaseMs: 1.5 }, { leaseMs: 2 ** 31 },
  { owner: '' }, { owner: 'x'.repeat(201) }, { now: new Date('not a date') },
];

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, the call succeeded');
}

/**
 * Registers the store conformance suites (vitest `describe` blocks) against an adapter factory.
 * Call it at the top level of a test file. A test is skipped only when the store declares a
 * capability the test needs as absent; the reason is printed. Never on the adapter's name.
 *
 * @example
 * // test/adapters/my-store.conformance.test.ts
 * import { defineStoreConformance } from 'jiaoban/testing';
 * defineStoreConformance({
 *   name: 'my-store',
 *   create: async () => ({ store: myStore(client), cleanup: () => client.end() }),
 * });
 */
export function defineStoreConformance(options: StoreConformanceOptions): void {
  const leaseMs = options.leaseMs ?? 1000;
  const wanted = (suite: ConformanceSuite) => options.only === undefined || options.only.includes(suite);

  /** One shared store per suite, created lazily in `beforeAll`, and the suite's clock. */
  function suite(name: ConformanceSuite, body: (get: () => CaseStore, time: KitClock) => void): void {
    if (!wanted(name)) return;
    describe(`${options.name} › ${name}`, () => {
      let handle: StoreHandle | undefined;
      beforeAll(async () => {
        handle = await options.create();
      });
      afterAll(async () => {
        await handle?.cleanup?.();
      });
      const get = () => {
        if (handle === undefined) throw new Error('store not created');
        return handle.store;
      };
      body(get, kitClock(get));
    });
  }

  /**
   * The "now" a suite hands its store. A store on the database's clock (`serverTime`) ends leases in
   * real time, so letting one run out means waiting. Any other store takes "now" from the options it
   * is given, so the kit moves its own clock on instead of sleeping: the lease tests then take
   * milliseconds, and a store that read the wall clock instead would fail them. The clock only goes
   * forward; every instant a suite writes (due dates, renewals) is on it.
   */
  function kitClock(get: () => CaseStore): KitClock {
    let skewMs = 0;
    const ms = () => Date.now() + skewMs;
    return {
      now: () => new Date(ms()),
      iso: (offsetMs) => new Date(ms() + offsetMs).toISOString(),
      elapse: async (byMs) => {
        if (caps(get()).serverTime) await sleep(byMs);
        else skewMs += byMs;
      },
    };
  }

  const caps = (store: CaseStore): StoreCapabilities => store.capabilities ?? DEFAULT_CAPABILITIES;
  function requireCapability(ctx: TestContext, store: CaseStore, capability: keyof StoreCapabilities, expected: boolean): void {
    if (caps(store)[capability] === expected) return;
    const reason = `store declares ${capability}: ${String(caps(store)[capability])}`;
    console.info(`[jiaoban conformance] ${options.name}: skipped "${ctx.task.name}" because the ${reason}`);
    ctx.skip(reason);
  }

  /** Creates a case and returns its row as stored. */
  async function seed(store: CaseStore, tenantId: string, caseId: string, batchOptions: BatchOptions = {}): Promise<StoredCase> {
    await store.commit(commitBatch(tenantId, caseId, null, batchOptions));
    return (await store.load(tenantId, caseId)) as StoredCase;
  }
  async function advance(store: CaseStore, head: StoredCase, batchOptions: BatchOptions = {}): Promise<StoredCase> {
    await store.commit(commitBatch(head.tenantId, head.id, head, batchOptions));
    return (await store.load(head.tenantId, head.id)) as StoredCase;
  }
  /** Everything the store holds about a case, for "nothing changed" comparisons. */
  async function footprint(store: CaseStore, tenantId: string, caseId: string) {
    return {
      case: await store.load(tenantId, caseId),
      history: await store.history(tenantId, caseId),
      audit: await store.audit(tenantId, caseId),
      outbox: (await store.readOutbox(tenantId, 1000)).filter((o) => o.caseId === caseId),
      timers: await store.timers(tenantId, caseId),
    };
  }

  suite('basic CRUD', (store) => {
    it('loads null for a case that was never created', async () => {
      expect(await store().load(freshTenant(), 'missing')).toBeNull();
    });

    it('creates a case and loads back exactly the row it was given', async () => {
      const t = freshTenant();
      const b = commitBatch(t, 'c-1', null, { fields: { ownerId: 'p-1', leadUnitId: 'u-1', unitIds: ['u-1', 'u-2'], level: 'yellow', dueAt: '2026-03-09T01:00:00.000Z' } });
      await store().commit(b);
      expect(await store().load(t, 'c-1')).toEqual(b.case);
    });

    it('advances a case one version per commit and keeps events and audit entries in order', async () => {
      const t = freshTenant();
      let head = await seed(store(), t, 'c-1');
      head = await advance(store(), head, { events: 2 });
      head = await advance(store(), head);
      expect(head.version).toBe(3);
      expect((await store().history(t, 'c-1')).map((e) => e.eventId)).toEqual(['c-1:1:0', 'c-1:2:0', 'c-1:2:1', 'c-1:3:0']);
      const audit = await store().audit(t, 'c-1');
      expect(audit.map((a) => a.seq)).toEqual([1, 2, 3]);
      expect(audit[2]?.hash).toBe(head.auditHead.hash);
    });

    it('gives back any text exactly: Chinese, emoji, quotes, line separators', async () => {
      const t = freshTenant();
      const text = '路灯不亮 café 😀 "quoted" \\ \u2028 end';
      const b = commitBatch(t, 'c-1', null, { fields: { snapshot: { value: 'inProgress', context: { title: text } } } });
      (b.events[0] as Record<string, unknown>)['data'] = { note: text };
      await store().commit(b);
      expect((await store().load(t, 'c-1'))?.snapshot).toEqual({ value: 'inProgress', context: { title: text } });
      expect((await store().history(t, 'c-1'))[0]).toEqual(b.events[0]);
    });

    it('hands out copies: mutating a returned row does not change what is stored', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      const c = (await store().load(t, 'c-1')) as StoredCase;
      (c.snapshot as { context: { n: number } }).context.n = 99;
      c.state = 'archived';
      const events = await store().history(t, 'c-1');
      (events[0] as Record<string, unknown>)['name'] = 'tampered';
      expect(await store().load(t, 'c-1')).toMatchObject({ state: 'inProgress', snapshot: { context: { n: 1 } } });
      expect((await store().history(t, 'c-1'))[0]?.name).toBe('case:registered');
    });
  });

  suite('atomic commit and rollback', (store, time) => {
    it('applies nothing of a batch rejected for its version: no case change, event, audit, outbox row, timer or key', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1');
      await advance(store(), head);
      const before = await footprint(store(), t, 'c-1');
      const stale = commitBatch(t, 'c-1', head, { events: 3, idempotencyKey: 'k-stale', timers: [{ id: 'c-1:x', kind: 'x', dueAt: time.iso(-60_000) }] });
      await expect(store().commit(stale)).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await footprint(store(), t, 'c-1')).toEqual(before);
      expect(await store().findIdempotency(t, 'k-stale')).toBeNull();
    });

    it('rejects a batch whose audit entry does not extend the stored chain, with STORE, and applies nothing', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1');
      const forged = commitBatch(t, 'c-1', { ...head, auditHead: { seq: head.auditHead.seq, hash: 'f'.repeat(64) } });
      const before = await footprint(store(), t, 'c-1');
      expect(await rejectionOf(store().commit(forged))).toMatchObject({ code: 'STORE' });
      expect(await footprint(store(), t, 'c-1')).toEqual(before);
    });

    it('rejects a batch whose case version does not advance by one, with STORE', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1');
      const b = commitBatch(t, 'c-1', head);
      b.case.version = head.version + 2;
      expect(await rejectionOf(store().commit(b))).toMatchObject({ code: 'STORE' });
      expect((await store().load(t, 'c-1'))?.version).toBe(1);
    });

    it('rejects a batch carrying an event of another case, with STORE, and creates nothing', async () => {
      const t = freshTenant();
      const b = commitBatch(t, 'c-1', null);
      b.events.push({ ...(b.events[0] as CommitBatch['events'][number]), eventId: 'c-2:1:0', caseId: 'c-2' });
      expect(await rejectionOf(store().commit(b))).toMatchObject({ code: 'STORE' });
      expect(await store().load(t, 'c-1')).toBeNull();
      expect(await store().readOutbox(t)).toEqual([]);
    });

    it('keeps an accepted commit whole: case, events, audit, outbox rows, timers and key together', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1');
      await advance(store(), head, { events: 2, idempotencyKey: 'k-1', timers: [{ id: 'c-1:sign', kind: 'signDue', dueAt: time.iso(3_600_000) }] });
      const after = await footprint(store(), t, 'c-1');
      expect(after.case?.version).toBe(2);
      expect(after.history).toHaveLength(3);
      expect(after.audit).toHaveLength(2);
      expect(after.outbox).toHaveLength(3);
      expect(after.timers.map((x) => x.id)).toEqual(['c-1:sign']);
      expect(await store().findIdempotency(t, 'k-1')).toMatchObject({ key: 'k-1' });
    });
  });

  suite('optimistic concurrency', (store) => {
    it('rejects a stale version with ConcurrencyError carrying expected and actual', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1');
      await advance(store(), head);
      const error = await rejectionOf(store().commit(commitBatch(t, 'c-1', head)));
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ code: 'CONCURRENCY', expected: 1, actual: 2 });
    });

    it('rejects a create over an existing case with ConcurrencyError', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      expect(await rejectionOf(store().commit(commitBatch(t, 'c-1', null)))).toBeInstanceOf(ConcurrencyError);
    });

    it('rejects an update of a case that does not exist with ConcurrencyError (actual null)', async () => {
      const t = freshTenant();
      const ghost = commitBatch(t, 'c-9', null).case;
      expect(await rejectionOf(store().commit(commitBatch(t, 'c-9', ghost)))).toMatchObject({ code: 'CONCURRENCY', actual: null });
    });

    it('lets exactly one of several concurrent commits on the same version win; the others leave nothing', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1');
      const racers = Array.from({ length: 8 }, (_, i) => commitBatch(t, 'c-1', head, { fields: { ownerId: `p-${i}` }, events: 2 }));
      const results = await Promise.allSettled(racers.map((b) => store().commit(b)));
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
      expect(await store().history(t, 'c-1')).toHaveLength(3);
      expect(await store().audit(t, 'c-1')).toHaveLength(2);
      expect(await store().readOutbox(t, 100)).toHaveLength(3);
    });

    it('lets exactly one of several concurrent creates of the same case id win', async () => {
      const t = freshTenant();
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => store().commit(commitBatch(t, 'c-1', null))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
      expect(await store().history(t, 'c-1')).toHaveLength(1);
    });
  });

  suite('idempotency', (store) => {
    it('stores the record in the same commit as its effect and finds it by key', async () => {
      const t = freshTenant();
      await store().commit(commitBatch(t, 'c-1', null, { idempotencyKey: 'form-1', fingerprint: 'a'.repeat(64) }));
      expect(await store().findIdempotency(t, 'form-1')).toEqual({ key: 'form-1', fingerprint: 'a'.repeat(64), response: { version: 1 } });
      expect(await store().findIdempotency(t, 'form-2')).toBeNull();
    });

    it('rejects a second commit with a used key as IDEMPOTENCY_CONFLICT and applies nothing of it', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1', { idempotencyKey: 'k' });
      const before = await footprint(store(), t, 'c-1');
      expect(await rejectionOf(store().commit(commitBatch(t, 'c-1', head, { idempotencyKey: 'k' })))).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
      expect(await footprint(store(), t, 'c-1')).toEqual(before);
      expect(await store().load(t, 'c-2')).toBeNull();
      expect(await rejectionOf(store().commit(commitBatch(t, 'c-2', null, { idempotencyKey: 'k' })))).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
      expect(await store().load(t, 'c-2')).toBeNull();
    });

    it('accepts exactly one of several concurrent commits with the same key on different cases', async () => {
      const t = freshTenant();
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store().commit(commitBatch(t, `c-${i}`, null, { idempotencyKey: 'same' }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
      expect((await store().query(t, {})).items).toHaveLength(1);
    });

    it('scopes keys by tenant: the same key in another tenant is a different key', async () => {
      const [a, b] = [freshTenant(), freshTenant()];
      await store().commit(commitBatch(a, 'c-1', null, { idempotencyKey: 'k' }));
      await store().commit(commitBatch(b, 'c-1', null, { idempotencyKey: 'k' }));
      expect(await store().findIdempotency(a, 'k')).not.toBeNull();
      expect(await store().findIdempotency(b, 'k')).not.toBeNull();
    });
  });

  suite('timers and leases', (store, time) => {
    const claim = (tenantId: string, limit = 100, lease = 60_000, owner = 'w-1') =>
      store().claimDueTimers(tenantId, { now: time.now(), limit, leaseMs: lease, owner });

    it('keeps timers written by a commit, listed per case, and removes them by id in a later commit', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'a', dueAt: time.iso(3_600_000), data: { clock: 'handle' } }, { id: 'c-1:b', kind: 'b', dueAt: time.iso(7_200_000) }] });
      expect((await store().timers(t, 'c-1')).map((x) => [x.id, x.kind])).toEqual([['c-1:a', 'a'], ['c-1:b', 'b']]);
      expect((await store().timers(t, 'c-1'))[0]?.data).toEqual({ clock: 'handle' });
      await advance(store(), head, { removeTimers: ['c-1:a'] });
      expect((await store().timers(t, 'c-1')).map((x) => x.id)).toEqual(['c-1:b']);
    });

    it('never claims a timer before it is due', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:later', kind: 'k', dueAt: time.iso(3_600_000) }] });
      expect(await claim(t)).toEqual([]);
    });

    it('claims due timers oldest first, up to the limit, with a lease and an attempt count', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', {
        timers: [
          { id: 'c-1:2', kind: 'k', dueAt: time.iso(-60_000) }, { id: 'c-1:1', kind: 'k', dueAt: time.iso(-120_000) },
          { id: 'c-1:3', kind: 'k', dueAt: time.iso(-30_000) }, { id: 'c-1:later', kind: 'k', dueAt: time.iso(3_600_000) },
        ],
      });
      const first = await claim(t, 2);
      expect(first.map((x) => x.id)).toEqual(['c-1:1', 'c-1:2']);
      expect(first[0]).toMatchObject({ attempts: 1, lease: { owner: 'w-1' } });
      expect(Date.parse(first[0]?.lease.expiresAt ?? '')).toBeGreaterThan(Date.now() + 30_000);
      expect((await claim(t)).map((x) => x.id)).toEqual(['c-1:3']);
      expect(await claim(t)).toEqual([]);
    });

    it('never hands one due timer to two concurrent claimers', async () => {
      const t = freshTenant();
      const timers = Array.from({ length: 40 }, (_, i) => ({ id: `c-1:${String(i).padStart(2, '0')}`, kind: 'k', dueAt: time.iso(-60_000) }));
      await seed(store(), t, 'c-1', { timers });
      const batches = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(t, 10, 60_000, `w-${i}`)));
      const ids = batches.flat().map((x) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeLessThanOrEqual(40);
    });

    it('deletes a timer on completion by its lease holder', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      const [held] = await claim(t);
      await store().completeTimer(t, 'c-1:a', held?.lease.token ?? '');
      expect(await store().timers(t, 'c-1')).toEqual([]);
    });

    it('makes a timer claimable again when its lease runs out, with a new token and attempts + 1', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      const [first] = await claim(t, 10, leaseMs);
      expect(await claim(t, 10, leaseMs)).toEqual([]);
      await time.elapse(leaseMs + 250);
      const [second] = await claim(t, 10, leaseMs, 'w-2');
      expect(second).toMatchObject({ id: 'c-1:a', attempts: 2, lease: { owner: 'w-2' } });
      expect(second?.lease.token).not.toBe(first?.lease.token);
    });

    it('fences a stale holder: completion and release with the old token are rejected (leaseLost) once another worker holds the timer', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      const [stale] = await claim(t, 10, leaseMs);
      await time.elapse(leaseMs + 250);
      const [fresh] = await claim(t, 10, 60_000, 'w-2');
      expect(await rejectionOf(store().completeTimer(t, 'c-1:a', stale?.lease.token ?? ''))).toMatchObject({ code: 'STORE', details: { reason: 'leaseLost' } });
      expect(await rejectionOf(store().releaseTimer(t, 'c-1:a', stale?.lease.token ?? ''))).toMatchObject({ code: 'STORE', details: { reason: 'leaseLost' } });
      expect((await store().timers(t, 'c-1')).map((x) => x.id)).toEqual(['c-1:a']);
      await store().completeTimer(t, 'c-1:a', fresh?.lease.token ?? '');
      expect(await store().timers(t, 'c-1')).toEqual([]);
    });

    it('rejects completion of a timer that no longer exists (leaseLost)', async () => {
      const t = freshTenant();
      expect(await rejectionOf(store().completeTimer(t, 'nope', 'token'))).toMatchObject({ code: 'STORE', details: { reason: 'leaseLost' } });
    });

    it('gives a released timer back at once to the next claimer', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      const [held] = await claim(t);
      await store().releaseTimer(t, 'c-1:a', held?.lease.token ?? '');
      expect((await claim(t, 10, 60_000, 'w-2')).map((x) => x.id)).toEqual(['c-1:a']);
    });

    it('renews a held lease: same token, not claimable when the first lease would have ended, completed with the same token', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      const [held] = await claim(t, 10, leaseMs);
      const token = held?.lease.token ?? '';
      const lease = await store().renewTimerLease(t, 'c-1:a', token, { now: time.now(), leaseMs: leaseMs * 5 });
      expect(lease).toMatchObject({ token, owner: 'w-1' });
      expect(Date.parse(lease.expiresAt)).toBeGreaterThan(Date.parse(held?.lease.expiresAt ?? ''));
      await time.elapse(leaseMs + 250);
      expect(await claim(t, 10, leaseMs, 'w-2')).toEqual([]);
      await store().completeTimer(t, 'c-1:a', token);
      expect(await store().timers(t, 'c-1')).toEqual([]);
    });

    it('refuses to renew a lease another worker took over, or an unknown timer (leaseLost), and leaves the holder as it was', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      const [stale] = await claim(t, 10, leaseMs);
      await time.elapse(leaseMs + 250);
      const [fresh] = await claim(t, 10, 60_000, 'w-2');
      const renew = { now: time.now(), leaseMs: 60_000 };
      expect(await rejectionOf(store().renewTimerLease(t, 'c-1:a', stale?.lease.token ?? '', renew))).toMatchObject({ code: 'STORE', details: { reason: 'leaseLost' } });
      expect(await rejectionOf(store().renewTimerLease(t, 'nope', 'token', renew))).toMatchObject({ code: 'STORE', details: { reason: 'leaseLost' } });
      expect(await claim(t, 10, 60_000, 'w-3')).toEqual([]);
      await store().completeTimer(t, 'c-1:a', fresh?.lease.token ?? '');
      expect(await store().timers(t, 'c-1')).toEqual([]);
    });

    it('rejects a malformed renewal with VALIDATION and leaves the lease as it was', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      const [held] = await claim(t, 10, leaseMs);
      const token = held?.lease.token ?? '';
      for (const bad of [{ leaseMs: 0 }, { leaseMs: -1 }, { leaseMs: 1.5 }, { leaseMs: Number.NaN }, { leaseMs: 2 ** 31 }, { now: new Date('not a date') }]) {
        expect(await rejectionOf(store().renewTimerLease(t, 'c-1:a', token, { now: time.now(), leaseMs: 60_000, ...bad }))).toMatchObject({ code: 'VALIDATION' });
      }
      await time.elapse(leaseMs + 250);
      expect((await claim(t, 10, 60_000, 'w-2')).map((x) => [x.id, x.attempts])).toEqual([['c-1:a', 2]]);
    });

    it('rejects malformed claim options with VALIDATION and claims nothing', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      for (const bad of BAD_CLAIMS) {
        expect(await rejectionOf(store().claimDueTimers(t, { now: time.now(), limit: 10, leaseMs: 60_000, owner: 'w-1', ...bad }))).toMatchObject({ code: 'VALIDATION' });
      }
      expect((await claim(t)).map((x) => [x.id, x.attempts])).toEqual([['c-1:a', 1]]);
    });

    it('re-arms a timer upserted again: new due time, no lease, the old token fenced out', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-1000) }] });
      const [held] = await claim(t);
      await advance(store(), head, { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(-500) }] });
      expect(await rejectionOf(store().completeTimer(t, 'c-1:a', held?.lease.token ?? ''))).toMatchObject({ code: 'STORE' });
      expect((await claim(t)).map((x) => [x.id, x.attempts])).toEqual([['c-1:a', 1]]);
    });

    it('reads "now" from the database: ClaimOptions.now far in the future does not make a timer due', async (ctx) => {
      requireCapability(ctx, store(), 'serverTime', true);
      const t = freshTenant();
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: time.iso(3_600_000) }] });
      expect(await store().claimDueTimers(t, { now: new Date('2100-01-01T00:00:00Z'), limit: 10, leaseMs: 1000, owner: 'w' })).toEqual([]);
    });

    it('tells the database clock through now(), the clock its claims use', async (ctx) => {
      requireCapability(ctx, store(), 'serverTime', true);
      const now = store().now;
      if (now === undefined) {
        console.info(`[jiaoban conformance] ${options.name}: skipped "${ctx.task.name}" because the store has no now()`);
        ctx.skip('the store has no now()');
        return;
      }
      const first = await now.call(store());
      const second = await now.call(store());
      expect(first).toBeInstanceOf(Date);
      expect(Number.isNaN(first.getTime())).toBe(false);
      expect(second.getTime()).toBeGreaterThanOrEqual(first.getTime());
      // A timer due just after the database's now is not claimable yet; one due just before it is.
      const t = freshTenant();
      const base = await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:later', kind: 'k', dueAt: new Date(second.getTime() + 3_600_000).toISOString() }] });
      await advance(store(), base, { timers: [{ id: 'c-1:earlier', kind: 'k', dueAt: new Date(second.getTime() - 1000).toISOString() }] });
      const claimed = await store().claimDueTimers(t, { now: await now.call(store()), limit: 10, leaseMs: 1000, owner: 'w' });
      expect(claimed.map((x) => x.id)).toEqual(['c-1:earlier']);
    });

    it('uses ClaimOptions.now as "now": a timer is due once now reaches it', async (ctx) => {
      requireCapability(ctx, store(), 'serverTime', false);
      const t = freshTenant();
      const due = Date.now() + 3_600_000;
      await seed(store(), t, 'c-1', { timers: [{ id: 'c-1:a', kind: 'k', dueAt: new Date(due).toISOString() }] });
      expect(await store().claimDueTimers(t, { now: new Date(due - 1), limit: 10, leaseMs: 1000, owner: 'w' })).toEqual([]);
      expect((await store().claimDueTimers(t, { now: new Date(due), limit: 10, leaseMs: 1000, owner: 'w' })).map((x) => x.id)).toEqual(['c-1:a']);
    });
  });

  suite('outbox', (store, time) => {
    it('holds one row per committed event, oldest first, each carrying its event', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1');
      await advance(store(), head, { events: 2 });
      await seed(store(), t, 'c-2');
      const rows = await store().readOutbox(t);
      expect(rows.map((r) => r.id)).toEqual(['c-1:1:0', 'c-1:2:0', 'c-1:2:1', 'c-2:1:0']);
      expect(rows[1]?.payload).toEqual((await store().history(t, 'c-1'))[1]);
      expect(rows[0]).toMatchObject({ tenantId: t, caseId: 'c-1', name: 'case:registered' });
    });

    it('reads at most `limit` rows', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 5 });
      expect(await store().readOutbox(t, 2)).toHaveLength(2);
    });

    it('removes acknowledged rows only; the events stay in history', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 3 });
      const token = (await store().claimOutbox(t, { now: time.now(), limit: 10, leaseMs: 60_000, owner: 'relay-1' }))[0]?.lease.token ?? '';
      await store().ackOutbox(t, ['c-1:1:0', 'c-1:1:2'], token);
      expect((await store().readOutbox(t)).map((r) => r.id)).toEqual(['c-1:1:1']);
      expect(await store().history(t, 'c-1')).toHaveLength(3);
      await store().ackOutbox(t, [], token);
      expect(await store().readOutbox(t)).toHaveLength(1);
    });
  });

  suite('outbox leases', (store, time) => {
    const claim = (tenantId: string, limit = 100, lease = 60_000, owner = 'relay-1', now = time.now()) =>
      store().claimOutbox(tenantId, { now, limit, leaseMs: lease, owner });
    const ids = (rows: ReadonlyArray<{ id: string }>) => rows.map((r) => r.id);
    const leaseLost = { code: 'STORE', details: { reason: 'leaseLost' } };

    it('claims unacknowledged rows oldest first, up to the limit, under one lease, with an attempt count', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1');
      await advance(store(), head, { events: 2 });
      await seed(store(), t, 'c-2');
      const first = await claim(t, 3);
      expect(ids(first)).toEqual(['c-1:1:0', 'c-1:2:0', 'c-1:2:1']);
      expect(first[0]).toMatchObject({ tenantId: t, caseId: 'c-1', name: 'case:registered', attempts: 1, lease: { owner: 'relay-1' } });
      expect(first[1]?.payload).toEqual((await store().history(t, 'c-1'))[1]);
      expect(new Set(first.map((r) => r.lease.token)).size).toBe(1);
      expect(Date.parse(first[0]?.lease.expiresAt ?? '')).toBeGreaterThan(Date.now() + 30_000);
      expect(ids(await claim(t, 100, 60_000, 'relay-2'))).toEqual(['c-2:1:0']);
      expect(await claim(t, 100, 60_000, 'relay-3')).toEqual([]);
      // readOutbox is a look, not a claim: it lists every unacknowledged row, leased or not.
      expect(ids(await store().readOutbox(t))).toEqual(['c-1:1:0', 'c-1:2:0', 'c-1:2:1', 'c-2:1:0']);
    });

    it('never hands one row to two concurrent claimers while its lease lives', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 40 });
      const batches = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(t, 10, 60_000, `relay-${i}`)));
      const all = ids(batches.flat());
      expect(new Set(all).size).toBe(all.length);
      // Six claims of ten cover the forty rows: a row skipped by one claimer was taken by another.
      expect(all.length).toBe(40);
      expect(await claim(t, 100, 60_000, 'relay-late')).toEqual([]);
    });

    it('makes a row claimable again when its lease runs out: same id and event, a new token, attempts + 1', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      const [first] = await claim(t, 10, leaseMs);
      expect(await claim(t, 10, leaseMs, 'relay-2')).toEqual([]);
      await time.elapse(leaseMs + 250);
      const [second] = await claim(t, 10, 60_000, 'relay-2');
      expect(second).toMatchObject({ id: 'c-1:1:0', attempts: 2, lease: { owner: 'relay-2' } });
      expect(second?.payload).toEqual(first?.payload);
      expect(second?.lease.token).not.toBe(first?.lease.token);
    });

    it('refuses a stale ack or release (leaseLost) once another relay holds the row, and changes nothing', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 2 });
      const stale = await claim(t, 10, leaseMs);
      await time.elapse(leaseMs + 250);
      const fresh = await claim(t, 10, 60_000, 'relay-2');
      expect(ids(fresh)).toEqual(['c-1:1:0', 'c-1:1:1']);
      const old = stale[0]?.lease.token ?? '';
      expect(await rejectionOf(store().ackOutbox(t, ['c-1:1:0'], old))).toMatchObject(leaseLost);
      expect(await rejectionOf(store().releaseOutbox(t, ['c-1:1:0'], old))).toMatchObject(leaseLost);
      expect(ids(await store().readOutbox(t))).toEqual(['c-1:1:0', 'c-1:1:1']);
      expect(await claim(t, 10, 60_000, 'relay-3')).toEqual([]);
      await store().ackOutbox(t, ['c-1:1:0', 'c-1:1:1'], fresh[0]?.lease.token ?? '');
      expect(await store().readOutbox(t)).toEqual([]);
      expect(await store().history(t, 'c-1')).toHaveLength(2);
    });

    it('accepts the ack of a lease that ran out while no other relay claimed the row', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      const [held] = await claim(t, 10, leaseMs);
      await time.elapse(leaseMs + 250);
      await store().ackOutbox(t, ['c-1:1:0'], held?.lease.token ?? '');
      expect(await store().readOutbox(t)).toEqual([]);
    });

    it('acks all or nothing: one id the token does not hold (another relay’s, unknown, already acked) and no row goes', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 2 });
      await seed(store(), t, 'c-2');
      const token = (await claim(t, 2))[0]?.lease.token ?? '';
      expect(ids(await claim(t, 10, 60_000, 'relay-2'))).toEqual(['c-2:1:0']);
      for (const list of [['c-1:1:0', 'c-2:1:0'], ['c-1:1:0', 'no-such-row']]) {
        expect(await rejectionOf(store().ackOutbox(t, list, token))).toMatchObject(leaseLost);
        expect(await rejectionOf(store().releaseOutbox(t, list, token))).toMatchObject(leaseLost);
      }
      expect(ids(await store().readOutbox(t))).toEqual(['c-1:1:0', 'c-1:1:1', 'c-2:1:0']);
      await store().ackOutbox(t, ['c-1:1:1', 'c-1:1:1'], token);
      await store().ackOutbox(t, [], token);
      expect(ids(await store().readOutbox(t))).toEqual(['c-1:1:0', 'c-2:1:0']);
      expect(await rejectionOf(store().ackOutbox(t, ['c-1:1:1'], token))).toMatchObject(leaseLost);
      expect(await claim(t, 10, 60_000, 'relay-3')).toEqual([]);
    });

    it('gives released rows back at once to the next claimer, oldest first', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 3 });
      const token = (await claim(t, 3))[0]?.lease.token ?? '';
      await store().releaseOutbox(t, ['c-1:1:2', 'c-1:1:1'], token);
      expect((await claim(t, 10, 60_000, 'relay-2')).map((r) => [r.id, r.attempts])).toEqual([['c-1:1:1', 2], ['c-1:1:2', 2]]);
      await store().ackOutbox(t, ['c-1:1:0'], token);
      expect(ids(await store().readOutbox(t))).toEqual(['c-1:1:1', 'c-1:1:2']);
    });

    it('renews a held claim: same token and owner, the rows stay away from other claimers past the first lease’s end', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 2 });
      const held = await claim(t, 10, leaseMs);
      const token = held[0]?.lease.token ?? '';
      const lease = await store().renewOutboxLease(t, ['c-1:1:0', 'c-1:1:1'], token, { now: time.now(), leaseMs: leaseMs * 5 });
      expect(lease).toEqual({ token, owner: 'relay-1', expiresAt: expect.any(String) });
      expect(Date.parse(lease.expiresAt)).toBeGreaterThan(Date.parse(held[0]?.lease.expiresAt ?? ''));
      await time.elapse(leaseMs + 250);
      expect(await claim(t, 10, 60_000, 'relay-2')).toEqual([]);
      await store().ackOutbox(t, ['c-1:1:0', 'c-1:1:1'], token);
      expect(await store().readOutbox(t)).toEqual([]);
    });

    it('renews only the rows it names and leaves attempts as they were', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 2 });
      const token = (await claim(t, 10, leaseMs))[0]?.lease.token ?? '';
      await store().renewOutboxLease(t, ['c-1:1:1', 'c-1:1:1'], token, { now: time.now(), leaseMs: 60_000 });
      await time.elapse(leaseMs + 250);
      // The row left out ran out with the first lease; the renewed one is still held, by the same token.
      expect((await claim(t, 10, 60_000, 'relay-2')).map((r) => [r.id, r.attempts])).toEqual([['c-1:1:0', 2]]);
      await store().releaseOutbox(t, ['c-1:1:1'], token);
      expect((await claim(t, 10, 60_000, 'relay-3')).map((r) => [r.id, r.attempts])).toEqual([['c-1:1:1', 2]]);
    });

    it('refuses a renewal with a stale token once another relay claimed the rows (leaseLost), and leaves that relay’s lease as it was', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 2 });
      const stale = (await claim(t, 10, leaseMs))[0]?.lease.token ?? '';
      await time.elapse(leaseMs + 250);
      const fresh = await claim(t, 10, leaseMs, 'relay-2');
      expect(fresh.map((r) => [r.id, r.attempts])).toEqual([['c-1:1:0', 2], ['c-1:1:1', 2]]);
      const renew = { now: time.now(), leaseMs: 60_000 };
      expect(await rejectionOf(store().renewOutboxLease(t, ['c-1:1:0', 'c-1:1:1'], stale, renew))).toMatchObject(leaseLost);
      expect(await rejectionOf(store().renewOutboxLease(t, ['c-1:1:1'], stale, renew))).toMatchObject(leaseLost);
      // The new holder's token still holds…
      await store().ackOutbox(t, ['c-1:1:0'], fresh[0]?.lease.token ?? '');
      // …and its lease still ends when it did, with its attempt count: the stale renewal moved nothing.
      await time.elapse(leaseMs + 250);
      expect((await claim(t, 10, 60_000, 'relay-3')).map((r) => [r.id, r.attempts, r.lease.owner])).toEqual([['c-1:1:1', 3, 'relay-3']]);
    });

    it('refuses to renew rows already acknowledged or released (leaseLost)', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 3 });
      const token = (await claim(t, 10, 60_000))[0]?.lease.token ?? '';
      await store().ackOutbox(t, ['c-1:1:0'], token);
      await store().releaseOutbox(t, ['c-1:1:1'], token);
      const renew = { now: time.now(), leaseMs: 60_000 };
      expect(await rejectionOf(store().renewOutboxLease(t, ['c-1:1:0'], token, renew))).toMatchObject(leaseLost);
      expect(await rejectionOf(store().renewOutboxLease(t, ['c-1:1:1'], token, renew))).toMatchObject(leaseLost);
      expect(ids(await store().readOutbox(t))).toEqual(['c-1:1:1', 'c-1:1:2']);
      expect((await claim(t, 10, 60_000, 'relay-2')).map((r) => [r.id, r.attempts])).toEqual([['c-1:1:1', 2]]);
    });

    it('renews all or nothing: one id the token does not hold (another relay’s, unknown) and no lease moves', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1', { events: 2 });
      await seed(store(), t, 'c-2');
      const token = (await claim(t, 2, leaseMs))[0]?.lease.token ?? '';
      expect(ids(await claim(t, 10, 60_000, 'relay-2'))).toEqual(['c-2:1:0']);
      for (const list of [['c-1:1:0', 'c-2:1:0'], ['c-1:1:1', 'no-such-row']]) {
        expect(await rejectionOf(store().renewOutboxLease(t, list, token, { now: time.now(), leaseMs: 60_000 }))).toMatchObject(leaseLost);
      }
      await time.elapse(leaseMs + 250);
      expect((await claim(t, 10, 60_000, 'relay-3')).map((r) => [r.id, r.attempts])).toEqual([['c-1:1:0', 2], ['c-1:1:1', 2]]);
    });

    it('renews nothing for an empty list, and answers the lease such a renewal would give, with no owner', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      const token = (await claim(t, 10, leaseMs))[0]?.lease.token ?? '';
      const before = Date.now();
      const lease = await store().renewOutboxLease(t, [], token, { now: new Date(before), leaseMs: 60_000 });
      expect(lease).toEqual({ token, owner: '', expiresAt: expect.any(String) });
      if (caps(store()).serverTime) expect(Math.abs(Date.parse(lease.expiresAt) - (before + 60_000))).toBeLessThan(30_000);
      else expect(lease.expiresAt).toBe(new Date(before + 60_000).toISOString());
      await time.elapse(leaseMs + 250);
      expect((await claim(t, 10, 60_000, 'relay-2')).map((r) => [r.id, r.attempts])).toEqual([['c-1:1:0', 2]]);
    });

    it('rejects a malformed renewal with VALIDATION and moves no lease', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      const token = (await claim(t, 10, leaseMs))[0]?.lease.token ?? '';
      for (const bad of [{ leaseMs: 0 }, { leaseMs: -1 }, { leaseMs: 1.5 }, { leaseMs: Number.NaN }, { leaseMs: 2 ** 31 }, { now: new Date('not a date') }]) {
        expect(await rejectionOf(store().renewOutboxLease(t, ['c-1:1:0'], token, { now: time.now(), leaseMs: 60_000, ...bad }))).toMatchObject({ code: 'VALIDATION' });
      }
      const renew = { now: time.now(), leaseMs: 60_000 };
      expect(await rejectionOf(store().renewOutboxLease(t, ['c-1:1:0'], '', renew))).toMatchObject({ code: 'VALIDATION' });
      expect(await rejectionOf(store().renewOutboxLease(t, Array.from({ length: 1001 }, (_, i) => `x-${i}`), token, renew))).toMatchObject({ code: 'VALIDATION' });
      expect(await rejectionOf(store().renewOutboxLease(t, 'c-1:1:0' as unknown as string[], token, renew))).toMatchObject({ code: 'VALIDATION' });
      await time.elapse(leaseMs + 250);
      expect((await claim(t, 10, 60_000, 'relay-2')).map((r) => [r.id, r.attempts])).toEqual([['c-1:1:0', 2]]);
    });

    it('rejects malformed claims, acks and releases with VALIDATION and changes nothing', async () => {
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      for (const bad of BAD_CLAIMS) {
        expect(await rejectionOf(store().claimOutbox(t, { now: time.now(), limit: 10, leaseMs: 60_000, owner: 'relay-1', ...bad }))).toMatchObject({ code: 'VALIDATION' });
      }
      const [held] = await claim(t);
      expect(held?.attempts).toBe(1);
      expect(await rejectionOf(store().ackOutbox(t, ['c-1:1:0'], ''))).toMatchObject({ code: 'VALIDATION' });
      expect(await rejectionOf(store().releaseOutbox(t, ['c-1:1:0'], ''))).toMatchObject({ code: 'VALIDATION' });
      expect(await rejectionOf(store().ackOutbox(t, Array.from({ length: 1001 }, (_, i) => `x-${i}`), held?.lease.token ?? ''))).toMatchObject({ code: 'VALIDATION' });
      expect(ids(await store().readOutbox(t))).toEqual(['c-1:1:0']);
      expect(await claim(t, 10, 60_000, 'relay-2')).toEqual([]);
    });

    it('keeps tenants apart: a claim returns only its tenant’s rows, and acks, releases and renewals never reach another tenant', async () => {
      const [a, b] = [freshTenant(), freshTenant()];
      await seed(store(), a, 'c-1');
      await seed(store(), b, 'c-1');
      const inA = await claim(a);
      expect(inA.map((r) => [r.tenantId, r.id])).toEqual([[a, 'c-1:1:0']]);
      const token = inA[0]?.lease.token ?? '';
      expect(await rejectionOf(store().ackOutbox(b, ['c-1:1:0'], token))).toMatchObject(leaseLost);
      expect(await rejectionOf(store().releaseOutbox(b, ['c-1:1:0'], token))).toMatchObject(leaseLost);
      expect(await rejectionOf(store().renewOutboxLease(b, ['c-1:1:0'], token, { now: time.now(), leaseMs: 60_000 }))).toMatchObject(leaseLost);
      expect((await claim(b)).map((r) => [r.tenantId, r.id])).toEqual([[b, 'c-1:1:0']]);
      expect(ids(await store().readOutbox(a))).toEqual(['c-1:1:0']);
      expect(await claim(a, 10, 60_000, 'relay-2')).toEqual([]);
    });

    it('reads "now" from the database: ClaimOptions.now far in the future does not free a live lease', async (ctx) => {
      requireCapability(ctx, store(), 'serverTime', true);
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      await claim(t);
      expect(await claim(t, 10, 1000, 'relay-2', new Date('2100-01-01T00:00:00Z'))).toEqual([]);
    });

    it('renews on the database clock: RenewOptions.now far in the past does not end a lease early', async (ctx) => {
      requireCapability(ctx, store(), 'serverTime', true);
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      const token = (await claim(t))[0]?.lease.token ?? '';
      const lease = await store().renewOutboxLease(t, ['c-1:1:0'], token, { now: new Date('1999-01-01T00:00:00Z'), leaseMs: 60_000 });
      expect(Date.parse(lease.expiresAt)).toBeGreaterThan(Date.now() + 30_000);
      expect(await claim(t, 10, 60_000, 'relay-2')).toEqual([]);
    });

    it('renews from RenewOptions.now: the lease then ends at now + leaseMs', async (ctx) => {
      requireCapability(ctx, store(), 'serverTime', false);
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      const at = Date.now();
      const [held] = await claim(t, 10, 60_000, 'relay-1', new Date(at));
      const lease = await store().renewOutboxLease(t, ['c-1:1:0'], held?.lease.token ?? '', { now: new Date(at + 30_000), leaseMs: 60_000 });
      expect(lease).toEqual({ token: held?.lease.token, owner: 'relay-1', expiresAt: new Date(at + 90_000).toISOString() });
      expect(await claim(t, 10, 1000, 'relay-2', new Date(at + 89_999))).toEqual([]);
      expect((await claim(t, 10, 1000, 'relay-2', new Date(at + 90_000))).map((r) => [r.id, r.attempts])).toEqual([['c-1:1:0', 2]]);
    });

    it('uses ClaimOptions.now as "now": a lease is free once now reaches its end', async (ctx) => {
      requireCapability(ctx, store(), 'serverTime', false);
      const t = freshTenant();
      await seed(store(), t, 'c-1');
      const at = Date.now();
      const [held] = await claim(t, 10, 60_000, 'relay-1', new Date(at));
      expect(held?.lease.expiresAt).toBe(new Date(at + 60_000).toISOString());
      expect(await claim(t, 10, 1000, 'relay-2', new Date(at + 59_999))).toEqual([]);
      expect(ids(await claim(t, 10, 1000, 'relay-2', new Date(at + 60_000)))).toEqual(['c-1:1:0']);
    });
  });

  suite('query and pagination', (store) => {
    /** Twelve cases with every indexed field varied, in one fresh tenant. */
    async function population(): Promise<string> {
      const t = freshTenant();
      for (let i = 0; i < 12; i++) {
        await store().commit(commitBatch(t, `c-${String(i).padStart(2, '0')}`, null, {
          fields: {
            state: i % 3 === 0 ? 'inProgress' : i % 3 === 1 ? 'pendingDispatch' : 'closed',
            tier: i % 4 === 0 ? 'complex' : 'general',
            leadUnitId: i % 2 === 0 ? 'u-water' : 'u-road',
            ownerId: i < 6 ? 'p-chen' : null,
            unitIds: i % 2 === 0 ? ['u-water', 'u-housing'] : ['u-road'],
            level: (['green', 'yellow', 'red', 'overdue'] as const)[i % 4] as 'green',
            dueAt: i < 8 ? `2026-03-${String(10 + i).padStart(2, '0')}T01:00:00.000Z` : null,
          },
        }));
      }
      return t;
    }
    const ids = async (t: string, filter: Parameters<CaseStore['query']>[1]) => {
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await store().query(t, filter, { limit: 5, cursor });
        all.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return all;
    };
    const n = (list: number[]) => list.map((i) => `c-${String(i).padStart(2, '0')}`);

    it('filters by state', async () => expect(await ids(await population(), { state: 'inProgress' })).toEqual(n([0, 3, 6, 9])));
    it('filters by tier', async () => expect(await ids(await population(), { tier: 'complex' })).toEqual(n([0, 4, 8])));
    it('filters by lead unit', async () => expect(await ids(await population(), { leadUnitId: 'u-road' })).toEqual(n([1, 3, 5, 7, 9, 11])));
    it('filters by owner', async () => expect(await ids(await population(), { ownerId: 'p-chen' })).toEqual(n([0, 1, 2, 3, 4, 5])));
    it('filters by any active unit (lead or cooperating)', async () => expect(await ids(await population(), { unitId: 'u-housing' })).toEqual(n([0, 2, 4, 6, 8, 10])));
    it('filters by SLA level', async () => expect(await ids(await population(), { level: 'red' })).toEqual(n([2, 6, 10])));
    it('filters by due before (inclusive), never matching cases without a deadline', async () =>
      expect(await ids(await population(), { dueBefore: '2026-03-13T01:00:00.000Z' })).toEqual(n([0, 1, 2, 3])));
    it('ANDs several filters', async () =>
      expect(await ids(await population(), { state: 'inProgress', leadUnitId: 'u-water', ownerId: 'p-chen' })).toEqual(n([0])));
    it('gives nothing for a value no case has', async () => expect(await ids(await population(), { ownerId: 'p-nobody' })).toEqual([]));

    it('pages through every case exactly once, ordered, with a null cursor on the last page', async () => {
      const t = await population();
      const p1 = await store().query(t, {}, { limit: 5 });
      const p2 = await store().query(t, {}, { limit: 5, cursor: p1.nextCursor });
      const p3 = await store().query(t, {}, { limit: 5, cursor: p2.nextCursor });
      expect([...p1.items, ...p2.items, ...p3.items].map((c) => c.id)).toEqual(n([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
      expect(p3.nextCursor).toBeNull();
      expect((await store().query(t, {}, { limit: 12 })).nextCursor).toBeNull();
    });

    it('follows a case when its indexed fields change: old values no longer match', async () => {
      const t = freshTenant();
      const head = await seed(store(), t, 'c-1', { fields: { state: 'inProgress', unitIds: ['u-a'], level: 'green', dueAt: '2026-03-10T00:00:00.000Z', ownerId: 'p-1' } });
      await advance(store(), head, { fields: { state: 'closed', unitIds: ['u-b'], level: 'red', dueAt: null, ownerId: 'p-2' } });
      for (const stale of [{ state: 'inProgress' }, { unitId: 'u-a' }, { level: 'green' as const }, { dueBefore: '2030-01-01T00:00:00.000Z' }, { ownerId: 'p-1' }]) {
        expect((await store().query(t, stale)).items).toEqual([]);
      }
      expect((await store().query(t, { state: 'closed', unitId: 'u-b', level: 'red', ownerId: 'p-2' })).items.map((c) => c.version)).toEqual([2]);
    });
  });

  suite('tenant isolation', (store, time) => {
    it('keeps the same case id in two tenants apart in every read', async () => {
      const [a, b] = [freshTenant(), freshTenant()];
      const head = await seed(store(), a, 'c-1', { fields: { state: 'inProgress', ownerId: 'p-a' }, timers: [{ id: 'c-1:t', kind: 'k', dueAt: time.iso(-1000) }], idempotencyKey: 'k-a' });
      await advance(store(), head);
      await seed(store(), b, 'c-1', { fields: { state: 'closed', ownerId: 'p-b' } });
      expect((await store().load(b, 'c-1'))?.version).toBe(1);
      expect(await store().history(b, 'c-1')).toHaveLength(1);
      expect(await store().audit(b, 'c-1')).toHaveLength(1);
      expect((await store().query(b, { ownerId: 'p-a' })).items).toEqual([]);
      expect((await store().readOutbox(b)).every((r) => r.tenantId === b)).toBe(true);
      expect(await store().timers(b, 'c-1')).toEqual([]);
      expect(await store().findIdempotency(b, 'k-a')).toBeNull();
      expect(await store().claimDueTimers(b, { now: time.now(), limit: 10, leaseMs: 1000, owner: 'w' })).toEqual([]);
    });

    it('never reads or writes another tenant through acks, completions, renewals and claims', async () => {
      const [a, b] = [freshTenant(), freshTenant()];
      await seed(store(), a, 'c-1', { timers: [{ id: 'c-1:t', kind: 'k', dueAt: time.iso(-1000) }] });
      const [row] = await store().claimOutbox(a, { now: time.now(), limit: 10, leaseMs: 60_000, owner: 'relay' });
      expect(await store().claimOutbox(b, { now: time.now(), limit: 10, leaseMs: 60_000, owner: 'relay' })).toEqual([]);
      expect(await rejectionOf(store().ackOutbox(b, ['c-1:1:0'], row?.lease.token ?? ''))).toMatchObject({ code: 'STORE' });
      expect(await rejectionOf(store().renewOutboxLease(b, ['c-1:1:0'], row?.lease.token ?? '', { now: time.now(), leaseMs: 1000 }))).toMatchObject({ code: 'STORE' });
      expect(await store().readOutbox(a)).toHaveLength(1);
      const [held] = await store().claimDueTimers(a, { now: time.now(), limit: 10, leaseMs: 60_000, owner: 'w' });
      expect(await rejectionOf(store().completeTimer(b, 'c-1:t', held?.lease.token ?? ''))).toMatchObject({ code: 'STORE' });
      expect(await rejectionOf(store().renewTimerLease(b, 'c-1:t', held?.lease.token ?? '', { now: time.now(), leaseMs: 1000 }))).toMatchObject({ code: 'STORE' });
      expect(await store().timers(a, 'c-1')).toHaveLength(1);
    });

    it('rejects a batch whose case names another tenant, with STORE, writing nothing anywhere', async () => {
      const [a, b] = [freshTenant(), freshTenant()];
      const batch = commitBatch(a, 'c-1', null);
      batch.tenantId = b;
      expect(await rejectionOf(store().commit(batch))).toMatchObject({ code: 'STORE' });
      expect(await store().load(a, 'c-1')).toBeNull();
      expect(await store().load(b, 'c-1')).toBeNull();
    });
  });

  if (wanted('migrations')) {
    describe(`${options.name} › migrations`, () => {
      /** The empty store, or a skip with the reason when the adapter cannot give one or has no schema. */
      async function emptyOrSkip(ctx: TestContext): Promise<EmptyStoreHandle> {
        if (options.createEmpty === undefined) {
          console.info(`[jiaoban conformance] ${options.name}: skipped "${ctx.task.name}" because no createEmpty() was given`);
          ctx.skip('no createEmpty() was given');
        }
        const empty = await (options.createEmpty as () => Promise<EmptyStoreHandle>)();
        if (caps(empty.store).migrations) return empty;
        await empty.cleanup?.();
        requireCapability(ctx, empty.store, 'migrations', true);
        return empty;
      }

      it('reports a schema older than the code as SCHEMA_VERSION until migrate() runs, then works', async (ctx) => {
        if (options.createEmpty === undefined) {
          // Without createEmpty, a store that declares migrations must still have migrate().
          const probe = await options.create();
          try {
            requireCapability(ctx, probe.store, 'migrations', true);
            expect(typeof probe.store.migrate).toBe('function');
          } finally {
            await probe.cleanup?.();
          }
        }
        const empty = await emptyOrSkip(ctx);
        try {
          const error = await rejectionOf(empty.store.load('t', 'c-1'));
          expect(isJiaobanError(error, 'SCHEMA_VERSION')).toBe(true);
          expect(error).toMatchObject({ details: { actual: 0 } });
          const result = await empty.store.migrate?.();
          expect(result?.from).toBe(0);
          expect(result?.to).toBeGreaterThan(0);
          expect(await empty.store.load('t', 'c-1')).toBeNull();
          expect(await empty.store.migrate?.()).toEqual({ from: result?.to, to: result?.to });
        } finally {
          await empty.cleanup?.();
        }
      });

      it('reports a schema newer than the code as SCHEMA_VERSION, from every call and from migrate()', async (ctx) => {
        const empty = await emptyOrSkip(ctx);
        try {
          if (empty.setSchemaVersion === undefined || empty.reopen === undefined) {
            console.info(`[jiaoban conformance] ${options.name}: skipped "${ctx.task.name}" because createEmpty() gave no setSchemaVersion/reopen`);
            ctx.skip('createEmpty() gave no setSchemaVersion/reopen');
          }
          const { to } = (await empty.store.migrate?.()) ?? { to: 0 };
          await empty.setSchemaVersion?.(to + 1);
          const newer = empty.reopen?.() as CaseStore;
          expect(await rejectionOf(newer.load('t', 'c-1'))).toMatchObject({ code: 'SCHEMA_VERSION', details: { expected: to, actual: to + 1 } });
          expect(await rejectionOf(newer.migrate?.() ?? Promise.reject(new Error('no migrate')))).toMatchObject({ code: 'SCHEMA_VERSION' });
        } finally {
          await empty.cleanup?.();
        }
      });
    });
  }

  suite('engine', (store) => {
    it('runs real engine commands through the store: versions, history, a verified audit chain, outbox rows', async () => {
      const t = freshTenant();
      let clock = Date.parse('2026-03-02T01:00:00.000Z');
      const engine = createEngine({ store: store(), clock: { now: () => new Date((clock += 60_000)) } });
      const who = (id: string, roles: Actor['roles'], unitIds: string[] = []): Actor => ({ id, roles, unitIds, tenantId: t });
      const intake = who('p-intake', ['intake']);
      const dispatcher = who('p-dispatch', ['dispatcher']);
      const liaison = who('p-liaison', ['liaison'], ['u-water']);
      const supervisor = who('p-super', ['supervisor']);
      const { case: c } = await engine.register({
        tier: 'general', title: '小区路灯不亮', description: '3号楼前路灯一周不亮', category: 'municipal.lighting',
        requester: { name: '张三', phone: '13800138000' }, channel: 'hotline',
      }, { actor: intake });
      await engine.execute(c.id, { type: 'accept' }, { actor: intake });
      await engine.execute(c.id, { type: 'dispatch', lead: { unitId: 'u-water', duty: '修复路灯' }, cooperating: [] }, { actor: dispatcher });
      await engine.execute(c.id, { type: 'sign', unitId: 'u-water', ownerId: 'p-handler' }, { actor: liaison });
      const first = await engine.execute(c.id, { type: 'urge' }, { actor: supervisor, idempotencyKey: 'urge-1' });
      const again = await engine.execute(c.id, { type: 'urge' }, { actor: supervisor, idempotencyKey: 'urge-1' });
      expect(again.replayed).toBe(true);
      expect(again.case.version).toBe(first.case.version);
      const stale = await rejectionOf(engine.execute(c.id, { type: 'urge' }, { actor: supervisor, expectedVersion: 2 }));
      expect(stale).toBeInstanceOf(ConcurrencyError);

      const row = await store().load(t, c.id);
      expect(row).toMatchObject({ version: 5, state: 'inProgress', leadUnitId: 'u-water', ownerId: 'p-handler' });
      expect((await engine.history(c.id, { actor: supervisor })).map((e) => e.name)).toEqual([
        'case:registered', 'case:accepted', 'case:dispatched', 'assignment:signed', 'case:urged',
      ]);
      expect(await engine.verifyAudit(c.id, { actor: who('p-admin', ['admin']) })).toMatchObject({ ok: true });
      expect((await store().readOutbox(t, 100)).map((o) => o.payload.version)).toEqual([1, 2, 3, 4, 5]);
      expect((await store().query(t, { leadUnitId: 'u-water' })).items.map((x) => x.id)).toEqual([c.id]);
    });
  });
}
