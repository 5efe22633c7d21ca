import { randomUUID } from 'node:crypto';
import { ConcurrencyError, isJiaobanError } from '../../errors.js';
import type {
  AuditEntry, CaseStore, ClaimedOutboxRow, ClaimedTimer, CommitBatch, IdempotencyRecord, Lease, MigrationResult, OutboxRow, StoreCapabilities,
  StoredCase, StoredEvent, TimerRow,
} from '../../store/case-store.js';
import {
  COLUMN_FILTERS, caseKeys, checkBatch, checkClaimOptions, checkHeldIds, checkRenewOptions, clampLimit, identifier, idempotencyConflict, leaseLost,
  outboxBody, outboxLeaseLost, rejection, schemaVersionError, storeError, toMs, type SerialisedEvent,
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
  /**
   * PostgreSQL's `synchronous_commit` for this store's commits. Unset: whatever the connection has
   * (the server's default is `on`: a commit returns after its WAL is flushed to disk). `off`: a
   * commit returns before the flush. A crash of the *server* may then lose the last commits (up to
   * three times `wal_writer_delay`, 600 ms by default), whole and in order, never half of one:
   * case, events, audit, outbox and timers go together. A crash of the Node process loses nothing.
   * `local`, `remote_write` and `remote_apply` are the settings for a server with synchronous
   * standbys. Applied inside each commit statement, so the pool's other users keep their setting.
   * docs/benchmarks.md measures `on` against `off`.
   */
  synchronousCommit?: SynchronousCommit;
}

/** The values of PostgreSQL's `synchronous_commit`. */
export type SynchronousCommit = 'on' | 'off' | 'local' | 'remote_write' | 'remote_apply';

const SYNCHRONOUS_COMMIT: ReadonlySet<string> = new Set<SynchronousCommit>(['on', 'off', 'local', 'remote_write', 'remote_apply']);

const POOL_CAPABILITIES: StoreCapabilities = { durable: true, multiProcess: true, skipLocked: true, serverTime: true, migrations: true };
// PGlite is one embedded connection: one process, and no second claimer to skip past.
const PGLITE_CAPABILITIES: StoreCapabilities = { durable: true, multiProcess: false, skipLocked: false, serverTime: true, migrations: true };

