import { describe, expect, it } from 'vitest';
import { ConcurrencyError, GENESIS_HASH, hashAuditEntry, isJiaobanError, memoryStore, type AuditEntry, type CommitBatch, type StoredCase } from '../../src/index.js';

const T = 't1';

function storedCase(id: string, version: number, fields: Partial<StoredCase> = {}, head = { seq: version, hash: 'h' }): StoredCase {
  return {
    tenantId: T, id, tier: 'general', machine: { id: 'jiaoban.general', version: 1 }, snapshot: { value: 'inProgress', context: { n: version } },
    version, createdAt: '2026-03-02T01:00:00.000Z', updatedAt: '2026-03-02T01:00:00.000Z', state: 'inProgress', leadUnitId: 'u1', ownerId: 'p1',
    auditHead: head, ...fields,
  };
}

function entry(seq: number, prevHash: string): AuditEntry {
  const body = { seq, at: '2026-03-02T01:00:00.000Z', actorId: 'p1', command: 'urge', fromState: 'inProgress', toState: 'inProgress', summary: 'urge', prevHash };
  return { ...body, hash: hashAuditEntry(body) };
}

/** A batch that creates or advances a case by one version with a well-formed audit entry. */
function batch(id: string, expectedVersion: number | null, prevHash: string, fields: Partial<StoredCase> = {}, extra: Partial<CommitBatch> = {}): CommitBatch {
  const version = (expectedVersion ?? 0) + 1;
  const a = entry(version, prevHash);
  const eventId = `${id}:${version}:0`;
  const event = { eventId, name: 'case:urged', caseId: id, tenantId: T, version, at: a.at };
  return {
    tenantId: T,
    case: storedCase(id, version, fields, { seq: a.seq, hash: a.hash }),
    expectedVersion,
    events: [event],
    audit: [a],
    outbox: [{ id: eventId, tenantId: T, caseId: id, name: 'case:urged', payload: event, createdAt: a.at }],
    timers: { upsert: [], remove: [] },
    ...extra,
  };
}

