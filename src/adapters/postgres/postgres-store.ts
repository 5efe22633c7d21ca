import { randomUUID } from 'node:crypto';
import { ConcurrencyError, isJiaobanError } from '../../errors.js';
import type {
  AuditEntry, CaseStore, ClaimedOutboxRow, ClaimedTimer, CommitBatch, IdempotencyRecord, Lease, MigrationResult, OutboxRow, StoreCapabilities,
  StoredCase, StoredEvent, TimerRow,
} from '../../store/case-store.js';
import {
  COLUMN_FILTERS, caseKeys, checkBatch, checkClaimOptions, checkHeldIds, checkRenewOptions, clampLimit, identifier, idempotencyConflict, leaseLost,
  outboxLeaseLost, rejection, schemaVersionError, storeError, toMs,
} from '../_shared.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { CommitUnknown, toSql, type PostgresClient, type SqlRunner } from './_sql.js';

/**
 * Options of `postgresStore`.
 *
 * @example
 * const store = postgresStore(pool, { schema: 'oa_jiaoban' });
 */
export interface PostgresStoreOptions {
  /** The schema that holds jiaoban's tables (created by `migrate()`); default `public`. */
  schema?: string;
}

const POOL_CAPABILITIES: StoreCapabilities = { durable: true, multiProcess: true, skipLocked: true, serverTime: true, migrations: true };
// PGlite is one embedded connection: one process, and no second claimer to skip past.
const PGLITE_CAPABILITIES: StoreCapabilities = { durable: true, multiProcess: false, skipLocked: false, serverTime: true, migrations: true };

/**
 * A `CaseStore` over PostgreSQL: a `pg` Pool you create and own (several processes may share the
 * database), or a PGlite instance (embedded, one process). Each commit is one transaction whose
 * case update carries the version and audit-head predicate, so a concurrent writer loses with
 * `CONCURRENCY` and leaves nothing behind. Due timers are claimed with `FOR UPDATE SKIP LOCKED`;
 * "now" for due checks and leases is the database's `now()`, never a node's clock. Call
 * `await store.migrate()` once per schema (safe to run from several processes at once); until
 * then every call throws `SCHEMA_VERSION`.
 *
 * @example
 * import pg from 'pg';
 * import { postgresStore } from 'jiaoban/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = postgresStore(pool, { schema: 'jiaoban' });
 * await store.migrate();
 * //=> { from: 0, to: 2 }
 * const engine = createEngine({ store });
 */
