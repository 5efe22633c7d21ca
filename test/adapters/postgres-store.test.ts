import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS, postgresStore } from '../../src/adapters/postgres/index.js';
import { commitBatch } from '../../src/testing/conformance/index.js';
import { PG_URL, openPg } from '../conformance/_pg.js';

const NO_PG = 'JIAOBAN_TEST_PG_URL is not set: this test needs a real PostgreSQL server';

/**
 * Runs `claim` while another transaction holds a row lock on `id` of `table`, then releases the lock
 * and drops the schema. A SKIP LOCKED claim steps over the row; a claim that waited for the lock would
 * never return, since the lock is released only after it: the test then fails on its timeout. No
 * timing is asserted, so a slow machine cannot fail it.
 */
async function whileLocked<T>(h: Awaited<ReturnType<typeof openPg>>, table: string, id: string, claim: () => Promise<T>): Promise<T> {
  const blocker = await (h.client as pg.Pool).connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM "${h.schema}".${table} WHERE tenant_id = 't' AND id = $1 FOR UPDATE`, [id]);
    return await claim();
  } finally {
    await blocker.query('ROLLBACK');
    blocker.release();
    await h.cleanup();
  }
}

describe('postgresStore', () => {
  it('declares PGlite as one process with server time, and a pg Pool as multi-process with SKIP LOCKED', async () => {
    const lite = new PGlite();
    try {
      expect(postgresStore(lite).capabilities).toEqual({ durable: true, multiProcess: false, skipLocked: false, serverTime: true, migrations: true });
    } finally {
      await lite.close();
    }
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1 });
    expect(postgresStore(pool).capabilities).toEqual({ durable: true, multiProcess: true, skipLocked: true, serverTime: true, migrations: true });
    await pool.end();
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    const lite = new PGlite();
    try {
      expect(() => postgresStore(lite, { schema: 'a"; DROP SCHEMA public; --' })).toThrow(expect.objectContaining({ code: 'STORE' }));
    } finally {
      await lite.close();
    }
  });

  it('refuses a synchronousCommit PostgreSQL does not have', async () => {
    const lite = new PGlite();
    try {
      expect(() => postgresStore(lite, { synchronousCommit: 'sometimes' as never })).toThrow(expect.objectContaining({
        code: 'STORE', details: expect.objectContaining({ reason: 'invalidOption' }),
      }));
    } finally {
      await lite.close();
    }
  });

  it('applies synchronousCommit inside each commit: in force when the commit commits, the connection keeps its own', async () => {
    // A deferred constraint trigger runs at commit time and records the setting it sees there.
    const h = await openPg('sync_commit', { poolSize: 1 });
    const s = `"${h.schema}"`;
    try {
      await h.exec(`
        CREATE TABLE ${s}.probe (n serial PRIMARY KEY, setting text NOT NULL);
        CREATE FUNCTION ${s}.probe_sync() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN INSERT INTO ${s}.probe (setting) VALUES (current_setting('synchronous_commit')); RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER probe_sync AFTER INSERT OR UPDATE ON ${s}.jiaoban_cases
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${s}.probe_sync();`);
      const off = h.reopen({ synchronousCommit: 'off' });
      await off.commit(commitBatch('t', 'c1', null));
      await off.commit(commitBatch('t', 'c1', await off.load('t', 'c1')));
      await h.store.commit(commitBatch('t', 'c2', null));
      const query = async (text: string) => ((await (h.client as pg.Pool).query(text)) as { rows: Array<Record<string, string>> }).rows;
      expect((await query(`SELECT setting FROM ${s}.probe ORDER BY n`)).map((r) => r['setting'])).toEqual(['off', 'off', 'on']);
      expect((await off.load('t', 'c1'))?.version).toBe(2);
      // The one connection the stores shared still has the server's setting.
      expect((await query('SHOW synchronous_commit'))[0]?.['synchronous_commit']).toBe('on');
    } finally {
      await h.cleanup();
    }
  });

  it('lets several stores migrate the same schema at once (one applies, the others find it done)', async (ctx) => {
    if (PG_URL === undefined) ctx.skip(NO_PG);
    const h = await openPg('mig_race', { migrate: false, poolSize: 6 });
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => h.reopen().migrate()));
      expect(results.filter((r) => r.from === 0)).toHaveLength(1);
      expect(results.every((r) => r.to === POSTGRES_MIGRATIONS.length)).toBe(true);
    } finally {
      await h.cleanup();
    }
  });

  it('skips timers another transaction has locked instead of waiting for it (SKIP LOCKED)', async (ctx) => {
    if (PG_URL === undefined) ctx.skip(NO_PG);
    const h = await openPg('skip_locked');
    const past = new Date(Date.now() - 60_000).toISOString();
    await h.store.commit(commitBatch('t', 'c-1', null, { timers: [{ id: 'a', kind: 'k', dueAt: past }, { id: 'b', kind: 'k', dueAt: past }] }));
    const claimed = await whileLocked(h, 'jiaoban_timers', 'a', () => h.store.claimDueTimers('t', { now: new Date(), limit: 10, leaseMs: 10_000, owner: 'w' }));
    expect(claimed.map((x) => x.id)).toEqual(['b']);
  });

  it('leases against the database clock: expiresAt is the server now() plus the lease', async () => {
    const h = await openPg('server_time');
    try {
      await h.store.commit(commitBatch('t', 'c-1', null, { timers: [{ id: 'a', kind: 'k', dueAt: new Date(Date.now() - 1000).toISOString() }] }));
      const [claimed] = await h.store.claimDueTimers('t', { now: new Date('1999-01-01T00:00:00Z'), limit: 10, leaseMs: 30_000, owner: 'w' });
      const delta = Date.parse(claimed?.lease.expiresAt ?? '') - Date.now();
      expect(delta).toBeGreaterThan(25_000);
      expect(delta).toBeLessThan(35_000);
    } finally {
      await h.cleanup();
    }
  });

  it('skips outbox rows another transaction has locked instead of waiting for it (SKIP LOCKED)', async (ctx) => {
    if (PG_URL === undefined) ctx.skip(NO_PG);
    const h = await openPg('outbox_skip_locked');
    await h.store.commit(commitBatch('t', 'c-1', null, { events: 2 }));
    const claimed = await whileLocked(h, 'jiaoban_outbox', 'c-1:1:0', () => h.store.claimOutbox('t', { now: new Date(), limit: 10, leaseMs: 10_000, owner: 'relay' }));
    expect(claimed.map((x) => x.id)).toEqual(['c-1:1:1']);
  });

  it('leases outbox rows and renews timer leases against the database clock', async () => {
    const h = await openPg('outbox_server_time');
    try {
      await h.store.commit(commitBatch('t', 'c-1', null, { timers: [{ id: 'a', kind: 'k', dueAt: new Date(Date.now() - 1000).toISOString() }] }));
      const [row] = await h.store.claimOutbox('t', { now: new Date('1999-01-01T00:00:00Z'), limit: 10, leaseMs: 30_000, owner: 'relay' });
      const delta = Date.parse(row?.lease.expiresAt ?? '') - Date.now();
      expect(delta).toBeGreaterThan(25_000);
      expect(delta).toBeLessThan(35_000);
      const [timer] = await h.store.claimDueTimers('t', { now: new Date(), limit: 10, leaseMs: 1000, owner: 'w' });
      const renewed = await h.store.renewTimerLease('t', 'a', timer?.lease.token ?? '', { now: new Date('1999-01-01T00:00:00Z'), leaseMs: 30_000 });
      expect(Date.parse(renewed.expiresAt) - Date.now()).toBeGreaterThan(25_000);
    } finally {
      await h.cleanup();
    }
  });

  it('upgrades a version-1 schema in place: SCHEMA_VERSION until migrate(), then outbox rows written before are claimable', async () => {
    const h = await openPg('upgrade_v1', { migrate: false });
    const s = `"${h.schema}"`;
    try {
      const v1 = commitBatch('t', 'c-1', null).outbox[0];
      await h.exec(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.jiaoban_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
        ${(POSTGRES_MIGRATIONS[0] as (x: string) => string)(s)}
        INSERT INTO ${s}.jiaoban_migrations (version) VALUES (1);
        INSERT INTO ${s}.jiaoban_outbox (tenant_id, id, case_id, body) VALUES ('t', 'c-1:1:0', 'c-1', '${JSON.stringify(v1).replace(/'/g, "''")}');`);
      await expect(h.store.claimOutbox('t', { now: new Date(), limit: 10, leaseMs: 1000, owner: 'relay' })).rejects.toMatchObject({ code: 'SCHEMA_VERSION', details: { actual: 1 } });
      expect(await h.store.migrate()).toEqual({ from: 1, to: POSTGRES_MIGRATIONS.length });
      const [row] = await h.store.claimOutbox('t', { now: new Date(), limit: 10, leaseMs: 1000, owner: 'relay' });
      expect(row).toMatchObject({ id: 'c-1:1:0', attempts: 1, payload: v1?.payload });
    } finally {
      await h.cleanup();
    }
  });
});
