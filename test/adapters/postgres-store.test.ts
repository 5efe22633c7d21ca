import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/adapters/postgres/index.js';
import { commitBatch } from '../../src/testing/conformance/index.js';
import { PG_URL, openPg } from '../conformance/_pg.js';

const NO_PG = 'JIAOBAN_TEST_PG_URL is not set: this test needs a real PostgreSQL server';

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

  it('lets several stores migrate the same schema at once (one applies, the others find it done)', async (ctx) => {
    if (PG_URL === undefined) ctx.skip(NO_PG);
    const h = await openPg('mig_race', { migrate: false, poolSize: 6 });
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => h.reopen().migrate()));
      expect(results.filter((r) => r.from === 0)).toHaveLength(1);
      expect(results.every((r) => r.to === 1)).toBe(true);
    } finally {
      await h.cleanup();
    }
  });

  it('skips timers another transaction has locked instead of waiting for it (SKIP LOCKED)', async (ctx) => {
    if (PG_URL === undefined) ctx.skip(NO_PG);
    const h = await openPg('skip_locked');
    const pool = h.client as pg.Pool;
    const past = new Date(Date.now() - 60_000).toISOString();
    await h.store.commit(commitBatch('t', 'c-1', null, { timers: [{ id: 'a', kind: 'k', dueAt: past }, { id: 'b', kind: 'k', dueAt: past }] }));
    const blocker = await pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM "${h.schema}".jiaoban_timers WHERE tenant_id = 't' AND id = 'a' FOR UPDATE`);
      const started = Date.now();
      const claimed = await h.store.claimDueTimers('t', { now: new Date(), limit: 10, leaseMs: 10_000, owner: 'w' });
      expect(claimed.map((x) => x.id)).toEqual(['b']);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
      await h.cleanup();
    }
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
});
