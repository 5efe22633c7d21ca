import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteStore } from '../../src/adapters/sqlite/index.js';
import { defineStoreConformance } from '../../src/testing/conformance/index.js';

/** A real file in WAL mode (not ':memory:'), as the adapter runs in production. */
function openFile() {
  const dir = mkdtempSync(join(tmpdir(), 'jiaoban-kit-'));
  const file = join(dir, 'kit.db');
  const db = new Database(file);
  return { db, file, cleanup: async () => { db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

defineStoreConformance({
  name: 'sqliteStore (file, WAL)',
  create: async () => {
    const { db, cleanup } = openFile();
    const store = sqliteStore(db, { synchronous: 'NORMAL' });
    await store.migrate();
    return { store, cleanup };
  },
  createEmpty: async () => {
    const { db, file, cleanup } = openFile();
    const others: Database.Database[] = [];
    return {
      store: sqliteStore(db),
      reopen: () => {
        const second = new Database(file);
        others.push(second);
        return sqliteStore(second);
      },
      setSchemaVersion: async (v) => {
        db.prepare('INSERT INTO jiaoban_migrations (version, applied_at) VALUES (?, ?)').run(v, new Date().toISOString());
      },
      cleanup: async () => {
        for (const o of others) o.close();
        await cleanup();
      },
    };
  },
});
