/** `jiaoban/sqlite`: the SQLite adapter (better-sqlite3 12.x, an optional peer dependency). */
export { sqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { SQLITE_MIGRATIONS } from './migrations.js';
