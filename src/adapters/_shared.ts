/**
 * What the SQL adapters share: the checks a batch must pass before it touches a database, the
 * error shapes, and small conversions. Adapters import this and the store contract, nothing else
 * of the core.
 */
import { ConcurrencyError, JiaobanError } from '../errors.js';
import type { CaseQueryFilter, CommitBatch, OutboxRow, StoredCase } from '../store/case-store.js';

/** The hash a case's first audit entry chains to (same value as the memory store's `GENESIS_HASH`). */
export const GENESIS = '0'.repeat(64);

export function storeError(
  operation: string, message: string, extra: { outcome?: 'failed' | 'unknown'; reason?: string } = {}, cause?: unknown,
): JiaobanError<'STORE'> {
  const details: { operation: string; outcome: 'failed' | 'unknown'; reason?: string } = { operation, outcome: extra.outcome ?? 'failed' };
  if (extra.reason !== undefined) details.reason = extra.reason;
  return new JiaobanError('STORE', message, details, cause === undefined ? undefined : { cause });
}

export function leaseLost(operation: string, timerId: string): JiaobanError<'STORE'> {
  return storeError(operation, `timer ${timerId} is not held by this lease token`, { reason: 'leaseLost' });
}

/** An ack or release naming rows the token does not (or no longer) hold: nothing was changed. */
export function outboxLeaseLost(operation: string, held: number, wanted: number): JiaobanError<'STORE'> {
  return storeError(operation, `${wanted - held} of ${wanted} outbox rows are not held by this lease token; nothing was changed`, { reason: 'leaseLost' });
}

export { checkClaimOptions, checkHeldIds, checkRenewOptions } from '../store/_lease.js';

export function idempotencyConflict(key: string): JiaobanError<'IDEMPOTENCY_CONFLICT'> {
  return new JiaobanError('IDEMPOTENCY_CONFLICT', 'idempotency key already used', { idempotencyKey: key });
}

export function schemaVersionError(expected: number, actual: number): JiaobanError<'SCHEMA_VERSION'> {
  const hint = actual < expected ? 'run `await store.migrate()`' : 'the database was migrated by a newer jiaoban; upgrade this process';
  return new JiaobanError('SCHEMA_VERSION', `jiaoban schema is at version ${actual}, this code needs ${expected}: ${hint}`, { expected, actual });
}

/** The head a batch says it extends, read off the batch alone. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Every check that needs no database: tenant and case ownership of each row, the version step, a
 * contiguous audit chain whose tail is the case's `auditHead`. Returns the head the stored case must
 * have for the batch to apply (compared against the database inside the transaction).
 */
export function checkBatch(batch: CommitBatch): ChainHead {
  const c = batch.case;
  if (c.tenantId !== batch.tenantId) throw storeError('commit', 'case tenant does not match batch tenant');
  for (const row of [...batch.events, ...batch.outbox]) {
    if (row.tenantId !== batch.tenantId || row.caseId !== c.id) throw storeError('commit', 'row does not belong to the case');
  }
  for (const t of batch.timers.upsert) {
    if (t.tenantId !== batch.tenantId || t.caseId !== c.id) throw storeError('commit', 'timer does not belong to the case');
    toMs(t.dueAt, 'commit');
  }
  if (c.version !== (batch.expectedVersion ?? 0) + 1) throw storeError('commit', 'case version must advance by one');
  const first = batch.audit[0];
  const prev: ChainHead = first === undefined ? { seq: c.auditHead.seq, hash: c.auditHead.hash } : { seq: first.seq - 1, hash: first.prevHash };
  let seq = prev.seq;
  let hash = prev.hash;
  for (const entry of batch.audit) {
    if (entry.seq !== seq + 1 || entry.prevHash !== hash) throw storeError('commit', 'audit entry does not extend the chain');
    seq = entry.seq;
    hash = entry.hash;
  }
  if (c.auditHead.seq !== seq || c.auditHead.hash !== hash) throw storeError('commit', 'case audit head does not match the last audit entry');
  if (batch.expectedVersion === null && (prev.seq !== 0 || prev.hash !== GENESIS)) {
    throw storeError('commit', 'audit entry does not extend the chain');
  }
  return prev;
}

/**
 * The stored state a batch met, turned into the error the contract names: a version mismatch is
 * `CONCURRENCY`, a matching version with another chain head is a broken chain (`STORE`).
 */
export function rejection(batch: CommitBatch, current: { version: number; seq: number; hash: string } | null): JiaobanError {
  const id = batch.case.id;
  if (batch.expectedVersion === null) return new ConcurrencyError(id, 0, current?.version ?? null);
  if (current === null || current.version !== batch.expectedVersion) return new ConcurrencyError(id, batch.expectedVersion, current?.version ?? null);
  return storeError('commit', 'audit entry does not extend the chain');
}

/** ISO instant → epoch ms; instants compare as numbers, not strings ('…00Z' and '…00.000Z' are equal). */
export function toMs(iso: string, operation: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw storeError(operation, `not an ISO instant: ${JSON.stringify(iso).slice(0, 40)}`, { reason: 'invalidInstant' });
  return ms;
}

export function clampLimit(limit: number | undefined, fallback: number): number {
  return Math.min(Math.max(Math.trunc(limit ?? fallback), 1), 1000);
}

/** The indexed columns of a case, with the contract's defaults for rows written before the SLA issue. */
export function caseKeys(c: StoredCase): { level: string; dueMs: number | null; unitIds: string[] } {
  return { level: c.level ?? 'green', dueMs: c.dueAt == null ? null : toMs(c.dueAt, 'commit'), unitIds: [...new Set(c.unitIds ?? [])] };
}

/** Filters that need an index of their own (everything but `unitId`, which is a join / array test). */
export const COLUMN_FILTERS: ReadonlyArray<[keyof CaseQueryFilter, string]> = [
  ['state', 'state'], ['tier', 'tier'], ['leadUnitId', 'lead_unit_id'], ['ownerId', 'owner_id'], ['level', 'level'],
];

/** Accepts only plain identifiers for schema and table prefixes: they are spliced into SQL. */
export function identifier(name: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(name)) throw storeError('configure', `${what} must be a plain SQL identifier`, { reason: 'invalidIdentifier' });
  return name;
}

/** An event and the JSON text it was serialised to for the events table. */
export interface SerialisedEvent {
  value: unknown;
  json: string;
}

const OUTBOX_KEYS = 'id,tenantId,caseId,name,payload,createdAt';

/**
 * An outbox row's stored JSON, with its event spliced in as the text already serialised for the
 * events table. Only when the payload is that very event object (as the engine builds the outbox)
 * and the row has exactly the outbox fields; any other row is serialised whole.
 */
export function outboxBody(o: OutboxRow, event: SerialisedEvent | undefined): string {
  const plain = Object.keys(o).join(',') === OUTBOX_KEYS && [o.id, o.tenantId, o.caseId, o.name, o.createdAt].every((v) => typeof v === 'string');
  if (event === undefined || o.payload !== event.value || !plain) return JSON.stringify(o);
  const eventJson = event.json;
  return `{"id":${JSON.stringify(o.id)},"tenantId":${JSON.stringify(o.tenantId)},"caseId":${JSON.stringify(o.caseId)},"name":${JSON.stringify(o.name)},"payload":${eventJson},"createdAt":${JSON.stringify(o.createdAt)}}`;
}
