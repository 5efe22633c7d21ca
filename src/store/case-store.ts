/**
 * The storage contract. Small on purpose: the engine needs to load a case, commit one atomic batch,
 * and read back what it wrote. The SQLite and PostgreSQL adapters implement exactly this; the
 * memory store is the reference. Every call and every key carries the tenant id.
 *
 * Rows are plain JSON: an adapter may serialise them as it likes, and must hand back copies (a
 * caller mutating a returned object must not change what is stored).
 */

/**
 * A case row: xstate's persisted snapshot plus the fields queries filter on.
 *
 * @example
 * const row = await store.load('shenzhen', 'c-1');
 * [row?.state, row?.machine];
 * //=> ['inProgress', { id: 'jiaoban.general', version: 1 }]
 */
export interface StoredCase {
  tenantId: string;
  id: string;
  tier: string;
  machine: { id: string; version: number };
  /** xstate's persisted snapshot (`machine.getPersistedSnapshot`): value + context. */
  snapshot: unknown;
  /** Optimistic-concurrency version: 1 after register, +1 per accepted command. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Indexed: top-level state (`inProgress`, …). */
  state: string;
  /** Indexed: the lead unit of the active lead assignment, if any. */
  leadUnitId: string | null;
  /** Indexed: the primary owner (第一责任人), if any. */
  ownerId: string | null;
  /**
   * Indexed: every unit with an active assignment (lead and cooperating), so a unit's work list is
   * an index lookup. Optional for rows written before the SLA issue; absent means `[]`.
   */
  unitIds?: string[];
  /** Indexed: the worst SLA level over the case's running clocks ('green' when none run). */
  level?: 'green' | 'yellow' | 'red' | 'overdue';
  /** Indexed (range): the earliest deadline of a running clock, ISO, or null. */
  dueAt?: string | null;
  /**
   * The engine's SLA state (clocks, the case's timer id, a calendar gap, follow-ups), plain JSON.
   * Stores keep it with the snapshot; absent on rows written before the SLA issue.
   */
  sla?: unknown;
  /**
   * The head of the case's audit chain after this version: the next entry links to `hash`. Kept on
   * the case row so a command never reads the whole log, and so a truncated log is detectable.
   */
  auditHead: { seq: number; hash: string };
}

/**
 * A committed domain event (the engine's `EngineEvent`, stored as JSON).
 *
 * @example
 * (await store.history('shenzhen', 'c-1'))[0]?.name;
 * //=> 'case:registered'
 */
export interface StoredEvent {
  eventId: string;
  name: string;
  caseId: string;
  tenantId: string;
  version: number;
  at: string;
  [key: string]: unknown;
}

/**
 * One entry of a case's hash-chained audit log.
 *
 * @example
 * const [first] = await store.audit('shenzhen', 'c-1');
 * first?.prevHash === GENESIS_HASH;
 * //=> true
 */
export interface AuditEntry {
  /** 1, 2, 3 … per case, no gaps. */
  seq: number;
  at: string;
  actorId: string;
  command: string;
  fromState: string | null;
  toState: string;
  /** Human-readable, never personal data. */
  summary: string;
  /** The previous entry's hash; 64 zeros for the first entry. */
  prevHash: string;
  /** sha256 over the canonical JSON of every other field (prevHash included). */
  hash: string;
}

/**
 * An event waiting to be relayed to the outside (transactional outbox). Its `id` is the event's id:
 * a redelivery (after a lease ran out) carries the same id, so a consumer can de-duplicate on it.
 *
 * @example
 * const rows = await store.claimOutbox('shenzhen', { now: new Date(), limit: 100, leaseMs: 30_000, owner: 'relay-1' });
 * await publish(rows);
 * await store.ackOutbox('shenzhen', rows.map((r) => r.id), rows[0]?.lease.token ?? '');
 */
export interface OutboxRow {
  id: string;
  tenantId: string;
  caseId: string;
  name: string;
  payload: StoredEvent;
  createdAt: string;
}

/**
 * A durable timer (filled by the SLA module; the engine sends none yet).
 *
 * @example
 * const timer: TimerRow = { id: 'c-1:sign', tenantId: 'shenzhen', caseId: 'c-1', kind: 'signDue', dueAt: '2026-03-03T09:30:00Z' };
 */
