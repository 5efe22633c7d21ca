/**
 * One small query interface over the two clients `postgresStore` accepts: a `pg` Pool (a
 * transaction must run on one checked-out client, never on `pool.query`) and a PGlite instance
 * (one connection; its `transaction` serialises callers).
 */
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { PGlite, Transaction } from '@electric-sql/pglite';

export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlRunner {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Sql extends SqlRunner {
  /**
   * Runs `fn` in one transaction. An error thrown by COMMIT itself is wrapped in `CommitUnknown`:
   * the server may or may not have applied the transaction.
   */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/** COMMIT failed in a way that leaves its outcome unknown (the connection dropped, a timeout). */
export class CommitUnknown extends Error {
  constructor(readonly original: unknown) {
    super('commit outcome unknown', { cause: original });
  }
}

/**
 * What `postgresStore` accepts: a `pg` Pool (not a single Client: commits run concurrently) or PGlite.
 *
 * @example
 * const client: PostgresClient = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 */
export type PostgresClient = Pool | PGlite;

const isPool = (client: PostgresClient): client is Pool =>
  typeof (client as Pool).connect === 'function' && typeof (client as Pool).totalCount === 'number';

/**
 * Named prepared statements: PostgreSQL parses and plans each distinct text once per connection. A
 * commit is one statement with dozens of parameters, so planning it on every call would cost more than
 * running it. The adapter's texts come in a handful of shapes (by batch size), so the set stays small.
 */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `jiaoban_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}

function fromPg(c: Pool | PoolClient): SqlRunner {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      const r = await c.query({ name: statementName(text), text, values: params as unknown[] });
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async exec(text) {
      await c.query(text);
    },
  };
}

function fromPglite(c: PGlite | Transaction): SqlRunner {
  return {
    async query<R>(text: string, params: readonly unknown[] = []) {
      const r = await c.query<R>(text, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? 0 };
    },
    async exec(text) {
      await c.exec(text);
    },
  };
}

export function toSql(client: PostgresClient): Sql {
  if (isPool(client)) {
    const pool = client;
    return {
      ...fromPg(pool),
      async transaction(fn) {
        const conn = await pool.connect();
        let broken: Error | undefined;
        try {
          await conn.query('BEGIN');
          let result;
          try {
            result = await fn(fromPg(conn));
          } catch (error) {
            try {
              await conn.query('ROLLBACK');
            } catch (rollbackError) {
              broken = rollbackError as Error;
            }
            throw error;
          }
          try {
            await conn.query('COMMIT');
          } catch (error) {
            broken = error as Error;
            throw new CommitUnknown(error);
          }
          return result;
        } finally {
          // A client whose connection failed is destroyed, not returned to the pool.
          conn.release(broken);
        }
      },
    };
  }
  const lite = client;
  return {
    ...fromPglite(lite),
    async transaction(fn) {
      return lite.transaction(async (tx) => fn(fromPglite(tx)));
    },
  };
}
