/**
 * The PostgreSQL schema as numbered, forward-only migrations: entry `n - 1` takes a schema from
 * version `n - 1` to `n`. Never edit a shipped entry; append a new one. `s` is the quoted schema.
 * Every primary key and index starts with `tenant_id`: no lookup can cross tenants. Bodies are
 * `text`, not `jsonb`: a case row comes back byte-for-byte as written, and nothing queries inside it.
 *
 * @example
 * POSTGRES_MIGRATIONS[0]?.('"jiaoban"').includes('FOR UPDATE');
 * //=> false
 */
export const POSTGRES_MIGRATIONS: ReadonlyArray<(s: string) => string> = [
  (s) => `
    CREATE TABLE ${s}.jiaoban_cases (
      tenant_id text NOT NULL, id text NOT NULL, version integer NOT NULL,
      tier text NOT NULL, state text NOT NULL, lead_unit_id text, owner_id text, level text NOT NULL, due_at timestamptz,
      unit_ids text[] NOT NULL DEFAULT '{}',
      audit_seq integer NOT NULL, audit_hash text NOT NULL, row text NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX jiaoban_cases_state ON ${s}.jiaoban_cases (tenant_id, state, id);
    CREATE INDEX jiaoban_cases_tier ON ${s}.jiaoban_cases (tenant_id, tier, id);
    CREATE INDEX jiaoban_cases_lead ON ${s}.jiaoban_cases (tenant_id, lead_unit_id, id);
    CREATE INDEX jiaoban_cases_owner ON ${s}.jiaoban_cases (tenant_id, owner_id, id);
    CREATE INDEX jiaoban_cases_level ON ${s}.jiaoban_cases (tenant_id, level, id);
    CREATE INDEX jiaoban_cases_due ON ${s}.jiaoban_cases (tenant_id, due_at) WHERE due_at IS NOT NULL;
    CREATE INDEX jiaoban_cases_units ON ${s}.jiaoban_cases USING gin (unit_ids);
    CREATE TABLE ${s}.jiaoban_events (
      tenant_id text NOT NULL, case_id text NOT NULL, version integer NOT NULL, idx integer NOT NULL, body text NOT NULL,
      PRIMARY KEY (tenant_id, case_id, version, idx)
    );
    CREATE TABLE ${s}.jiaoban_audit (
      tenant_id text NOT NULL, case_id text NOT NULL, seq integer NOT NULL, body text NOT NULL,
      PRIMARY KEY (tenant_id, case_id, seq)
    );
    CREATE TABLE ${s}.jiaoban_outbox (
      seq bigserial PRIMARY KEY, tenant_id text NOT NULL, id text NOT NULL, case_id text NOT NULL, body text NOT NULL,
      UNIQUE (tenant_id, id)
    );
    CREATE INDEX jiaoban_outbox_tenant ON ${s}.jiaoban_outbox (tenant_id, seq);
    CREATE TABLE ${s}.jiaoban_timers (
      tenant_id text NOT NULL, id text NOT NULL, case_id text NOT NULL, due_at timestamptz NOT NULL, row text NOT NULL,
      lease_token text, lease_owner text, lease_expires_at timestamptz, attempts integer NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX jiaoban_timers_due ON ${s}.jiaoban_timers (tenant_id, due_at, id);
    CREATE INDEX jiaoban_timers_case ON ${s}.jiaoban_timers (tenant_id, case_id);
    CREATE TABLE ${s}.jiaoban_idempotency (
      tenant_id text NOT NULL, key text NOT NULL, body text NOT NULL,
      PRIMARY KEY (tenant_id, key)
    );
  `,
  // 2: outbox leases, like the timers': claimed with FOR UPDATE SKIP LOCKED, expiry on the
  // database's clock. Adding nullable columns (and one with a constant default) rewrites nothing.
  (s) => `
    ALTER TABLE ${s}.jiaoban_outbox
      ADD COLUMN lease_token text, ADD COLUMN lease_owner text, ADD COLUMN lease_expires_at timestamptz,
      ADD COLUMN attempts integer NOT NULL DEFAULT 0;
  `,
];