export interface TimerRow {
  /** Unique per tenant; the engine derives it from the case id and the clock/step it serves. */
  id: string;
  tenantId: string;
  caseId: string;
  kind: string;
  /** ISO instant; a timer is never claimed before it. */
  dueAt: string;
  data?: unknown;
}

/**
 * What a command with an idempotency key leaves behind, in the same commit as its effect.
 *
 * @example
 * (await store.findIdempotency('shenzhen', 'form-7f3a'))?.fingerprint.length;
 * //=> 64
 */
/**
 * A timer claimed by one worker until `lease.expiresAt`. The lease token fences the holder: after the
 * lease runs out another worker may claim the timer with a new token, and `completeTimer` /
 * `releaseTimer` with the old token are rejected. The case commit that applies the timer's effect is
 * also fenced by the case version, so a stale holder can never apply an effect twice.
 */
export interface ClaimedTimer extends TimerRow {
  lease: Lease;
  /** How many times the timer has been claimed, this claim included. */
  attempts: number;
}

/**
 * A lease: who holds a claimed row, until when, and the token that fences the holder.
 *
 * @example
 * const lease: Lease = { token: '5f0c…', owner: 'node-1', expiresAt: '2026-03-02T01:01:00.000Z' };
 */
export interface Lease {
  token: string;
  owner: string;
  expiresAt: string;
}

/**
 * Options of `claimDueTimers` and `claimOutbox`. A store rejects a malformed value with `VALIDATION`
 * and leases nothing: `limit` an integer 1–1000, `leaseMs` an integer 1–2,147,483,647, `owner` a
 * non-empty string of at most 200 characters, `now` a valid `Date`.
 *
 * @example
 * const options: ClaimOptions = { now: new Date(), limit: 100, leaseMs: 60_000, owner: 'node-1' };
 */
export interface ClaimOptions {
  /**
   * "Now" for the claim: timers with `dueAt <= now` are due, leases that ended at or before it are
   * free, a new lease ends at `now + leaseMs`. Stores that declare `serverTime` use their database's
   * clock instead.
   */
  now: Date;
  /** At most this many rows (1–1000). */
  limit: number;
  /** How long the claim holds, in ms. */
  leaseMs: number;
  /** Who claims (a process or node id), for diagnostics. */
  owner: string;
}

/**
 * Options of `renewTimerLease` and `renewOutboxLease`: the lease then ends at `now + leaseMs`
 * (database time on `serverTime` stores). Same limits as `ClaimOptions`.
 *
 * @example
 * await store.renewTimerLease('shenzhen', timer.id, timer.lease.token, { now: new Date(), leaseMs: 60_000 });
 */
export interface RenewOptions {
  now: Date;
  leaseMs: number;
}

/**
 * An outbox row claimed by one relay until `lease.expiresAt` (which `renewOutboxLease` moves on).
 * Every row of one claim shares the claim's lease token; `ackOutbox` / `releaseOutbox` /
 * `renewOutboxLease` with a token that no longer holds a row are refused (`STORE`,
 * `details.reason: 'leaseLost'`), and once the lease has run out another relay may claim the row
 * again: delivery is at least once, with the same `id`.
 *
 * @example
 * const [row] = await store.claimOutbox('shenzhen', { now: new Date(), limit: 1, leaseMs: 30_000, owner: 'relay-1' });
 * row?.attempts;
 * //=> 1
 */
export interface ClaimedOutboxRow extends OutboxRow {
  lease: Lease;
  /** How many times the row has been claimed, this claim included. */
  attempts: number;
}

export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  response: unknown;
}

/**
 * Everything one command writes, applied all-or-nothing.
 *
 * @example
 * await store.commit({ tenantId, case: row, expectedVersion: 3, events, audit, outbox, timers: { upsert: [], remove: [] } });
 */
export interface CommitBatch {
  tenantId: string;
  case: StoredCase;
  /** The version the engine loaded; `null` creates the case (and fails if it exists). */
  expectedVersion: number | null;
  events: StoredEvent[];
  audit: AuditEntry[];
  outbox: OutboxRow[];
  timers: { upsert: TimerRow[]; remove: string[] };
  idempotency?: IdempotencyRecord;
}