describe('memoryStore', () => {
  it('creates, loads and advances a case', async () => {
    const s = memoryStore();
    const b1 = batch('c1', null, GENESIS_HASH);
    await s.commit(b1);
    await s.commit(batch('c1', 1, b1.audit[0]!.hash));
    expect((await s.load(T, 'c1'))?.version).toBe(2);
    expect(await s.history(T, 'c1')).toHaveLength(2);
    expect((await s.audit(T, 'c1')).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('gives back any text exactly: Chinese, Latin-1, emoji, escapes', async () => {
    const s = memoryStore();
    const text = '路灯不亮 café 😀 "quoted" \\ \u2028 end';
    const b = batch('c1', null, GENESIS_HASH, { snapshot: { value: 'inProgress', context: { title: text } } });
    b.events[0]!['data'] = { note: text };
    await s.commit(b);
    expect((await s.load(T, 'c1'))?.snapshot).toEqual({ value: 'inProgress', context: { title: text } });
    expect((await s.history(T, 'c1'))[0]).toEqual(b.events[0]);
    expect((await s.readOutbox(T))[0]?.payload).toEqual(b.events[0]);
  });

  it('hands out copies: mutating a returned case does not change the store', async () => {
    const s = memoryStore();
    await s.commit(batch('c1', null, GENESIS_HASH));
    const c = await s.load(T, 'c1');
    (c!.snapshot as { context: { n: number } }).context.n = 99;
    c!.state = 'archived';
    expect(await s.load(T, 'c1')).toMatchObject({ state: 'inProgress', snapshot: { context: { n: 1 } } });
  });

  it('rejects a create over an existing case and a stale version with ConcurrencyError', async () => {
    const s = memoryStore();
    const b1 = batch('c1', null, GENESIS_HASH);
    await s.commit(b1);
    await expect(s.commit(batch('c1', null, GENESIS_HASH))).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(s.commit(batch('c1', 3, b1.audit[0]!.hash))).rejects.toMatchObject({ code: 'CONCURRENCY', expected: 3, actual: 1 });
    await expect(s.commit(batch('c2', 1, GENESIS_HASH))).rejects.toMatchObject({ code: 'CONCURRENCY', actual: null });
  });

  it('applies nothing of a rejected batch: no case change, event, audit, outbox row or idempotency key', async () => {
    const s = memoryStore();
    const b1 = batch('c1', null, GENESIS_HASH);
    await s.commit(b1);
    const snapshot = async () => JSON.stringify([await s.load(T, 'c1'), await s.history(T, 'c1'), await s.audit(T, 'c1'), await s.readOutbox(T), await s.findIdempotency(T, 'k')]);
    const before = await snapshot();
    const idem = { idempotency: { key: 'k', fingerprint: 'f', response: {} } };
    // A broken audit link, a wrong version step, a foreign row: each rejected whole.
    await expect(s.commit(batch('c1', 1, 'bad', {}, idem))).rejects.toSatisfy((e: unknown) => isJiaobanError(e, 'STORE'));
    const skip = batch('c1', 1, b1.audit[0]!.hash, {}, idem);
    skip.case.version = 5;
    await expect(s.commit(skip)).rejects.toSatisfy((e: unknown) => isJiaobanError(e, 'STORE'));
    const foreign = batch('c1', 1, b1.audit[0]!.hash, {}, idem);
    foreign.events[0]!.tenantId = 't2';
    await expect(s.commit(foreign)).rejects.toSatisfy((e: unknown) => isJiaobanError(e, 'STORE'));
    expect(await snapshot()).toBe(before);
  });

  it('refuses a second commit with a used idempotency key', async () => {
    const s = memoryStore();
    await s.commit(batch('c1', null, GENESIS_HASH, {}, { idempotency: { key: 'k', fingerprint: 'f', response: { ok: 1 } } }));
    await expect(s.commit(batch('c2', null, GENESIS_HASH, {}, { idempotency: { key: 'k', fingerprint: 'g', response: {} } })))
      .rejects.toSatisfy((e: unknown) => isJiaobanError(e, 'IDEMPOTENCY_CONFLICT'));
    expect(await s.findIdempotency(T, 'k')).toEqual({ key: 'k', fingerprint: 'f', response: { ok: 1 } });
    expect(await s.load(T, 'c2')).toBeNull();
  });

  it('isolates tenants', async () => {
    const s = memoryStore();
    await s.commit(batch('c1', null, GENESIS_HASH));
    expect(await s.load('t2', 'c1')).toBeNull();
    expect(await s.history('t2', 'c1')).toEqual([]);
    expect((await s.query('t2', {})).items).toEqual([]);
  });

  it('queries by indexed fields with cursor pagination and follows index changes', async () => {
    const s = memoryStore();
    for (let i = 0; i < 7; i++) {
      await s.commit(batch(`c${i}`, null, GENESIS_HASH, { state: i % 2 === 0 ? 'inProgress' : 'pendingSign', ownerId: i < 3 ? 'p1' : 'p2', tier: i === 6 ? 'complex' : 'general' }));
    }
    const first = await s.query(T, { state: 'inProgress' }, { limit: 2 });
    expect(first.items.map((c) => c.id)).toEqual(['c0', 'c2']);
    const second = await s.query(T, { state: 'inProgress' }, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((c) => c.id)).toEqual(['c4', 'c6']);
    expect(second.nextCursor).toBeNull();
    expect((await s.query(T, { state: 'inProgress', ownerId: 'p1' })).items.map((c) => c.id)).toEqual(['c0', 'c2']);
    expect((await s.query(T, { tier: 'complex', leadUnitId: 'u1' })).items.map((c) => c.id)).toEqual(['c6']);
    expect((await s.query(T, { leadUnitId: 'nobody' })).items).toEqual([]);
    // c0 moves to another state: the old index entry goes away.
    const prev = (await s.audit(T, 'c0'))[0]!.hash;
    await s.commit(batch('c0', 1, prev, { state: 'pendingReview' }));
    expect((await s.query(T, { state: 'inProgress' })).items.map((c) => c.id)).toEqual(['c2', 'c4', 'c6']);
    expect((await s.query(T, { state: 'pendingReview' })).items.map((c) => c.id)).toEqual(['c0']);
  });

  it('acknowledges outbox rows', async () => {
    const s = memoryStore();
    await s.commit(batch('c1', null, GENESIS_HASH));
    const rows = await s.readOutbox(T);
    expect(rows.map((r) => r.id)).toEqual(['c1:1:0']);
    expect(rows[0]?.payload).toMatchObject({ name: 'case:urged' });
    await s.ackOutbox(T, ['c1:1:0']);
    expect(await s.readOutbox(T)).toEqual([]);
  });
});
