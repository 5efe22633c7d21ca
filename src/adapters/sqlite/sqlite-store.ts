import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { isJiaobanError } from '../../errors.js';
import type {
  AuditEntry, CaseStore, ClaimedOutboxRow, ClaimedTimer, IdempotencyRecord, Lease, MigrationResult, OutboxRow, StoreCapabilities, StoredCase,
  StoredEvent, TimerRow,
} from '../../store/case-store.js';
import {
  COLUMN_FILTERS, caseKeys, checkBatch, checkClaimOptions, checkHeldIds, checkRenewOptions, clampLimit, identifier, idempotencyConflict, leaseLost,
  outboxBody, outboxLeaseLost, rejection, schemaVersionError, storeError, toMs, type SerialisedEvent,
} from '../_shared.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

/**
 * Options of `sqliteStore`.
 *
 * @example
 * const store = sqliteStore(new Database('jiaoban.db'), { busyTimeoutMs: 10_000, synchronous: 'NORMAL' });
 */
export interface SqliteStoreOptions {
  /** Prefix of every table and index (default `jiaoban_`), for hosts that share one file. */
  tablePrefix?: string;
  /**
   * How long a write waits for another connection's write lock before failing with `STORE`
   * (`reason: 'busy'`). Default 5000 ms; an integer from 0 to 2,147,483,647. Set on the connection,
   * explicitly, because the value a driver defaults to is not something to rely on.
   */
  busyTimeoutMs?: number;
  /**
   * `FULL` (default): a commit returns after its WAL frames are fsynced, durable across power loss.
   * `NORMAL`: durable across a process crash, but a power loss may roll back the last commits; much
   * faster on slow disks. Both keep the database consistent.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * `PRAGMA wal_autocheckpoint`, in pages (an integer 0–1,000,000; 0 turns automatic checkpoints
   * off). Unset: the connection keeps what it has (SQLite's default is 1,000). Every commit here
   * rewrites a few pages, mostly the same ones (the case row, index leaves); a larger value copies a
   * hot page back into the database file once per checkpoint instead of many times, at the price of
   * a larger WAL file between checkpoints (about this many pages). docs/benchmarks.md measures both.
   */
  walAutocheckpoint?: number;
}

/** One host, several processes: see docs/adapters.md ("SQLite and several processes"). */
const CAPABILITIES: StoreCapabilities = { durable: true, multiProcess: true, skipLocked: false, serverTime: false, migrations: true };

type Row = Record<string, unknown>;

/**
 * A `CaseStore` over a better-sqlite3 (12.x) `Database` you open and own. Puts the file in WAL mode
 * and sets an explicit busy timeout; every write runs in a `BEGIN IMMEDIATE` transaction so the
 * version check and the write happen under one write lock, across processes too. Call
 * `await store.migrate()` once (it is idempotent); until then every call throws `SCHEMA_VERSION`.
 *
 * Several processes on one host may share one file (WAL needs shared memory: never on a network
 * file system). Timer claims are serialised by the write lock; leases use each process's clock.
 *
 * @example
 * import Database from 'better-sqlite3';
 * import { sqliteStore } from 'jiaoban/sqlite';
 * const store = sqliteStore(new Database('jiaoban.db'));
 * await store.migrate();
 * //=> { from: 0, to: 3 }
 * const engine = createEngine({ store });
 */
