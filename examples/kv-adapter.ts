/**
 * A complete, small `CaseStore` over a plain async key-value interface — the shape of Redis, LevelDB,
 * an OA platform's own KV service or a browser's IndexedDB. It is the worked example of
 * docs/adapters.md and passes the conformance kit (test/conformance/kv-adapter.conformance.test.ts).
 *
 * Design: the KV has no transactions, so the adapter is a *single writer*: every call goes through
 * one in-process queue, and `commit` validates the whole batch before it writes its first key. That
 * makes commits atomic against every other call of this process, and nothing more. It declares so:
 * not multi-process (a second process would bypass the queue), not durable (a crash between two key
 * writes could leave a half-applied commit; a production adapter over a durable KV needs a
 * write-ahead record or the KV's own transactions).
 */
import { randomUUID } from 'node:crypto';
import { ConcurrencyError, JiaobanError } from '../src/errors.js';
import type {
  AuditEntry, CaseStore, ClaimOptions, ClaimedOutboxRow, ClaimedTimer, IdempotencyRecord, Lease, OutboxRow, RenewOptions, StoreCapabilities, StoredCase,
  StoredEvent, TimerRow,
} from '../src/store/case-store.js';

/**
 * The whole interface the adapter needs from a key-value store.
 *
 * @example
 * const kv: KeyValue = mapKeyValue();
 * await kv.set('a/1', 'x');
 * await kv.list('a/');
 * //=> ['a/1']
 */
