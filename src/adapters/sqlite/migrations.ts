/**
 * The SQLite schema as numbered, forward-only migrations: entry `n - 1` takes a database from
 * version `n - 1` to `n`. Never edit a shipped entry; append a new one. Every key starts with the
 * tenant id, so no index lookup can cross tenants. The case table keeps its rowid: its rows (the
 * snapshot) run to kilobytes, which a WITHOUT ROWID b-tree would copy through its interior pages.
 *
 * @example
 * SQLITE_MIGRATIONS.length; // the schema version this code expects
 * //=> 3
 */
export const SQLITE_MIGRATIONS: ReadonlyArray<(prefix: string) => string> = [
  (p) => `
    CREATE TABLE ${p}cases (
      tenant_id TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
      tier TEXT NOT NULL, state TEXT NOT NULL, lead_unit_id TEXT, owner_id TEXT, level TEXT NOT NULL, due_ms INTEGER,
      unit_ids TEXT NOT NULL, audit_seq INTEGER NOT NULL, audit_hash TEXT NOT NULL, row TEXT NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX ${p}cases_state ON ${p}cases (tenant_id, state, id);
    CREATE INDEX ${p}cases_tier ON ${p}cases (tenant_id, tier, id);
    CREATE INDEX ${p}cases_lead ON ${p}cases (tenant_id, lead_unit_id, id);
    CREATE INDEX ${p}cases_owner ON ${p}cases (tenant_id, owner_id, id);
    CREATE INDEX ${p}cases_level ON ${p}cases (tenant_id, level, id);
    CREATE INDEX ${p}cases_due ON ${p}cases (tenant_id, due_ms);
    CREATE TABLE ${p}case_units (
      tenant_id TEXT NOT NULL, unit_id TEXT NOT NULL, case_id TEXT NOT NULL,
      PRIMARY KEY (tenant_id, unit_id, case_id)
    ) WITHOUT ROWID;
    CREATE INDEX ${p}case_units_case ON ${p}case_units (tenant_id, case_id);
    CREATE TABLE ${p}events (
      tenant_id TEXT NOT NULL, case_id TEXT NOT NULL, version INTEGER NOT NULL, idx INTEGER NOT NULL, body TEXT NOT NULL,
      PRIMARY KEY (tenant_id, case_id, version, idx)
    ) WITHOUT ROWID;
    CREATE TABLE ${p}audit (
      tenant_id TEXT NOT NULL, case_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
      PRIMARY KEY (tenant_id, case_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE ${p}outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL, id TEXT NOT NULL, case_id TEXT NOT NULL, body TEXT NOT NULL,
      UNIQUE (tenant_id, id)
    );
    CREATE INDEX ${p}outbox_tenant ON ${p}outbox (tenant_id, seq);
    CREATE TABLE ${p}timers (
      tenant_id TEXT NOT NULL, id TEXT NOT NULL, case_id TEXT NOT NULL, due_ms INTEGER NOT NULL, row TEXT NOT NULL,
      lease_token TEXT, lease_owner TEXT, lease_ms INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX ${p}timers_due ON ${p}timers (tenant_id, due_ms, id);
    CREATE INDEX ${p}timers_case ON ${p}timers (tenant_id, case_id);
    CREATE TABLE ${p}idempotency (
      tenant_id TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
      PRIMARY KEY (tenant_id, key)
    ) WITHOUT ROWID;
  `,
  // 2: outbox leases. A claim writes one token into every row it takes; the claim query walks
  // `outbox_tenant` (tenant_id, seq) and skips rows whose lease is still running.
  (p) => `
    ALTER TABLE ${p}outbox ADD COLUMN lease_token TEXT;
    ALTER TABLE ${p}outbox ADD COLUMN lease_owner TEXT;
    ALTER TABLE ${p}outbox ADD COLUMN lease_ms INTEGER;
    ALTER TABLE ${p}outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
  `,
  // 3: the outbox without AUTOINCREMENT, which wrote a sqlite_sequence row on every insert (a
  // transaction of one outbox insert: 57–83 µs with it, 48–53 µs without, here). A plain rowid is
  // one more than the largest in the table, so a new row still sorts after every row waiting; only
  // numbers of rows already acknowledged may come back, and nothing keeps those. SQLite cannot drop
  // AUTOINCREMENT in place: the table is rebuilt, rows, numbers and leases kept.
  (p) => `
    CREATE TABLE ${p}outbox_next (
      seq INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, id TEXT NOT NULL, case_id TEXT NOT NULL, body TEXT NOT NULL,
      lease_token TEXT, lease_owner TEXT, lease_ms INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
      UNIQUE (tenant_id, id)
    );
    INSERT INTO ${p}outbox_next (seq, tenant_id, id, case_id, body, lease_token, lease_owner, lease_ms, attempts)
      SELECT seq, tenant_id, id, case_id, body, lease_token, lease_owner, lease_ms, attempts FROM ${p}outbox;
    DROP TABLE ${p}outbox;
    ALTER TABLE ${p}outbox_next RENAME TO ${p}outbox;
    CREATE INDEX ${p}outbox_tenant ON ${p}outbox (tenant_id, seq);
  `,
];
