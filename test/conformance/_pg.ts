/**
 * The PostgreSQL the tests use: the server named by `JIAOBAN_TEST_PG_URL` (CI sets it), else an
 * in-process PGlite. Each caller gets its own schema, dropped by `cleanup`.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { postgresStore, type PostgresStoreOptions } from '../../src/adapters/postgres/index.js';

export const PG_URL = process.env['JIAOBAN_TEST_PG_URL'];

let lite: Promise<PGlite> | null = null;
const sharedLite = (): Promise<PGlite> => (lite ??= PGlite.create());

let counter = 0;
export const uniqueSchema = (label: string): string => `jb_${label}_${process.pid}_${Date.now().toString(36)}_${++counter}`;

export interface PgHandle {
  store: ReturnType<typeof postgresStore>;
  client: pg.Pool | PGlite;
  schema: string;
  /** Runs SQL against the same database (for test setup). */
  exec(sql: string): Promise<void>;
  /** Another store over the same schema, with further options. */
  reopen(options?: Omit<PostgresStoreOptions, 'schema'>): ReturnType<typeof postgresStore>;
  cleanup(): Promise<void>;
}

export async function openPg(label: string, options: { migrate?: boolean; poolSize?: number } = {}): Promise<PgHandle> {
  const schema = uniqueSchema(label);
  let client: pg.Pool | PGlite;
  let close: () => Promise<void>;
  let exec: (sql: string) => Promise<void>;
  if (PG_URL !== undefined) {
    const pool = new pg.Pool({ connectionString: PG_URL, max: options.poolSize ?? 10 });
    client = pool;
    exec = async (sql) => {
      await pool.query(sql);
    };
    close = async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    };
  } else {
    // One PGlite per test file, a schema per caller: starting PGlite costs seconds, a schema nothing.
    const lite = await sharedLite();
    client = lite;
    exec = async (sql) => {
      await lite.exec(sql);
    };
    close = async () => {
      await lite.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    };
  }
  const store = postgresStore(client, { schema });
  if (options.migrate ?? true) await store.migrate();
  return { store, client, schema, exec, reopen: (more = {}) => postgresStore(client, { ...more, schema }), cleanup: close };
}
