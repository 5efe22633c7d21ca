/**
 * Batch builders for the conformance kit. They build well-formed rows by hand (no engine internals),
 * so an adapter author can read exactly what each test writes.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, CommitBatch, StoredCase, StoredEvent, TimerRow } from '../../store/case-store.js';

/**
 * The hash a case's first audit entry chains to.
 *
 * @example
 * auditEntry(1, GENESIS).prevHash === GENESIS;
 * //=> true
 */
export const GENESIS = '0'.repeat(64);

const AT = '2026-03-02T01:00:00.000Z';

/**
 * The fields of a test case row a test may set.
 *
 * @example
 * const fields: CaseFields = { state: 'inProgress', unitIds: ['u-water'], level: 'yellow' };
 */
export type CaseFields = Partial<Pick<StoredCase, 'state' | 'tier' | 'leadUnitId' | 'ownerId' | 'unitIds' | 'level' | 'dueAt' | 'snapshot'>>;

/**
 * One audit entry chained to `prevHash`; the hash is a sha256 over the entry's JSON (stores never
 * recompute it, they only check the links).
 *
 * @example
 * auditEntry(1, GENESIS).seq;
 * //=> 1
 */
export function auditEntry(seq: number, prevHash: string, command = 'urge'): AuditEntry {
  const body = { seq, at: AT, actorId: 'p-kit', command, fromState: 'inProgress', toState: 'inProgress', summary: command, prevHash };
  return { ...body, hash: createHash('sha256').update(JSON.stringify(body)).digest('hex') };
}

/**
 * Options of `commitBatch`.
 *
 * @example
 * const options: BatchOptions = { fields: { state: 'closed' }, idempotencyKey: 'k-1', timers: [{ id: 'c-1:sign', kind: 'signDue', dueAt: '2026-03-03T09:30:00.000Z' }] };
 */
export interface BatchOptions {
  fields?: CaseFields;
  /** Events in this commit (default 1). Each gets an outbox row. */
  events?: number;
  idempotencyKey?: string;
  fingerprint?: string;
  timers?: Array<Omit<TimerRow, 'tenantId' | 'caseId'>>;
  removeTimers?: string[];
}

/**
 * A batch that creates (`head === null`) or advances a case by one version with one audit entry,
 * `events` events and as many outbox rows. `head` is the case as last loaded or committed.
 *
 * @example
 * const b1 = commitBatch('t-1', 'c-1', null);
 * await store.commit(b1);
 * await store.commit(commitBatch('t-1', 'c-1', b1.case, { fields: { state: 'closed' } }));
 */
export function commitBatch(tenantId: string, caseId: string, head: StoredCase | null, options: BatchOptions = {}): CommitBatch {
  const version = (head?.version ?? 0) + 1;
  const audit = auditEntry((head?.auditHead.seq ?? 0) + 1, head?.auditHead.hash ?? GENESIS, head === null ? 'register' : 'urge');
  const base: StoredCase = head === null
    ? {
        tenantId, id: caseId, tier: 'general', machine: { id: 'jiaoban.general', version: 1 }, snapshot: { value: 'inProgress', context: { n: 1 } },
        version, createdAt: AT, updatedAt: AT, state: 'inProgress', leadUnitId: null, ownerId: null, unitIds: [], level: 'green', dueAt: null,
        auditHead: { seq: 0, hash: GENESIS },
      }
    : structuredClone(head);
  const c: StoredCase = { ...base, ...options.fields, version, updatedAt: AT, auditHead: { seq: audit.seq, hash: audit.hash } };
  if (options.fields?.snapshot === undefined) c.snapshot = { value: c.state, context: { n: version } };
  const events: StoredEvent[] = Array.from({ length: options.events ?? 1 }, (_, i) => ({
    eventId: `${caseId}:${version}:${i}`, name: head === null && i === 0 ? 'case:registered' : 'case:urged', caseId, tenantId, version, at: AT, data: { i },
  }));
  const batch: CommitBatch = {
    tenantId, case: c, expectedVersion: head?.version ?? null, events, audit: [audit],
    outbox: events.map((e) => ({ id: e.eventId, tenantId, caseId, name: e.name, payload: e, createdAt: e.at })),
    timers: {
      upsert: (options.timers ?? []).map((t) => ({ ...t, tenantId, caseId })),
      remove: options.removeTimers ?? [],
    },
  };
  if (options.idempotencyKey !== undefined) {
    batch.idempotency = { key: options.idempotencyKey, fingerprint: options.fingerprint ?? 'f'.repeat(64), response: { version } };
  }
  return batch;
}
