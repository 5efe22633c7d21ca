/** `jiaoban/postgres`: the PostgreSQL adapter (`pg` Pool or PGlite, optional peer dependencies). */
export { postgresStore, type PostgresStoreOptions, type SynchronousCommit } from './postgres-store.js';
export { POSTGRES_MIGRATIONS } from './migrations.js';
export type { PostgresClient } from './_sql.js';