export interface KeyValue {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix`, in ascending order. */
  list(prefix: string): Promise<string[]>;
}

/**
 * An in-memory `KeyValue` over a `Map`, for tests and this example.
 *
 * @example
 * const store = kvStore(mapKeyValue());
 */
export function mapKeyValue(): KeyValue {
  const map = new Map<string, string>();
  return {
    async get(key) {
      return map.get(key);
    },
    async set(key, value) {
      map.set(key, value);
    },
    async delete(key) {
      map.delete(key);
    },
    async list(prefix) {
      return [...map.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
  };
}

const CAPABILITIES: StoreCapabilities = { durable: false, multiProcess: false, skipLocked: false, serverTime: false, migrations: false };
const GENESIS = '0'.repeat(64);
const storeError = (operation: string, message: string, reason?: string) =>
  new JiaobanError('STORE', message, reason === undefined ? { operation, outcome: 'failed' } : { operation, outcome: 'failed', reason });
// Ids may hold '/', so every key segment is encoded; numbers are zero-padded so keys sort in order.
const seg = (s: string) => encodeURIComponent(s);
const pad = (n: number, width = 10) => String(n).padStart(width, '0');

interface TimerRecord {
  row: TimerRow;
  lease: Lease | null;
  attempts: number;
}

/** An outbox row and who holds it (a relay's claim), stored under `outbox/<seq>`. */
interface OutboxRecord {
  row: OutboxRow;
  lease: Lease | null;
  attempts: number;
}

const invalid = (path: string, message: string) => new JiaobanError('VALIDATION', `invalid ${path}`, { issues: [{ path: [path], message }] });

/** The contract's limits on claim and renewal options: a malformed one is VALIDATION, nothing leased. */
function checkLease(options: Partial<ClaimOptions>, claim: boolean): void {
  const { now, leaseMs, limit, owner } = options;
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw invalid('now', 'a valid Date');
  if (!Number.isInteger(leaseMs) || (leaseMs as number) < 1 || (leaseMs as number) > 2_147_483_647) throw invalid('leaseMs', 'an integer from 1 to 2147483647');
  if (!claim) return;
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 1000) throw invalid('limit', 'an integer from 1 to 1000');
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 200) throw invalid('owner', 'a string of 1 to 200 characters');
}

/** A lease that has run out no longer protects the row from the next claimer. */
const free = (lease: Lease | null, now: number) => lease === null || Date.parse(lease.expiresAt) <= now;

/**
 * A `CaseStore` over any `KeyValue`: single process, single writer.
 *
 * @example
 * const engine = createEngine({ store: kvStore(mapKeyValue()) });
 */
export function kvStore(kv: KeyValue): CaseStore {
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs calls one at a time: the KV has no transactions, so this queue is the isolation. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const k = (tenantId: string, ...parts: string[]) => [seg(tenantId), ...parts].join('/');
  const read = async <T>(key: string): Promise<T | undefined> => {
    const v = await kv.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  };
  const readAll = async <T>(prefix: string): Promise<T[]> => {
    const out: T[] = [];
    for (const key of await kv.list(prefix)) {
      const v = await read<T>(key);
      if (v !== undefined) out.push(v);
    }
    return out;
  };

  /** Every id must be held by `token` before anything changes (all or nothing), else leaseLost. */
  const heldOutbox = async (tenantId: string, ids: readonly string[], token: string, operation: string) => {
    if (!Array.isArray(ids) || ids.length > 1000 || !ids.every((id) => typeof id === 'string')) throw invalid('ids', 'an array of at most 1000 ids');
    if (typeof token !== 'string' || token.length === 0) throw invalid('token', 'the lease token of the claim');
    const held: Array<{ key: string; seqKey: string; record: OutboxRecord }> = [];
    const wanted = [...new Set(ids)];
    for (const id of wanted) {
      const seqKey = k(tenantId, 'outbox-id', seg(id));
      const seq = await kv.get(seqKey);
      const key = k(tenantId, 'outbox', seq ?? '');
      const record = seq === undefined ? undefined : await read<OutboxRecord>(key);
      if (record?.lease?.token === token) held.push({ key, seqKey, record });
    }
    if (held.length !== wanted.length) {
      throw storeError(operation, `${wanted.length - held.length} of ${wanted.length} outbox rows are not held by this lease token`, 'leaseLost');
    }
    return held;
  };

  return {
    capabilities: CAPABILITIES,

    load: (tenantId, caseId) => serial(async () => (await read<StoredCase>(k(tenantId, 'case', seg(caseId)))) ?? null),

    commit: (batch) => serial(async () => {
      const c = batch.case;
      const t = batch.tenantId;
      // Validate everything first: after the first write nothing may throw.
      if (c.tenantId !== t) throw storeError('commit', 'case tenant does not match batch tenant');
      for (const row of [...batch.events, ...batch.outbox, ...batch.timers.upsert]) {
        if (row.tenantId !== t || row.caseId !== c.id) throw storeError('commit', 'row does not belong to the case');
      }
      const existing = await read<StoredCase>(k(t, 'case', seg(c.id)));
      if (batch.expectedVersion === null) {
        if (existing !== undefined) throw new ConcurrencyError(c.id, 0, existing.version);
      } else if (existing === undefined || existing.version !== batch.expectedVersion) {
        throw new ConcurrencyError(c.id, batch.expectedVersion, existing?.version ?? null);
      }
      if (c.version !== (batch.expectedVersion ?? 0) + 1) throw storeError('commit', 'case version must advance by one');
      let seq = existing?.auditHead.seq ?? 0;
      let hash = existing?.auditHead.hash ?? GENESIS;
      for (const a of batch.audit) {
        if (a.seq !== seq + 1 || a.prevHash !== hash) throw storeError('commit', 'audit entry does not extend the chain');
        seq = a.seq;
        hash = a.hash;
      }
      if (c.auditHead.seq !== seq || c.auditHead.hash !== hash) throw storeError('commit', 'case audit head does not match the last audit entry');
      if (batch.idempotency !== undefined && (await kv.get(k(t, 'idem', seg(batch.idempotency.key)))) !== undefined) {
        throw new JiaobanError('IDEMPOTENCY_CONFLICT', 'idempotency key already used', { idempotencyKey: batch.idempotency.key });
      }
      for (const x of batch.timers.upsert) if (Number.isNaN(Date.parse(x.dueAt))) throw storeError('commit', 'timer dueAt is not an instant');

      const outboxSeq = Number((await kv.get(k(t, 'outbox-seq'))) ?? '0');
      await kv.set(k(t, 'case', seg(c.id)), JSON.stringify(c));
      for (const [i, e] of batch.events.entries()) await kv.set(k(t, 'event', seg(c.id), pad(c.version), pad(i, 4)), JSON.stringify(e));
      for (const a of batch.audit) await kv.set(k(t, 'audit', seg(c.id), pad(a.seq)), JSON.stringify(a));
      for (const [i, o] of batch.outbox.entries()) {
        await kv.set(k(t, 'outbox', pad(outboxSeq + i + 1, 15)), JSON.stringify({ row: o, lease: null, attempts: 0 } satisfies OutboxRecord));
        await kv.set(k(t, 'outbox-id', seg(o.id)), pad(outboxSeq + i + 1, 15));
      }
      await kv.set(k(t, 'outbox-seq'), String(outboxSeq + batch.outbox.length));
      for (const id of batch.timers.remove) await kv.delete(k(t, 'timer', seg(id)));
      // Re-arming a timer is a new incarnation: no lease, attempts from zero.
      for (const row of batch.timers.upsert) await kv.set(k(t, 'timer', seg(row.id)), JSON.stringify({ row, lease: null, attempts: 0 } satisfies TimerRecord));
      if (batch.idempotency !== undefined) await kv.set(k(t, 'idem', seg(batch.idempotency.key)), JSON.stringify(batch.idempotency));
    }),

    findIdempotency: (tenantId, key) => serial(async () => (await read<IdempotencyRecord>(k(tenantId, 'idem', seg(key)))) ?? null),

    history: (tenantId, caseId) => serial(() => readAll<StoredEvent>(`${k(tenantId, 'event', seg(caseId))}/`)),

    audit: (tenantId, caseId) => serial(() => readAll<AuditEntry>(`${k(tenantId, 'audit', seg(caseId))}/`)),

    // A scan of the tenant's cases: fine for an example; a real adapter keeps index keys per filter.
    query: (tenantId, filter, page = {}) => serial(async () => {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 1000);
      const dueBefore = filter.dueBefore === undefined ? null : Date.parse(filter.dueBefore);
      const all = (await readAll<StoredCase>(`${k(tenantId, 'case')}/`))
        .filter((c) =>
          (filter.state === undefined || c.state === filter.state) &&
          (filter.tier === undefined || c.tier === filter.tier) &&
          (filter.leadUnitId === undefined || c.leadUnitId === filter.leadUnitId) &&
          (filter.ownerId === undefined || c.ownerId === filter.ownerId) &&
          (filter.unitId === undefined || (c.unitIds ?? []).includes(filter.unitId)) &&
          (filter.level === undefined || (c.level ?? 'green') === filter.level) &&
          (dueBefore === null || (c.dueAt != null && Date.parse(c.dueAt) <= dueBefore)) &&
          (page.cursor == null || c.id > page.cursor))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const items = all.slice(0, limit);
      return { items, nextCursor: all.length > limit ? (items[items.length - 1]?.id ?? null) : null };
    }),

    readOutbox: (tenantId, limit = 100) => serial(async () => {
      const keys = (await kv.list(`${k(tenantId, 'outbox')}/`)).slice(0, Math.min(Math.max(limit, 1), 1000));
      const rows: OutboxRow[] = [];
      for (const key of keys) {
        const r = await read<OutboxRecord>(key);
        if (r !== undefined) rows.push(r.row);
      }
      return rows;
    }),

    // Walks the tenant's outbox keys in commit order, skipping rows a live lease holds; the serial
    // queue makes the read-then-write of the claim one step against every other call.
    claimOutbox: (tenantId, options) => serial(async () => {
      checkLease(options, true);
      const now = options.now.getTime();
      const lease: Lease = { token: randomUUID(), owner: options.owner, expiresAt: new Date(now + options.leaseMs).toISOString() };
      const claimed: ClaimedOutboxRow[] = [];
      for (const key of await kv.list(`${k(tenantId, 'outbox')}/`)) {
        if (claimed.length >= options.limit) break;
        const r = await read<OutboxRecord>(key);
        if (r === undefined || !free(r.lease, now)) continue;
        const next: OutboxRecord = { row: r.row, lease, attempts: r.attempts + 1 };
        await kv.set(key, JSON.stringify(next));
        claimed.push({ ...r.row, lease: { ...lease }, attempts: next.attempts });
      }
      return claimed;
    }),

    ackOutbox: (tenantId, ids, token) => serial(async () => {
      for (const { key, seqKey } of await heldOutbox(tenantId, ids, token, 'ackOutbox')) {
        await kv.delete(key);
        await kv.delete(seqKey);
      }
    }),

    releaseOutbox: (tenantId, ids, token) => serial(async () => {
      for (const { key, record } of await heldOutbox(tenantId, ids, token, 'releaseOutbox')) {
        await kv.set(key, JSON.stringify({ ...record, lease: null } satisfies OutboxRecord));
      }
    }),

    // Fenced like the ack (all or nothing); token, owner and attempts stay. Every row of a claim
    // carries the same owner, so the first held row names it; an empty list names none.
    renewOutboxLease: (tenantId, ids, token, options: RenewOptions) => serial(async () => {
      checkLease(options, false);
      const held = await heldOutbox(tenantId, ids, token, 'renewOutboxLease');
      const expiresAt = new Date(options.now.getTime() + options.leaseMs).toISOString();
      const owner = held[0]?.record.lease?.owner ?? '';
      for (const { key, record } of held) {
        await kv.set(key, JSON.stringify({ ...record, lease: { token, owner, expiresAt } } satisfies OutboxRecord));
      }
      return { token, owner, expiresAt };
    }),

    claimDueTimers: (tenantId, options) => serial(async () => {
      checkLease(options, true);
      const now = options.now.getTime();
      const due = (await readAll<TimerRecord>(`${k(tenantId, 'timer')}/`))
        .filter((r) => Date.parse(r.row.dueAt) <= now && free(r.lease, now))
        .sort((a, b) => Date.parse(a.row.dueAt) - Date.parse(b.row.dueAt) || (a.row.id < b.row.id ? -1 : 1))
        .slice(0, options.limit);
      const claimed: ClaimedTimer[] = [];
      for (const r of due) {
        const lease = { token: randomUUID(), owner: options.owner, expiresAt: new Date(now + options.leaseMs).toISOString() };
        const next: TimerRecord = { row: r.row, lease, attempts: r.attempts + 1 };
        await kv.set(k(tenantId, 'timer', seg(r.row.id)), JSON.stringify(next));
        claimed.push({ ...r.row, lease, attempts: next.attempts });
      }
      return claimed;
    }),

    completeTimer: (tenantId, timerId, token) => serial(async () => {
      const key = k(tenantId, 'timer', seg(timerId));
      const r = await read<TimerRecord>(key);
      if (r?.lease?.token !== token) throw storeError('completeTimer', `timer ${timerId} is not held by this lease token`, 'leaseLost');
      await kv.delete(key);
    }),

    releaseTimer: (tenantId, timerId, token) => serial(async () => {
      const key = k(tenantId, 'timer', seg(timerId));
      const r = await read<TimerRecord>(key);
      if (r?.lease?.token !== token) throw storeError('releaseTimer', `timer ${timerId} is not held by this lease token`, 'leaseLost');
      await kv.set(key, JSON.stringify({ ...r, lease: null } satisfies TimerRecord));
    }),

    renewTimerLease: (tenantId, timerId, token, options: RenewOptions) => serial(async () => {
      checkLease(options, false);
      const key = k(tenantId, 'timer', seg(timerId));
      const r = await read<TimerRecord>(key);
      if (r?.lease == null || r.lease.token !== token) throw storeError('renewTimerLease', `timer ${timerId} is not held by this lease token`, 'leaseLost');
      const lease: Lease = { ...r.lease, expiresAt: new Date(options.now.getTime() + options.leaseMs).toISOString() };
      await kv.set(key, JSON.stringify({ ...r, lease } satisfies TimerRecord));
      return { ...lease };
    }),

    timers: (tenantId, caseId) => serial(async () => (await readAll<TimerRecord>(`${k(tenantId, 'timer')}/`))
      .map((r) => r.row)
      .filter((row) => row.caseId === caseId)
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.id < b.id ? -1 : 1))),
  };
}