export function postgresStore(client: PostgresClient, options: PostgresStoreOptions = {}): CaseStore & { migrate(): Promise<MigrationResult>; readonly capabilities: StoreCapabilities } {
  const sql = toSql(client);
  const schemaName = identifier(options.schema ?? 'public', 'schema');
  const s = `"${schemaName}"`;
  const T = (name: string) => `${s}.jiaoban_${name}`;
  const latest = POSTGRES_MIGRATIONS.length;
  const isPool = typeof (client as { totalCount?: unknown }).totalCount === 'number';
  let checked: Promise<void> | null = null;

  const schemaVersion = async (runner: SqlRunner): Promise<number> => {
    const exists = await runner.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`${s}.jiaoban_migrations`]);
    if (exists.rows[0]?.t == null) return 0;
    const r = await runner.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${T('migrations')}`);
    return Number(r.rows[0]?.v ?? 0);
  };

  const ready = (): Promise<void> => {
    checked ??= (async () => {
      const actual = await schemaVersion(sql);
      if (actual !== latest) throw schemaVersionError(latest, actual);
    })().catch((error: unknown) => {
      // Not remembered: after `migrate()` the next call checks again.
      checked = null;
      throw error;
    });
    return checked;
  };

  const guard = async <R>(operation: string, fn: () => Promise<R>): Promise<R> => {
    try {
      await ready();
      return await fn();
    } catch (error) {
      if (isJiaobanError(error)) throw error;
      if (error instanceof CommitUnknown) throw storeError(operation, `postgres ${operation}: commit outcome unknown`, { outcome: 'unknown' }, error.original);
      const code = (error as { code?: unknown }).code;
      throw storeError(operation, `postgres ${operation} failed`, typeof code === 'string' ? { reason: code } : {}, error);
    }
  };

  /**
   * The whole commit as ONE statement (data-modifying CTEs): a single statement is atomic on its own,
   * so there is no BEGIN/COMMIT round trip and no transaction left open across awaits. Every insert
   * is conditional on the case write having matched; a used idempotency key is a unique violation
   * that aborts the whole statement.
   */
  function commitStatement(batch: CommitBatch, prev: { seq: number; hash: string }): { text: string; values: unknown[] } {
    const c = batch.case;
    const values: unknown[] = [];
    const arg = (v: unknown, type: string) => `$${values.push(v)}::${type}`;
    const k = caseKeys(c);
    const cols: Array<[unknown, string]> = [
      [c.tenantId, 'text'], [c.id, 'text'], [c.version, 'int'], [c.tier, 'text'], [c.state, 'text'], [c.leadUnitId, 'text'], [c.ownerId, 'text'],
      [k.level, 'text'], [k.dueMs === null ? null : new Date(k.dueMs).toISOString(), 'timestamptz'], [k.unitIds, 'text[]'],
      [c.auditHead.seq, 'int'], [c.auditHead.hash, 'text'], [JSON.stringify(c), 'text'],
    ];
    const p = cols.map(([v, t]) => arg(v, t));
    const parts: string[] = [];
    if (batch.expectedVersion === null) {
      parts.push(`w AS (INSERT INTO ${T('cases')} (tenant_id, id, version, tier, state, lead_unit_id, owner_id, level, due_at, unit_ids, audit_seq, audit_hash, row)
        VALUES (${p.join(', ')}) ON CONFLICT DO NOTHING RETURNING 1)`);
    } else {
      // The version (and chain head) predicate is the fence: a writer that waited on our row lock
      // re-reads the row, no longer matches, and writes nothing.
      parts.push(`w AS (UPDATE ${T('cases')} SET version = ${p[2]}, tier = ${p[3]}, state = ${p[4]}, lead_unit_id = ${p[5]}, owner_id = ${p[6]},
        level = ${p[7]}, due_at = ${p[8]}, unit_ids = ${p[9]}, audit_seq = ${p[10]}, audit_hash = ${p[11]}, row = ${p[12]}
        WHERE tenant_id = ${p[0]} AND id = ${p[1]} AND version = ${arg(batch.expectedVersion, 'int')}
          AND audit_seq = ${arg(prev.seq, 'int')} AND audit_hash = ${arg(prev.hash, 'text')} RETURNING 1)`);
    }
    const insert = (name: string, table: string, columns: string, rows: Array<Array<[unknown, string]>>, tail = '') => {
      if (rows.length === 0) return;
      const tuples = rows.map((r) => `(${r.map(([v, t]) => arg(v, t)).join(', ')})`).join(', ');
      parts.push(`${name} AS (INSERT INTO ${table} (${columns}) SELECT v.* FROM (VALUES ${tuples}) AS v WHERE EXISTS (SELECT 1 FROM w) ${tail})`);
    };
    const t = batch.tenantId;
    insert('ev', T('events'), 'tenant_id, case_id, version, idx, body', batch.events.map((e, i) => [[t, 'text'], [c.id, 'text'], [c.version, 'int'], [i, 'int'], [JSON.stringify(e), 'text']]));
    insert('au', T('audit'), 'tenant_id, case_id, seq, body', batch.audit.map((a) => [[t, 'text'], [c.id, 'text'], [a.seq, 'int'], [JSON.stringify(a), 'text']]));
    insert('ob', T('outbox'), 'tenant_id, id, case_id, body', batch.outbox.map((o) => [[t, 'text'], [o.id, 'text'], [c.id, 'text'], [JSON.stringify(o), 'text']]));
    if (batch.idempotency !== undefined) {
      insert('idem', T('idempotency'), 'tenant_id, key, body', [[[t, 'text'], [batch.idempotency.key, 'text'], [JSON.stringify(batch.idempotency), 'text']]]);
    }
    // An id both removed and re-armed in one batch is re-armed (one statement cannot touch a row twice).
    const upserted = new Set(batch.timers.upsert.map((x) => x.id));
    const removed = batch.timers.remove.filter((id) => !upserted.has(id));
    if (removed.length > 0) {
      parts.push(`rm AS (DELETE FROM ${T('timers')} WHERE tenant_id = ${arg(t, 'text')} AND id = ANY(${arg(removed, 'text[]')}) AND EXISTS (SELECT 1 FROM w))`);
    }
    // A re-armed timer is a new incarnation: its old lease (and token) no longer hold.
    insert('tu', T('timers'), 'tenant_id, id, case_id, due_at, row', batch.timers.upsert.map((x) => [
      [t, 'text'], [x.id, 'text'], [x.caseId, 'text'], [new Date(toMs(x.dueAt, 'commit')).toISOString(), 'timestamptz'], [JSON.stringify(x), 'text'],
    ]), `ON CONFLICT (tenant_id, id) DO UPDATE SET case_id = excluded.case_id, due_at = excluded.due_at, row = excluded.row,
          lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, attempts = 0`);
    return { text: `WITH ${parts.join(',\n')} SELECT (SELECT count(*) FROM w)::int AS n`, values };
  }

  async function commitOnce(batch: CommitBatch): Promise<void> {
    const prev = checkBatch(batch);
    const { text, values } = commitStatement(batch, prev);
    let written: number;
    try {
      written = Number((await sql.query<{ n: number }>(text, values)).rows[0]?.n ?? 0);
    } catch (error) {
      const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
      if (e.code === '23505' && batch.idempotency !== undefined && String(e.constraint ?? e.message ?? '').includes('idempotency')) {
        throw idempotencyConflict(batch.idempotency.key);
      }
      if (e.code === '23505' && batch.expectedVersion === null && String(e.constraint ?? e.message ?? '').includes('cases')) {
        throw new ConcurrencyError(batch.case.id, 0, 1);
      }
      // A server-side error (SQLSTATE) rolled the statement back; anything else (the connection
      // dropped, a timeout) leaves the outcome unknown.
      if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) throw storeError('commit', 'postgres commit failed', { reason: e.code }, error);
      throw storeError('commit', 'postgres commit: outcome unknown', { outcome: 'unknown' }, error);
    }
    if (written !== 1) {
      const cur = await sql.query<{ version: number; seq: number; hash: string }>(
        `SELECT version, audit_seq AS seq, audit_hash AS hash FROM ${T('cases')} WHERE tenant_id = $1 AND id = $2`, [batch.tenantId, batch.case.id]);
      throw rejection(batch, cur.rows[0] ?? null);
    }
  }

  const bodies = <R>(rows: Array<{ body: string }>): R[] => rows.map((r) => JSON.parse(r.body) as R);

  /**
   * Ack (delete) or release (un-lease) as ONE statement, all or nothing: `held` locks the rows the
   * token still holds; the change applies only when that is every id asked for. A claimer that took
   * a row first has changed its token, so `held` comes up short and nothing changes.
   */
  async function settleOutbox(operation: 'ackOutbox' | 'releaseOutbox', tenantId: string, ids: string[], token: string): Promise<void> {
    if (ids.length === 0) return;
    const change = operation === 'ackOutbox'
      ? `DELETE FROM ${T('outbox')} o USING held WHERE o.seq = held.seq AND (SELECT count(*) FROM held) = $4 RETURNING 1`
      : `UPDATE ${T('outbox')} o SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL FROM held
         WHERE o.seq = held.seq AND (SELECT count(*) FROM held) = $4 RETURNING 1`;
    const r = await sql.query<{ held: number }>(`
      WITH held AS (SELECT seq FROM ${T('outbox')} WHERE tenant_id = $1 AND id = ANY($2::text[]) AND lease_token = $3 FOR UPDATE),
        changed AS (${change})
      SELECT (SELECT count(*) FROM held)::int AS held`, [tenantId, ids, token, ids.length]);
    const held = Number(r.rows[0]?.held ?? 0);
    if (held !== ids.length) throw outboxLeaseLost(operation, held, ids.length);
  }

  /**
   * Moves the lease end of held rows to the database's `now() + leaseMs`, as ONE statement and all or
   * nothing, like `settleOutbox`: `held` locks the rows the token still holds, and the update applies
   * only when that is every id asked for. The lease end comes back from the statement's own `now()`
   * (one value per transaction), so an empty `ids` gets the end a renewal would have set too.
   */
  async function renewOutbox(tenantId: string, ids: string[], token: string, leaseMs: number): Promise<Lease> {
    const r = await sql.query<{ held: number; owner: string | null; expires_ms: number }>(`
      WITH held AS (SELECT seq FROM ${T('outbox')} WHERE tenant_id = $1 AND id = ANY($2::text[]) AND lease_token = $3 FOR UPDATE),
        renewed AS (UPDATE ${T('outbox')} o SET lease_expires_at = now() + $5 * interval '1 millisecond' FROM held
          WHERE o.seq = held.seq AND (SELECT count(*) FROM held) = $4 RETURNING o.lease_owner)
      SELECT (SELECT count(*) FROM held)::int AS held, (SELECT min(lease_owner) FROM renewed) AS owner,
        (extract(epoch FROM now() + $5 * interval '1 millisecond') * 1000)::float8 AS expires_ms`,
    [tenantId, ids, token, ids.length, leaseMs]);
    const row = r.rows[0];
    const held = Number(row?.held ?? 0);
    if (row === undefined || held !== ids.length) throw outboxLeaseLost('renewOutboxLease', held, ids.length);
    return { token, owner: row.owner ?? '', expiresAt: new Date(Math.floor(row.expires_ms)).toISOString() };
  }

  return {
    capabilities: isPool ? POOL_CAPABILITIES : PGLITE_CAPABILITIES,

    async migrate() {
      try {
        const result = await sql.transaction(async (tx) => {
          // Several processes may start at once: the advisory lock makes them migrate one by one.
          await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`jiaoban:migrate:${schemaName}`]);
          await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${s}; CREATE TABLE IF NOT EXISTS ${T('migrations')} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
          const from = await schemaVersion(tx);
          if (from > latest) throw schemaVersionError(latest, from);
          for (let v = from + 1; v <= latest; v++) {
            await tx.exec((POSTGRES_MIGRATIONS[v - 1] as (schema: string) => string)(s));
            await tx.query(`INSERT INTO ${T('migrations')} (version) VALUES ($1)`, [v]);
          }
          return { from, to: latest };
        });
        checked = null;
        return result;
      } catch (error) {
        checked = null;
        if (isJiaobanError(error)) throw error;
        throw storeError('migrate', 'postgres migration failed', {}, error instanceof CommitUnknown ? error.original : error);
      }
    },

    load: (tenantId, caseId) => guard('load', async () => {
      const r = await sql.query<{ row: string }>(`SELECT row FROM ${T('cases')} WHERE tenant_id = $1 AND id = $2`, [tenantId, caseId]);
      const row = r.rows[0];
      return row === undefined ? null : (JSON.parse(row.row) as StoredCase);
    }),

    commit: (batch) => guard('commit', () => commitOnce(batch)),

    findIdempotency: (tenantId, key) => guard('findIdempotency', async () => {
      const r = await sql.query<{ body: string }>(`SELECT body FROM ${T('idempotency')} WHERE tenant_id = $1 AND key = $2`, [tenantId, key]);
      return bodies<IdempotencyRecord>(r.rows)[0] ?? null;
    }),

    history: (tenantId, caseId) => guard('history', async () => bodies<StoredEvent>((await sql.query<{ body: string }>(
      `SELECT body FROM ${T('events')} WHERE tenant_id = $1 AND case_id = $2 ORDER BY version, idx`, [tenantId, caseId])).rows)),

    audit: (tenantId, caseId) => guard('audit', async () => bodies<AuditEntry>((await sql.query<{ body: string }>(
      `SELECT body FROM ${T('audit')} WHERE tenant_id = $1 AND case_id = $2 ORDER BY seq`, [tenantId, caseId])).rows)),

    query: (tenantId, filter, page = {}) => guard('query', async () => {
      const limit = clampLimit(page.limit, 50);
      const params: unknown[] = [tenantId];
      const where = ['tenant_id = $1'];
      const arg = (v: unknown) => `$${params.push(v)}`;
      for (const [key, column] of COLUMN_FILTERS) {
        const v = filter[key];
        if (v !== undefined) where.push(`${column} = ${arg(v)}`);
      }
      if (filter.unitId !== undefined) where.push(`unit_ids @> ARRAY[${arg(filter.unitId)}]::text[]`);
      if (filter.dueBefore !== undefined) where.push(`due_at <= ${arg(new Date(toMs(filter.dueBefore, 'query')).toISOString())}::timestamptz`);
      if (page.cursor != null) where.push(`id > ${arg(page.cursor)}`);
      const r = await sql.query<{ row: string }>(
        `SELECT row FROM ${T('cases')} WHERE ${where.join(' AND ')} ORDER BY id LIMIT ${arg(limit + 1)}`, params);
      const items = r.rows.slice(0, limit).map((x) => JSON.parse(x.row) as StoredCase);
      return { items, nextCursor: r.rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
    }),

    readOutbox: (tenantId, limit = 100) => guard('readOutbox', async () => bodies<OutboxRow>((await sql.query<{ body: string }>(
      `SELECT body FROM ${T('outbox')} WHERE tenant_id = $1 ORDER BY seq LIMIT $2`, [tenantId, clampLimit(limit, 100)])).rows)),

    claimOutbox: (tenantId, options) => guard('claimOutbox', async () => {
      checkClaimOptions('claimOutbox', options);
      // Like the timers: SKIP LOCKED so concurrent relays take disjoint rows, the database's now() for
      // expiry. One token for the whole claim (made here: one value, not one per row).
      const token = randomUUID();
      const r = await sql.query<{ body: string; attempts: number; expires_ms: number; seq: string }>(`
        WITH free AS (
          SELECT seq FROM ${T('outbox')}
          WHERE tenant_id = $1 AND (lease_expires_at IS NULL OR lease_expires_at <= now())
          ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
        UPDATE ${T('outbox')} o SET lease_token = $3, lease_owner = $4, lease_expires_at = now() + $5 * interval '1 millisecond', attempts = o.attempts + 1
        FROM free WHERE o.seq = free.seq
        RETURNING o.seq::text AS seq, o.body, o.attempts, (extract(epoch FROM o.lease_expires_at) * 1000)::float8 AS expires_ms`,
      [tenantId, options.limit, token, options.owner, options.leaseMs]);
      const rows = [...r.rows].sort((a, b) => Number(a.seq) - Number(b.seq));
      return rows.map((x): ClaimedOutboxRow => ({
        ...(JSON.parse(x.body) as OutboxRow),
        lease: { token, owner: options.owner, expiresAt: new Date(Math.floor(x.expires_ms)).toISOString() },
        attempts: x.attempts,
      }));
    }),

    ackOutbox: (tenantId, ids, token) => guard('ackOutbox', async () => settleOutbox('ackOutbox', tenantId, checkHeldIds('ackOutbox', ids, token), token)),

    releaseOutbox: (tenantId, ids, token) => guard('releaseOutbox', async () =>
      settleOutbox('releaseOutbox', tenantId, checkHeldIds('releaseOutbox', ids, token), token)),

    renewOutboxLease: (tenantId, ids, token, options) => guard('renewOutboxLease', async () => {
      checkRenewOptions('renewOutboxLease', options);
      // `options.now` is ignored: the lease ends on the database's clock, like the claim's (serverTime).
      return renewOutbox(tenantId, checkHeldIds('renewOutboxLease', ids, token), token, options.leaseMs);
    }),

    claimDueTimers: (tenantId, options) => guard('claimDueTimers', async () => {
      checkClaimOptions('claimDueTimers', options);
      // `now()` is the database's clock: nodes with skewed clocks neither fire early nor steal leases.
      const r = await sql.query<{ row: string; token: string; attempts: number; expires_ms: number; due_ms: number; id: string }>(`
        WITH due AS (
          SELECT id FROM ${T('timers')}
          WHERE tenant_id = $1 AND due_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at <= now())
          ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
        UPDATE ${T('timers')} t SET lease_token = gen_random_uuid()::text, lease_owner = $3,
          lease_expires_at = now() + $4 * interval '1 millisecond', attempts = t.attempts + 1
        FROM due WHERE t.tenant_id = $1 AND t.id = due.id
        RETURNING t.id, t.row, t.lease_token AS token, t.attempts,
          (extract(epoch FROM t.lease_expires_at) * 1000)::float8 AS expires_ms, (extract(epoch FROM t.due_at) * 1000)::float8 AS due_ms`,
      [tenantId, options.limit, options.owner, options.leaseMs]);
      const rows = [...r.rows].sort((a, b) => a.due_ms - b.due_ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return rows.map((x): ClaimedTimer => ({
        ...(JSON.parse(x.row) as TimerRow),
        lease: { token: x.token, owner: options.owner, expiresAt: new Date(Math.floor(x.expires_ms)).toISOString() },
        attempts: x.attempts,
      }));
    }),

    completeTimer: (tenantId, timerId, token) => guard('completeTimer', async () => {
      const r = await sql.query(`DELETE FROM ${T('timers')} WHERE tenant_id = $1 AND id = $2 AND lease_token = $3`, [tenantId, timerId, token]);
      if (r.rowCount === 0) throw leaseLost('completeTimer', timerId);
    }),

    releaseTimer: (tenantId, timerId, token) => guard('releaseTimer', async () => {
      const r = await sql.query(`UPDATE ${T('timers')} SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
        WHERE tenant_id = $1 AND id = $2 AND lease_token = $3`, [tenantId, timerId, token]);
      if (r.rowCount === 0) throw leaseLost('releaseTimer', timerId);
    }),

    renewTimerLease: (tenantId, timerId, token, options) => guard('renewTimerLease', async () => {
      checkRenewOptions('renewTimerLease', options);
      const r = await sql.query<{ owner: string; expires_ms: number }>(`UPDATE ${T('timers')} SET lease_expires_at = now() + $4 * interval '1 millisecond'
        WHERE tenant_id = $1 AND id = $2 AND lease_token = $3
        RETURNING lease_owner AS owner, (extract(epoch FROM lease_expires_at) * 1000)::float8 AS expires_ms`, [tenantId, timerId, token, options.leaseMs]);
      const row = r.rows[0];
      if (row === undefined) throw leaseLost('renewTimerLease', timerId);
      return { token, owner: row.owner, expiresAt: new Date(Math.floor(row.expires_ms)).toISOString() };
    }),

    timers: (tenantId, caseId) => guard('timers', async () => (await sql.query<{ row: string }>(
      `SELECT row FROM ${T('timers')} WHERE tenant_id = $1 AND case_id = $2 ORDER BY due_at, id`, [tenantId, caseId])).rows
      .map((x) => JSON.parse(x.row) as TimerRow)),
  };
}
