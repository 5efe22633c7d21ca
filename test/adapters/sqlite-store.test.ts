import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS, sqliteStore } from '../../src/adapters/sqlite/index.js';
import { commitBatch } from '../../src/testing/conformance/index.js';

const dirs: string[] = [];
const dbs: Database.Database[] = [];
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jiaoban-sqlite-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}
function open(path: string): Database.Database {
  const db = new Database(path);
  dbs.push(db);
  return db;
}
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('sqliteStore', () => {
  it('puts the file in WAL mode and sets the busy timeout explicitly on the connection', () => {
    const db = open(file());
    sqliteStore(db, { busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('declares one host, several processes: durable, multiProcess, migrations; no SKIP LOCKED, no server time', () => {
    expect(sqliteStore(open(':memory:')).capabilities).toEqual({ durable: true, multiProcess: true, skipLocked: false, serverTime: false, migrations: true });
  });

  it('fails a commit that cannot get the write lock within the busy timeout with STORE (busy), writing nothing', async () => {
    const path = file();
    const store = sqliteStore(open(path), { busyTimeoutMs: 50 });
    await store.migrate();
    const other = open(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.commit(commitBatch('t', 'c-1', null))).rejects.toMatchObject({ code: 'STORE', details: { operation: 'commit', outcome: 'failed', reason: 'busy' } });
    } finally {
      other.exec('ROLLBACK');
    }
    expect(await store.load('t', 'c-1')).toBeNull();
    await store.commit(commitBatch('t', 'c-1', null));
    expect((await store.load('t', 'c-1'))?.version).toBe(1);
  });

  it('sees commits of another connection (another process) to the same file', async () => {
    const path = file();
    const a = sqliteStore(open(path));
    await a.migrate();
    const b = sqliteStore(open(path));
    await a.commit(commitBatch('t', 'c-1', null));
    const head = await b.load('t', 'c-1');
    await b.commit(commitBatch('t', 'c-1', head));
    expect((await a.load('t', 'c-1'))?.version).toBe(2);
    await expect(a.commit(commitBatch('t', 'c-1', head))).rejects.toMatchObject({ code: 'CONCURRENCY', expected: 1, actual: 2 });
  });

  it('keeps two table prefixes in one file apart, and refuses a prefix that is not an identifier', async () => {
    const db = open(file());
    const a = sqliteStore(db, { tablePrefix: 'oa_a_' });
    const b = sqliteStore(db, { tablePrefix: 'oa_b_' });
    await a.migrate();
    await b.migrate();
    await a.commit(commitBatch('t', 'c-1', null));
    expect(await b.load('t', 'c-1')).toBeNull();
    expect(() => sqliteStore(db, { tablePrefix: 'x; DROP TABLE y' })).toThrow(expect.objectContaining({ code: 'STORE' }));
  });

  it('sets wal_autocheckpoint when asked, leaves it alone otherwise, and refuses a value that is not a page count', () => {
    const db = open(file());
    sqliteStore(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    sqliteStore(db, { walAutocheckpoint: 10_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    for (const bad of [-1, 1.5, 2_000_000, Number.NaN]) {
      expect(() => sqliteStore(db, { walAutocheckpoint: bad, synchronous: 'NORMAL' })).toThrow(expect.objectContaining({ code: 'STORE', details: expect.objectContaining({ reason: 'invalidOption' }) }));
    }
    // A refused option changes nothing on the connection, the other pragmas included.
    expect([db.pragma('wal_autocheckpoint', { simple: true }), db.pragma('synchronous', { simple: true })]).toEqual([10_000, 2]);
  });

  it('refuses a synchronous or busyTimeoutMs it cannot apply as given, before touching the connection', () => {
    const db = open(file());
    sqliteStore(db, { synchronous: 'NORMAL', busyTimeoutMs: 1234 });
    const invalid = expect.objectContaining({ code: 'STORE', details: expect.objectContaining({ reason: 'invalidOption' }) });
    for (const bad of ['normal', 'OFF', 'EXTRA', '']) {
      expect(() => sqliteStore(db, { synchronous: bad as never, walAutocheckpoint: 50 })).toThrow(invalid);
    }
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => sqliteStore(db, { busyTimeoutMs: bad, synchronous: 'FULL' })).toThrow(invalid);
    }
    // 1 = NORMAL: the refused calls left synchronous, the busy timeout and the checkpoint interval as they were.
    expect([db.pragma('synchronous', { simple: true }), db.pragma('busy_timeout', { simple: true }), db.pragma('wal_autocheckpoint', { simple: true })])
      .toEqual([1, 1234, 1000]);
  });

  it('compares due instants as instants, not strings: "…00Z" and "…00.000Z" are the same moment', async () => {
    const store = sqliteStore(open(file()));
    await store.migrate();
    await store.commit(commitBatch('t', 'c-1', null, { timers: [{ id: 'a', kind: 'k', dueAt: '2026-03-03T09:30:00Z' }] }));
    const claimed = await store.claimDueTimers('t', { now: new Date('2026-03-03T09:30:00.000Z'), limit: 10, leaseMs: 1000, owner: 'w' });
    expect(claimed.map((x) => [x.id, x.dueAt])).toEqual([['a', '2026-03-03T09:30:00Z']]);
  });

  it('upgrades a version-1 file in place: SCHEMA_VERSION until migrate(), then outbox rows written before are claimable', async () => {
    const db = open(file());
    const v1 = commitBatch('t', 'c-1', null).outbox[0];
    db.exec(`CREATE TABLE jiaoban_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL); ${(SQLITE_MIGRATIONS[0] as (p: string) => string)('jiaoban_')}`);
    db.prepare('INSERT INTO jiaoban_migrations (version, applied_at) VALUES (1, ?)').run(new Date().toISOString());
    db.prepare('INSERT INTO jiaoban_outbox (tenant_id, id, case_id, body) VALUES (?, ?, ?, ?)').run('t', 'c-1:1:0', 'c-1', JSON.stringify(v1));
    const store = sqliteStore(db);
    await expect(store.claimOutbox('t', { now: new Date(), limit: 10, leaseMs: 1000, owner: 'relay' })).rejects.toMatchObject({ code: 'SCHEMA_VERSION', details: { actual: 1 } });
    expect(await store.migrate()).toEqual({ from: 1, to: SQLITE_MIGRATIONS.length });
    const [row] = await store.claimOutbox('t', { now: new Date(), limit: 10, leaseMs: 1000, owner: 'relay' });
    expect(row).toMatchObject({ id: 'c-1:1:0', attempts: 1, payload: v1?.payload });
  });

  it('upgrades a version-2 outbox to one without AUTOINCREMENT, keeping rows, numbers, leases and order', async () => {
    const db = open(file());
    db.exec(`CREATE TABLE jiaoban_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
      ${(SQLITE_MIGRATIONS[0] as (p: string) => string)('jiaoban_')} ${(SQLITE_MIGRATIONS[1] as (p: string) => string)('jiaoban_')}`);
    db.prepare('INSERT INTO jiaoban_migrations (version, applied_at) VALUES (1, ?), (2, ?)').run(new Date().toISOString(), new Date().toISOString());
    const insert = db.prepare('INSERT INTO jiaoban_outbox (tenant_id, id, case_id, body, lease_token, lease_owner, lease_ms, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const body = (id: string) => JSON.stringify({ ...commitBatch('t', 'c-1', null).outbox[0], id, payload: { eventId: id } });
    // Numbers with a gap (acknowledged rows in between), one row still leased for an hour.
    const leasedUntil = Date.now() + 3_600_000;
    insert.run('t', 'e-5', 'c-1', body('e-5'), null, null, null, 0);
    db.prepare('DELETE FROM jiaoban_outbox').run();
    insert.run('t', 'e-7', 'c-1', body('e-7'), 'tok', 'relay-a', leasedUntil, 2);
    insert.run('t', 'e-8', 'c-1', body('e-8'), null, null, null, 1);
    const before = db.prepare('SELECT seq, id, lease_token, lease_owner, lease_ms, attempts FROM jiaoban_outbox ORDER BY seq').all();
    expect(before.map((r) => (r as { seq: number }).seq)).toEqual([2, 3]);

    const store = sqliteStore(db);
    expect(await store.migrate()).toEqual({ from: 2, to: 3 });
    expect(db.prepare('SELECT seq, id, lease_token, lease_owner, lease_ms, attempts FROM jiaoban_outbox ORDER BY seq').all()).toEqual(before);
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jiaoban_outbox'").pluck().get() as string;
    expect(table).not.toMatch(/AUTOINCREMENT/i);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jiaoban_outbox' AND sql IS NOT NULL").pluck().all()).toEqual(['jiaoban_outbox_tenant']);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'jiaoban_outbox_next'").pluck().get()).toBe(0);

    // The leased row stays leased; the free one is claimable; a new row sorts after both.
    await store.commit(commitBatch('t', 'c-2', null));
    const claimed = await store.claimOutbox('t', { now: new Date(), limit: 10, leaseMs: 1000, owner: 'relay-b' });
    expect(claimed.map((r) => [r.id, r.attempts])).toEqual([['e-8', 2], [commitBatch('t', 'c-2', null).outbox[0]?.id, 1]]);
    const seqs = db.prepare('SELECT seq FROM jiaoban_outbox ORDER BY seq').pluck().all();
    expect(seqs).toEqual([2, 3, 4]);
  });
});