/** What a commit statement's text depends on. */
interface CommitShape {
  insert: boolean;
  events: number;
  audit: number;
  outbox: number;
  idempotency: boolean;
  remove: boolean;
  timers: number;
}

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
  const syncCommit = options.synchronousCommit;
  if (syncCommit !== undefined && !SYNCHRONOUS_COMMIT.has(syncCommit)) {
    throw storeError('configure', `synchronousCommit must be one of ${[...SYNCHRONOUS_COMMIT].join(', ')}`, { reason: 'invalidOption' });
  }
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
   *
   * The text depends only on the batch's shape (insert or update, how many events, audit entries,
   * outbox rows and timers), so it is built once per shape and the values are laid out to match:
   * building a few kilobytes of SQL per command was a tenth of the adapter's CPU.
   */
  function commitStatement(batch: CommitBatch, prev: { seq: number; hash: string }): { text: string; values: unknown[] } {
    const c = batch.case;
    const k = caseKeys(c);
    // An id both removed and re-armed in one batch is re-armed (one statement cannot touch a row twice).
    const upserted = new Set(batch.timers.upsert.map((x) => x.id));
    const removed = batch.timers.remove.filter((id) => !upserted.has(id));
    const shape: CommitShape = {
      insert: batch.expectedVersion === null, events: batch.events.length, audit: batch.audit.length, outbox: batch.outbox.length,
      idempotency: batch.idempotency !== undefined, remove: removed.length > 0, timers: batch.timers.upsert.length,
    };
    // $1–$13: the case row; tenant ($1), case id ($2) and version ($3) serve every other row too.
    const values: unknown[] = [
      c.tenantId, c.id, c.version, c.tier, c.state, c.leadUnitId, c.ownerId, k.level, k.dueMs === null ? null : new Date(k.dueMs).toISOString(),
      k.unitIds, c.auditHead.seq, c.auditHead.hash, JSON.stringify(c),
    ];
    if (!shape.insert) values.push(batch.expectedVersion, prev.seq, prev.hash);
    // Each event is serialised once: the outbox row that carries it embeds the same text.
    const eventJson = new Map<string, SerialisedEvent>();
    batch.events.forEach((e, i) => {
      const json = JSON.stringify(e);
      eventJson.set(e.eventId, { value: e, json });
      values.push(i, json);
    });
    for (const a of batch.audit) values.push(a.seq, JSON.stringify(a));
    for (const o of batch.outbox) values.push(o.id, outboxBody(o, eventJson.get(o.id)));
    if (batch.idempotency !== undefined) values.push(batch.idempotency.key, JSON.stringify(batch.idempotency));
    if (shape.remove) values.push(removed);
    for (const x of batch.timers.upsert) values.push(x.id, new Date(toMs(x.dueAt, 'commit')).toISOString(), JSON.stringify(x));
    return { text: commitText(shape), values };
  }

  const commitTexts = new Map<string, string>();

  /** The statement text of one batch shape, with parameters in the order `commitStatement` lays out. */
  function commitText(shape: CommitShape): string {
    const key = `${shape.insert ? 'i' : 'u'}:${shape.events}:${shape.audit}:${shape.outbox}:${shape.idempotency ? 1 : 0}:${shape.remove ? 1 : 0}:${shape.timers}`;
    const known = commitTexts.get(key);
    if (known !== undefined) return known;
    let n = 13;
    const arg = (type: string) => `$${++n}::${type}`;
    const parts: string[] = [];
    if (shape.insert) {
      parts.push(`w AS (INSERT INTO ${T('cases')} (tenant_id, id, version, tier, state, lead_unit_id, owner_id, level, due_at, unit_ids, audit_seq, audit_hash, row)
        VALUES ($1::text, $2::text, $3::int, $4::text, $5::text, $6::text, $7::text, $8::text, $9::timestamptz, $10::text[], $11::int, $12::text, $13::text)
        ON CONFLICT DO NOTHING RETURNING 1)`);
    } else {
      // The version (and chain head) predicate is the fence: a writer that waited on our row lock
      // re-reads the row, no longer matches, and writes nothing.
      parts.push(`w AS (UPDATE ${T('cases')} SET version = $3::int, tier = $4::text, state = $5::text, lead_unit_id = $6::text, owner_id = $7::text,
        level = $8::text, due_at = $9::timestamptz, unit_ids = $10::text[], audit_seq = $11::int, audit_hash = $12::text, row = $13::text
        WHERE tenant_id = $1::text AND id = $2::text AND version = ${arg('int')} AND audit_seq = ${arg('int')} AND audit_hash = ${arg('text')} RETURNING 1)`);
    }
    const insert = (name: string, table: string, columns: string, count: number, tuple: () => string, tail = '') => {
      if (count === 0) return;
      const tuples = Array.from({ length: count }, () => `(${tuple()})`).join(', ');
      parts.push(`${name} AS (INSERT INTO ${table} (${columns}) SELECT v.* FROM (VALUES ${tuples}) AS v WHERE EXISTS (SELECT 1 FROM w) ${tail})`);
    };
    insert('ev', T('events'), 'tenant_id, case_id, version, idx, body', shape.events, () => `$1::text, $2::text, $3::int, ${arg('int')}, ${arg('text')}`);
    insert('au', T('audit'), 'tenant_id, case_id, seq, body', shape.audit, () => `$1::text, $2::text, ${arg('int')}, ${arg('text')}`);
    insert('ob', T('outbox'), 'tenant_id, id, case_id, body', shape.outbox, () => `$1::text, ${arg('text')}, $2::text, ${arg('text')}`);
    insert('idem', T('idempotency'), 'tenant_id, key, body', shape.idempotency ? 1 : 0, () => `$1::text, ${arg('text')}, ${arg('text')}`);
    if (shape.remove) parts.push(`rm AS (DELETE FROM ${T('timers')} WHERE tenant_id = $1::text AND id = ANY(${arg('text[]')}) AND EXISTS (SELECT 1 FROM w))`);
    // A re-armed timer is a new incarnation: its old lease (and token) no longer hold.
    insert('tu', T('timers'), 'tenant_id, id, case_id, due_at, row', shape.timers, () => `$1::text, ${arg('text')}, $2::text, ${arg('timestamptz')}, ${arg('text')}`,
      `ON CONFLICT (tenant_id, id) DO UPDATE SET case_id = excluded.case_id, due_at = excluded.due_at, row = excluded.row,
          lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, attempts = 0`);
    // A SELECT in a WITH runs only when referenced, hence the `sc` column. `true`: local to this
    // statement's own transaction, and it is still in force when that transaction commits.
    const sync = syncCommit === undefined ? '' : `, (SELECT set_config('synchronous_commit', '${syncCommit}', true)) AS sc`;
    const text = `WITH ${parts.join(',\n')} SELECT (SELECT count(*) FROM w)::int AS n${sync}`;
    if (commitTexts.size < 1000) commitTexts.set(key, text);
    return text;
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

    now: () => guard('now', async () => {
      // Epoch ms as a float, as the lease queries read it: one conversion for pg and PGlite alike.
      const r = await sql.query<{ ms: number }>(`SELECT (extract(epoch FROM now()) * 1000)::float8 AS ms`);
      return new Date(Math.floor(Number(r.rows[0]?.ms)));
    }),

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