export function sqliteStore(db: Database, options: SqliteStoreOptions = {}): CaseStore & { migrate(): Promise<MigrationResult>; readonly capabilities: StoreCapabilities } {
  const p = identifier(options.tablePrefix ?? 'jiaoban_', 'tablePrefix');
  // Every option is checked before the first pragma: a refused one leaves the connection as it was.
  const pages = options.walAutocheckpoint;
  if (pages !== undefined && (!Number.isInteger(pages) || pages < 0 || pages > 1_000_000)) {
    throw storeError('configure', 'walAutocheckpoint must be an integer number of pages from 0 to 1,000,000', { reason: 'invalidOption' });
  }
  const busy = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busy) || busy < 0 || busy > 2_147_483_647) {
    throw storeError('configure', 'busyTimeoutMs must be an integer number of milliseconds from 0 to 2,147,483,647', { reason: 'invalidOption' });
  }
  // A typo ('normal') must not quietly become FULL: only the two spellings the type allows pass.
  if (options.synchronous !== undefined && options.synchronous !== 'FULL' && options.synchronous !== 'NORMAL') {
    throw storeError('configure', "synchronous must be 'FULL' or 'NORMAL'", { reason: 'invalidOption' });
  }
  // WAL lets readers run beside the one writer; on ':memory:' the pragma answers 'memory' and that is fine.
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${busy}`);
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  if (pages !== undefined) db.pragma(`wal_autocheckpoint = ${pages}`);
  const latest = SQLITE_MIGRATIONS.length;
  let checked = false;

  const schemaVersion = (): number => {
    const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(`${p}migrations`);
    if (exists === undefined) return 0;
    const row = db.prepare(`SELECT max(version) AS v FROM ${p}migrations`).get() as { v: number | null };
    return row.v ?? 0;
  };

  /** Checked once per store; a failed check is not remembered, so `migrate()` can fix it. */
  const ready = (): void => {
    if (checked) return;
    const actual = schemaVersion();
    if (actual !== latest) throw schemaVersionError(latest, actual);
    checked = true;
    prepareAll();
  };

  let st!: ReturnType<typeof statements>;
  const prepareAll = () => {
    st = statements();
  };
  const statements = () => ({
    load: db.prepare(`SELECT row FROM ${p}cases WHERE tenant_id = ? AND id = ?`),
    head: db.prepare(`SELECT version, audit_seq AS seq, audit_hash AS hash, tier, state, lead_unit_id AS lead, owner_id AS owner, level,
      due_ms AS due, unit_ids AS units FROM ${p}cases WHERE tenant_id = ? AND id = ?`),
    insertCase: db.prepare(`INSERT INTO ${p}cases (tenant_id, id, version, tier, state, lead_unit_id, owner_id, level, due_ms, unit_ids, audit_seq, audit_hash, row)
      VALUES (@tenant, @id, @version, @tier, @state, @lead, @owner, @level, @due, @units, @seq, @hash, @row)`),
    deleteUnits: db.prepare(`DELETE FROM ${p}case_units WHERE tenant_id = ? AND case_id = ?`),
    insertUnit: db.prepare(`INSERT INTO ${p}case_units (tenant_id, unit_id, case_id) VALUES (?, ?, ?)`),
    insertEvent: db.prepare(`INSERT INTO ${p}events (tenant_id, case_id, version, idx, body) VALUES (?, ?, ?, ?, ?)`),
    insertAudit: db.prepare(`INSERT INTO ${p}audit (tenant_id, case_id, seq, body) VALUES (?, ?, ?, ?)`),
    insertOutbox: db.prepare(`INSERT INTO ${p}outbox (tenant_id, id, case_id, body) VALUES (?, ?, ?, ?)`),
    upsertTimer: db.prepare(`INSERT INTO ${p}timers (tenant_id, id, case_id, due_ms, row, lease_token, lease_owner, lease_ms, attempts)
      VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, 0)
      ON CONFLICT (tenant_id, id) DO UPDATE SET case_id = excluded.case_id, due_ms = excluded.due_ms, row = excluded.row,
        lease_token = NULL, lease_owner = NULL, lease_ms = NULL, attempts = 0`),
    removeTimer: db.prepare(`DELETE FROM ${p}timers WHERE tenant_id = ? AND id = ?`),
    insertIdem: db.prepare(`INSERT INTO ${p}idempotency (tenant_id, key, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
    findIdem: db.prepare(`SELECT body FROM ${p}idempotency WHERE tenant_id = ? AND key = ?`),
    history: db.prepare(`SELECT body FROM ${p}events WHERE tenant_id = ? AND case_id = ? ORDER BY version, idx`),
    audit: db.prepare(`SELECT body FROM ${p}audit WHERE tenant_id = ? AND case_id = ? ORDER BY seq`),
    readOutbox: db.prepare(`SELECT body FROM ${p}outbox WHERE tenant_id = ? ORDER BY seq LIMIT ?`),
    freeOutbox: db.prepare(`SELECT id, body, attempts FROM ${p}outbox WHERE tenant_id = ? AND (lease_ms IS NULL OR lease_ms <= ?) ORDER BY seq LIMIT ?`),
    leaseOutbox: db.prepare(`UPDATE ${p}outbox SET lease_token = ?, lease_owner = ?, lease_ms = ?, attempts = attempts + 1 WHERE tenant_id = ? AND id = ?`),
    heldOutbox: db.prepare(`SELECT 1 FROM ${p}outbox WHERE tenant_id = ? AND id = ? AND lease_token = ?`),
    ackOutbox: db.prepare(`DELETE FROM ${p}outbox WHERE tenant_id = ? AND id = ? AND lease_token = ?`),
    releaseOutbox: db.prepare(`UPDATE ${p}outbox SET lease_token = NULL, lease_owner = NULL, lease_ms = NULL WHERE tenant_id = ? AND id = ? AND lease_token = ?`),
    renewOutbox: db.prepare(`UPDATE ${p}outbox SET lease_ms = ? WHERE tenant_id = ? AND id = ? AND lease_token = ? RETURNING lease_owner AS owner`),
    due: db.prepare(`SELECT id, row, attempts FROM ${p}timers WHERE tenant_id = ? AND due_ms <= ? AND (lease_ms IS NULL OR lease_ms <= ?)
      ORDER BY due_ms, id LIMIT ?`),
    lease: db.prepare(`UPDATE ${p}timers SET lease_token = ?, lease_owner = ?, lease_ms = ?, attempts = attempts + 1 WHERE tenant_id = ? AND id = ?`),
    complete: db.prepare(`DELETE FROM ${p}timers WHERE tenant_id = ? AND id = ? AND lease_token = ?`),
    release: db.prepare(`UPDATE ${p}timers SET lease_token = NULL, lease_owner = NULL, lease_ms = NULL WHERE tenant_id = ? AND id = ? AND lease_token = ?`),
    renew: db.prepare(`UPDATE ${p}timers SET lease_ms = ? WHERE tenant_id = ? AND id = ? AND lease_token = ? RETURNING lease_owner AS owner`),
    timers: db.prepare(`SELECT row FROM ${p}timers WHERE tenant_id = ? AND case_id = ? ORDER BY due_ms, id`),
  });

  /** Driver errors become `STORE`; ours pass through. SQLITE_BUSY means the write lock never came. */
  const guard = <T>(operation: string, fn: () => T): T => {
    try {
      ready();
      return fn();
    } catch (error) {
      if (isJiaobanError(error)) throw error;
      const code = (error as { code?: unknown }).code;
      const isBusy = typeof code === 'string' && code.startsWith('SQLITE_BUSY');
      throw storeError(operation, `sqlite ${operation} failed`, isBusy ? { reason: 'busy' } : {}, error);
    }
  };

  /**
   * SQLite rewrites the entries of every index whose column is named in an UPDATE's SET list, changed
   * or not. Most commands change none of the indexed fields, so the statement names only those that
   * did; one prepared statement per combination, built on first use.
   */
  const updates = new Map<string, Statement>();
  const INDEXED = ['tier', 'state', 'lead', 'owner', 'level', 'due', 'units'] as const;
  const COLUMN: Record<(typeof INDEXED)[number], string> = {
    tier: 'tier', state: 'state', lead: 'lead_unit_id', owner: 'owner_id', level: 'level', due: 'due_ms', units: 'unit_ids',
  };
  const updateFor = (changed: ReadonlyArray<(typeof INDEXED)[number]>): Statement => {
    const key = changed.join(',');
    let s = updates.get(key);
    if (s === undefined) {
      const sets = ['version = @version', 'audit_seq = @seq', 'audit_hash = @hash', 'row = @row', ...changed.map((k) => `${COLUMN[k]} = @${k}`)];
      s = db.prepare(`UPDATE ${p}cases SET ${sets.join(', ')} WHERE tenant_id = @tenant AND id = @id`);
      updates.set(key, s);
    }
    return s;
  };

  const commitTx = db.transaction((batch: Parameters<CaseStore['commit']>[0]) => {
    const prev = checkBatch(batch);
    const c = batch.case;
    const current = st.head.get(batch.tenantId, c.id) as (Record<(typeof INDEXED)[number], unknown> & { version: number; seq: number; hash: string }) | undefined;
    const fits = batch.expectedVersion === null
      ? current === undefined
      : current !== undefined && current.version === batch.expectedVersion && current.seq === prev.seq && current.hash === prev.hash;
    if (!fits) throw rejection(batch, current ?? null);
    if (batch.idempotency !== undefined && st.insertIdem.run(batch.tenantId, batch.idempotency.key, JSON.stringify(batch.idempotency)).changes === 0) {
      throw idempotencyConflict(batch.idempotency.key);
    }
    const keys = caseKeys(c);
    const units = JSON.stringify([...keys.unitIds].sort());
    const params = {
      tenant: batch.tenantId, id: c.id, version: c.version, tier: c.tier, state: c.state, lead: c.leadUnitId, owner: c.ownerId,
      level: keys.level, due: keys.dueMs, units, seq: c.auditHead.seq, hash: c.auditHead.hash, row: JSON.stringify(c),
    };
    if (current === undefined) {
      st.insertCase.run(params);
      for (const u of keys.unitIds) st.insertUnit.run(batch.tenantId, u, c.id);
    } else {
      const changed = INDEXED.filter((k) => current[k] !== params[k]);
      const { units: _units, ...named } = params;
      const used = Object.fromEntries(Object.entries(named).filter(([k]) => !(INDEXED as readonly string[]).includes(k) || changed.includes(k as (typeof INDEXED)[number])));
      if (changed.includes('units')) used['units'] = units;
      updateFor(changed).run(used);
      if (changed.includes('units')) {
        st.deleteUnits.run(batch.tenantId, c.id);
        for (const u of keys.unitIds) st.insertUnit.run(batch.tenantId, u, c.id);
      }
    }
    // Each event is serialised once: the outbox row that carries it embeds the same text.
    const eventJson = new Map<string, SerialisedEvent>();
    batch.events.forEach((e, i) => {
      const json = JSON.stringify(e);
      eventJson.set(e.eventId, { value: e, json });
      st.insertEvent.run(batch.tenantId, c.id, c.version, i, json);
    });
    for (const a of batch.audit) st.insertAudit.run(batch.tenantId, c.id, a.seq, JSON.stringify(a));
    for (const o of batch.outbox) st.insertOutbox.run(batch.tenantId, o.id, c.id, outboxBody(o, eventJson.get(o.id)));
    for (const id of batch.timers.remove) st.removeTimer.run(batch.tenantId, id);
    for (const t of batch.timers.upsert) st.upsertTimer.run(batch.tenantId, t.id, t.caseId, toMs(t.dueAt, 'commit'), JSON.stringify(t));
  });

  const claimTx = db.transaction((tenantId: string, now: number, limit: number, leaseMs: number, owner: string): ClaimedTimer[] => {
    const rows = st.due.all(tenantId, now, now, limit) as Array<{ id: string; row: string; attempts: number }>;
    const expires = now + leaseMs;
    const expiresAt = new Date(expires).toISOString();
    return rows.map((r) => {
      const token = randomUUID();
      st.lease.run(token, owner, expires, tenantId, r.id);
      const timer = JSON.parse(r.row) as TimerRow;
      return { ...timer, lease: { token, owner, expiresAt }, attempts: r.attempts + 1 };
    });
  });

  const claimOutboxTx = db.transaction((tenantId: string, now: number, limit: number, leaseMs: number, owner: string): ClaimedOutboxRow[] => {
    const rows = st.freeOutbox.all(tenantId, now, limit) as Array<{ id: string; body: string; attempts: number }>;
    const lease: Lease = { token: randomUUID(), owner, expiresAt: new Date(now + leaseMs).toISOString() };
    return rows.map((r) => {
      st.leaseOutbox.run(lease.token, owner, now + leaseMs, tenantId, r.id);
      return { ...(JSON.parse(r.body) as OutboxRow), lease: { ...lease }, attempts: r.attempts + 1 };
    });
  });

  /** Ack and release are all or nothing: every id is checked under the write lock before any changes. */
  const settleOutboxTx = db.transaction((operation: 'ackOutbox' | 'releaseOutbox', tenantId: string, ids: string[], token: string) => {
    const held = ids.filter((id) => st.heldOutbox.get(tenantId, id, token) !== undefined).length;
    if (held !== ids.length) throw outboxLeaseLost(operation, held, ids.length);
    const apply = operation === 'ackOutbox' ? st.ackOutbox : st.releaseOutbox;
    for (const id of ids) apply.run(tenantId, id, token);
  });

  /**
   * Renews row by row under the write lock and counts the rows the token held; when that is short of
   * the ids asked for, the throw rolls the renewals already made back, so no lease moves.
   */
  const renewOutboxTx = db.transaction((tenantId: string, ids: string[], token: string, expires: number): string => {
    let owner = '';
    let held = 0;
    for (const id of ids) {
      const row = st.renewOutbox.get(expires, tenantId, id, token) as { owner: string } | undefined;
      if (row === undefined) continue;
      held += 1;
      owner = row.owner;
    }
    if (held !== ids.length) throw outboxLeaseLost('renewOutboxLease', held, ids.length);
    return owner;
  });

  const parseAll = <T>(rows: unknown[]): T[] => rows.map((r) => JSON.parse((r as { body: string }).body) as T);

  return {
    capabilities: CAPABILITIES,

    async migrate() {
      try {
        // IMMEDIATE: two processes migrating at once serialise on the write lock.
        return db.transaction((): MigrationResult => {
          db.exec(`CREATE TABLE IF NOT EXISTS ${p}migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
          const from = schemaVersion();
          if (from > latest) throw schemaVersionError(latest, from);
          for (let v = from + 1; v <= latest; v++) {
            db.exec((SQLITE_MIGRATIONS[v - 1] as (prefix: string) => string)(p));
            db.prepare(`INSERT INTO ${p}migrations (version, applied_at) VALUES (?, ?)`).run(v, new Date().toISOString());
          }
          return { from, to: latest };
        }).immediate();
      } catch (error) {
        if (isJiaobanError(error)) throw error;
        throw storeError('migrate', 'sqlite migration failed', {}, error);
      } finally {
        checked = false;
      }
    },

    async load(tenantId, caseId) {
      return guard('load', () => {
        const r = st.load.get(tenantId, caseId) as { row: string } | undefined;
        return r === undefined ? null : (JSON.parse(r.row) as StoredCase);
      });
    },

    async commit(batch) {
      guard('commit', () => commitTx.immediate(batch));
    },

    async findIdempotency(tenantId, key) {
      return guard('findIdempotency', () => {
        const r = st.findIdem.get(tenantId, key) as { body: string } | undefined;
        return r === undefined ? null : (JSON.parse(r.body) as IdempotencyRecord);
      });
    },

    async history(tenantId, caseId) {
      return guard('history', () => parseAll<StoredEvent>(st.history.all(tenantId, caseId)));
    },

    async audit(tenantId, caseId) {
      return guard('audit', () => parseAll<AuditEntry>(st.audit.all(tenantId, caseId)));
    },

    async query(tenantId, filter, page = {}) {
      return guard('query', () => {
        const limit = clampLimit(page.limit, 50);
        const where: string[] = ['c.tenant_id = ?'];
        const params: unknown[] = [tenantId];
        let from = `${p}cases c`;
        if (filter.unitId !== undefined) {
          // Start from the unit's index rows: a unit's work list never scans the tenant's cases.
          from = `${p}case_units u JOIN ${p}cases c ON c.tenant_id = u.tenant_id AND c.id = u.case_id`;
          where.push('u.tenant_id = ?', 'u.unit_id = ?');
          params.push(tenantId, filter.unitId);
        }
        for (const [key, column] of COLUMN_FILTERS) {
          const v = filter[key];
          if (v !== undefined) {
            where.push(`c.${column} = ?`);
            params.push(v);
          }
        }
        if (filter.dueBefore !== undefined) {
          where.push('c.due_ms IS NOT NULL AND c.due_ms <= ?');
          params.push(toMs(filter.dueBefore, 'query'));
        }
        if (page.cursor != null) {
          where.push('c.id > ?');
          params.push(page.cursor);
        }
        params.push(limit + 1);
        const rows = db.prepare(`SELECT c.id, c.row FROM ${from} WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT ?`).all(...params) as Array<{ id: string; row: string }>;
        const items = rows.slice(0, limit).map((r) => JSON.parse(r.row) as StoredCase);
        return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
      });
    },

    async readOutbox(tenantId, limit = 100) {
      return guard('readOutbox', () => parseAll<OutboxRow>(st.readOutbox.all(tenantId, clampLimit(limit, 100))));
    },

    async claimOutbox(tenantId, options) {
      return guard('claimOutbox', () => {
        checkClaimOptions('claimOutbox', options);
        return claimOutboxTx.immediate(tenantId, options.now.getTime(), options.limit, options.leaseMs, options.owner);
      });
    },

    async ackOutbox(tenantId, ids, token) {
      guard('ackOutbox', () => {
        const wanted = checkHeldIds('ackOutbox', ids, token);
        if (wanted.length > 0) settleOutboxTx.immediate('ackOutbox', tenantId, wanted, token);
      });
    },

    async releaseOutbox(tenantId, ids, token) {
      guard('releaseOutbox', () => {
        const wanted = checkHeldIds('releaseOutbox', ids, token);
        if (wanted.length > 0) settleOutboxTx.immediate('releaseOutbox', tenantId, wanted, token);
      });
    },

    async renewOutboxLease(tenantId, ids, token, options) {
      return guard('renewOutboxLease', (): Lease => {
        checkRenewOptions('renewOutboxLease', options);
        const wanted = checkHeldIds('renewOutboxLease', ids, token);
        const expires = options.now.getTime() + options.leaseMs;
        const owner = wanted.length === 0 ? '' : renewOutboxTx.immediate(tenantId, wanted, token, expires);
        return { token, owner, expiresAt: new Date(expires).toISOString() };
      });
    },

    async claimDueTimers(tenantId, options) {
      return guard('claimDueTimers', () => {
        checkClaimOptions('claimDueTimers', options);
        return claimTx.immediate(tenantId, options.now.getTime(), options.limit, options.leaseMs, options.owner);
      });
    },

    async completeTimer(tenantId, timerId, token) {
      guard('completeTimer', () => {
        if (st.complete.run(tenantId, timerId, token).changes === 0) throw leaseLost('completeTimer', timerId);
      });
    },

    async releaseTimer(tenantId, timerId, token) {
      guard('releaseTimer', () => {
        if (st.release.run(tenantId, timerId, token).changes === 0) throw leaseLost('releaseTimer', timerId);
      });
    },

    async renewTimerLease(tenantId, timerId, token, options) {
      return guard('renewTimerLease', (): Lease => {
        checkRenewOptions('renewTimerLease', options);
        const expires = options.now.getTime() + options.leaseMs;
        const row = st.renew.get(expires, tenantId, timerId, token) as { owner: string } | undefined;
        if (row === undefined) throw leaseLost('renewTimerLease', timerId);
        return { token, owner: row.owner, expiresAt: new Date(expires).toISOString() };
      });
    },

    async timers(tenantId, caseId) {
      return guard('timers', () => (st.timers.all(tenantId, caseId) as Array<{ row: string }>).map((r) => JSON.parse(r.row) as TimerRow));
    },
  };
}
