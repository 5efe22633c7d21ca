/**
 * A DELIBERATELY BROKEN store wrapper for the mutation check of the contention test: with
 * `JIAOBAN_BROKEN_VERSION_CHECK=1` it rewrites every update batch to claim the version it finds in
 * the store right before committing — the classic read-then-write without a version predicate, i.e.
 * last writer wins. The real adapters never read this flag; only the test workers wrap with this.
 */
import { createHash } from 'node:crypto';
import type { CaseStore, CommitBatch } from '../../src/store/case-store.js';

const rehash = (body: Record<string, unknown>) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

export function maybeBroken(store: CaseStore): CaseStore {
  if (process.env['JIAOBAN_BROKEN_VERSION_CHECK'] !== '1') return store;
  return {
    ...store,
    async commit(batch: CommitBatch) {
      if (batch.expectedVersion === null) return store.commit(batch);
      const current = await store.load(batch.tenantId, batch.case.id);
      if (current === null) return store.commit(batch);
      const version = current.version + 1;
      let prevHash = current.auditHead.hash;
      const audit = batch.audit.map((a, i) => {
        const { hash: _old, ...body } = { ...a, seq: current.auditHead.seq + i + 1, prevHash };
        const hash = rehash(body);
        prevHash = hash;
        return { ...body, hash };
      });
      const last = audit[audit.length - 1];
      const events = batch.events.map((e, i) => ({ ...e, version, eventId: `${e.caseId}:${version}:${i}` }));
      return store.commit({
        ...batch,
        expectedVersion: current.version,
        case: { ...batch.case, version, auditHead: last === undefined ? current.auditHead : { seq: last.seq, hash: last.hash } },
        audit,
        events,
        outbox: events.map((e) => ({ id: e.eventId, tenantId: e.tenantId, caseId: e.caseId, name: e.name, payload: e, createdAt: e.at })),
      });
    },
  };
}
