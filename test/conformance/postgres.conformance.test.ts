import { defineStoreConformance } from '../../src/testing/conformance/index.js';
import { PG_URL, openPg } from './_pg.js';

if (PG_URL === undefined) console.info('[postgres conformance] JIAOBAN_TEST_PG_URL is not set: running the kit on PGlite (one connection, no SKIP LOCKED contention)');

defineStoreConformance({
  name: PG_URL === undefined ? 'postgresStore (PGlite)' : 'postgresStore (pg Pool)',
  create: async () => openPg('kit'),
  createEmpty: async () => {
    const h = await openPg('kit_empty', { migrate: false });
    return {
      store: h.store,
      cleanup: h.cleanup,
      reopen: h.reopen,
      setSchemaVersion: (v) => h.exec(`INSERT INTO "${h.schema}".jiaoban_migrations (version) VALUES (${Number(v)})`),
    };
  },
});