/**
 * Query filters; every given field must match (they are ANDed).
 *
 * @example
 * await store.query('shenzhen', { state: 'inProgress', leadUnitId: 'u-water' }, { limit: 50 });
 */
export interface CaseQueryFilter {
  state?: string;
  tier?: string;
  leadUnitId?: string;
  ownerId?: string;
  /** Any active assignment (lead or cooperating) of this unit. */
  unitId?: string;
  level?: 'green' | 'yellow' | 'red' | 'overdue';
  /** Cases whose `dueAt` is at or before this ISO instant. */
  dueBefore?: string;
}

/**
 * Cursor pagination.
 *
 * @example
 * const next = await store.query('shenzhen', {}, { limit: 50, cursor: page.nextCursor });
 */
export interface PageOptions {
  /** 1–1000; default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/**
 * One page; `nextCursor` is null on the last page.
 *
 * @example
 * const page: Page<StoredCase> = await store.query('shenzhen', { ownerId: 'p-chen' });
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * What a store declares it can do. The conformance kit skips a test only when a capability it needs
 * is declared absent (and prints why); it never looks at a store's name. A store that declares
 * nothing is taken as a single-process, in-memory store with no schema (`memoryStore`).
 *
 * @example
 * const caps: StoreCapabilities = { durable: true, multiProcess: true, skipLocked: true, serverTime: true, migrations: true };
 */
export interface StoreCapabilities {
  /** Committed data survives the process that wrote it (a file or a server, not process memory). */
  durable: boolean;
  /** Several OS processes may open the same database at once and every guarantee still holds. */
  multiProcess: boolean;
  /** Concurrent timer and outbox claims skip each other's rows (`FOR UPDATE SKIP LOCKED`) instead of queueing. */
  skipLocked: boolean;
  /** "now" for due checks and leases comes from the database clock; `ClaimOptions.now` / `RenewOptions.now` are ignored. */
  serverTime: boolean;
  /** The store has a versioned schema: `migrate()` applies it and a mismatch is `SCHEMA_VERSION`. */
  migrations: boolean;
}

/**
 * The outcome of `CaseStore.migrate`: the schema version before and after.
 *
 * @example
 * await store.migrate?.();
 * //=> { from: 0, to: 1 }
 */
export interface MigrationResult {
  from: number;
  to: number;
}

/**
 * What a store must do. `commit` is the only write: it validates everything first (version,
 * idempotency key, audit chain continuity) and then applies everything, or throws and applies
 * nothing — `CONCURRENCY` (a `ConcurrencyError`) on a version mismatch, `IDEMPOTENCY_CONFLICT` when
 * the key was taken in the meantime, `STORE` otherwise.
 *
 * @example
 * const store: CaseStore = memoryStore();
 * await store.load('tenant-a', 'c-1');
 * //=> null
 */
export interface CaseStore {
  load(tenantId: string, caseId: string): Promise<StoredCase | null>;
  commit(batch: CommitBatch): Promise<void>;
  findIdempotency(tenantId: string, key: string): Promise<IdempotencyRecord | null>;
  history(tenantId: string, caseId: string): Promise<StoredEvent[]>;
  audit(tenantId: string, caseId: string): Promise<AuditEntry[]>;
  query(tenantId: string, filter: CaseQueryFilter, page?: PageOptions): Promise<Page<StoredCase>>;
  /**
   * A read-only look at the unacknowledged outbox rows, oldest first, leased or not (for views,
   * backlog metrics and tests). It claims nothing: a relay delivers through `claimOutbox`.
   */
  readOutbox(tenantId: string, limit?: number): Promise<OutboxRow[]>;
  /**
   * Claims up to `limit` unacknowledged rows of one tenant, oldest first, that no live lease holds
   * (never leased, released, or with a lease that ended at or before now), under one new lease
   * token; `attempts` + 1 on each. Two concurrent claimers never get the same row while its lease
   * lives. Rejects malformed options with `VALIDATION`, leasing nothing.
   */
  claimOutbox(tenantId: string, options: ClaimOptions): Promise<ClaimedOutboxRow[]>;
  /**
   * Deletes delivered rows, all or nothing: every id must still be held by `token` (a lease that ran
   * out still holds until another claimer takes the row). Otherwise — an id another relay claimed
   * since, an id already acknowledged, an unknown id, another tenant's row — it deletes nothing and
   * throws `STORE` with `details.reason: 'leaseLost'`. An empty `ids` does nothing.
   */
  ackOutbox(tenantId: string, ids: readonly string[], token: string): Promise<void>;
  /** Gives claimed rows back for the next claimer now (a failed delivery); same fencing as `ackOutbox`. */
  releaseOutbox(tenantId: string, ids: readonly string[], token: string): Promise<void>;
  /**
   * Extends the lease of claimed rows to `now + leaseMs` (database time on `serverTime` stores), for a
   * relay whose delivery runs longer than its lease; `engine.relay` calls it while a handler runs.
   * Token, owner and `attempts` stay as they are. All or nothing, fenced like `ackOutbox`: every id
   * must still be held by `token` (a lease that ran out still holds until another claimer takes the
   * row), otherwise — an id another relay claimed since, one acknowledged or released, an unknown id,
   * another tenant's row — no lease moves and it throws `STORE` with `details.reason: 'leaseLost'`.
   * Malformed options, ids or token are `VALIDATION` and change nothing. Duplicate ids count once.
   *
   * Returns the lease as renewed. An empty `ids` renews nothing and returns the lease such a renewal
   * would have given, `{ token, owner: '', expiresAt: now + leaseMs }`: no row names the owner.
   *
   * @example
   * const rows = await store.claimOutbox('shenzhen', { now: new Date(), limit: 10, leaseMs: 30_000, owner: 'relay-1' });
   * const token = rows[0]?.lease.token ?? '';
   * await store.renewOutboxLease('shenzhen', rows.map((r) => r.id), token, { now: new Date(), leaseMs: 30_000 });
   * //=> { token, owner: 'relay-1', expiresAt: '…' } (30 s from now)
   */
  renewOutboxLease(tenantId: string, ids: readonly string[], token: string, options: RenewOptions): Promise<Lease>;
  /**
   * Claims due, unleased (or lease-expired) timers of one tenant, oldest due first, served from an
   * index on `dueAt` (never a scan of all cases).
   */
  claimDueTimers(tenantId: string, options: ClaimOptions): Promise<ClaimedTimer[]>;
  /** Deletes a claimed timer; a `STORE` error (details.reason 'leaseLost') when the token no longer holds it. */
  completeTimer(tenantId: string, timerId: string, token: string): Promise<void>;
  /** Gives a claimed timer back for another worker now; same fencing as `completeTimer`. */
  releaseTimer(tenantId: string, timerId: string, token: string): Promise<void>;
  /**
   * Extends a claimed timer's lease to `now + leaseMs`, keeping its token, for a holder whose work
   * runs longer than the lease. Same fencing as `completeTimer` (`STORE`, 'leaseLost' once the token
   * no longer holds the timer); malformed options are `VALIDATION`. Returns the lease as renewed.
   */
  renewTimerLease(tenantId: string, timerId: string, token: string, options: RenewOptions): Promise<Lease>;
  /** The timers of one case (for views and tests). */
  timers(tenantId: string, caseId: string): Promise<TimerRow[]>;
  /**
   * The database's current time, for stores that declare `serverTime`. `engine.tick` and
   * `engine.recompute` evaluate the SLA clocks at this instant when the engine runs on the system
   * clock, so a tick judges "due" by the same clock its claim did, whatever the node's own clock
   * says. Optional: without it the engine evaluates at its `Clock`.
   *
   * @example
   * await store.now?.();
   * //=> 2026-03-02T01:00:00.123Z (a Date)
   */
  now?(): Promise<Date>;
  /** What the store can do (see `StoreCapabilities`); absent means a single-process memory store. */
  readonly capabilities?: StoreCapabilities;
  /**
   * Applies the store's numbered, forward-only schema migrations up to the version the code expects.
   * Stores with a schema check it on first use and throw `SCHEMA_VERSION` until this has run (or
   * when the database is newer than the code). Absent on stores without a schema.
   */
  migrate?(): Promise<MigrationResult>;
}
