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

  it.each([true, false])('gives back values its compact form rewrites, and strings that only look like them, exactly (compact: %s)', async (compact) => {
    const s = memoryStore({ compact });
    const hash = 'c9927caba8b061eed7c4bce5ce028601b7182d9d137405aa7f940dfe081ea335';
    const context = {
      at: '2026-02-16T01:00:00.000Z', notAnInstant: '2026-02-29T01:00:00.000Z', hash, upper: hash.toUpperCase(),
      marks: ['~mwxomctv', '^x', '!abc', '~', ''], nested: [{ a: 1, b: null }, { b: 2, a: 1 }, {}], ...JSON.parse('{"__proto__":{"x":1}}'),
    };
    const b = batch('c1', null, GENESIS_HASH, { snapshot: { value: 'inProgress', context } }, {
      timers: { upsert: [{ id: 'c1:t', tenantId: T, caseId: 'c1', kind: 'sla', dueAt: '2026-02-16T01:00:00.000Z', data: { key: '~k' } }], remove: [] },
      idempotency: { key: 'k', fingerprint: hash, response: { context } },
    });
    await s.commit(b);
    const loaded = await s.load(T, 'c1');
    expect(JSON.stringify(loaded?.snapshot)).toBe(JSON.stringify({ value: 'inProgress', context }));
    expect(Object.getPrototypeOf((loaded?.snapshot as { context: object }).context)).toBe(Object.prototype);
    expect(await s.timers(T, 'c1')).toEqual(b.timers.upsert);
    expect(JSON.stringify(await s.findIdempotency(T, 'k'))).toBe(JSON.stringify(b.idempotency));
    expect(await s.audit(T, 'c1')).toEqual(b.audit);
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
    const rows = await s.claimOutbox(T, { now: new Date(), limit: 10, leaseMs: 60_000, owner: 'relay' });
    expect(rows.map((r) => r.id)).toEqual(['c1:1:0']);
    expect(rows[0]?.payload).toMatchObject({ name: 'case:urged' });
    await s.ackOutbox(T, ['c1:1:0'], rows[0]?.lease.token ?? '');
    expect(await s.readOutbox(T)).toEqual([]);
  });
});

describe('memoryStore: SLA indexes and timers', () => {
  const timer = (id: string, caseId: string, dueAt: string) => ({ id, tenantId: T, caseId, kind: 'sla', dueAt });
  const claimOpts = (now: string, limit = 10, leaseMs = 60_000) => ({ now: new Date(now), limit, leaseMs, owner: 'w1' });

  it('round-trips unitIds, level and dueAt and queries them from indexes', async () => {
    const s = memoryStore();
    await s.commit(batch('c1', null, GENESIS_HASH, { unitIds: ['u1', 'u2'], level: 'red', dueAt: '2026-03-05T09:30:00.000Z' }));
    await s.commit(batch('c2', null, GENESIS_HASH, { unitIds: ['u2'], level: 'green', dueAt: '2026-03-09T09:30:00.000Z' }));
    await s.commit(batch('c3', null, GENESIS_HASH, { unitIds: [], level: 'green', dueAt: null }));
    const row = await s.load(T, 'c1');
    expect([row?.unitIds, row?.level, row?.dueAt]).toEqual([['u1', 'u2'], 'red', '2026-03-05T09:30:00.000Z']);
    const ids = async (f: Parameters<typeof s.query>[1]) => (await s.query(T, f)).items.map((c) => c.id);
    expect(await ids({ unitId: 'u2' })).toEqual(['c1', 'c2']);
    expect(await ids({ unitId: 'u1' })).toEqual(['c1']);
    expect(await ids({ level: 'green' })).toEqual(['c2', 'c3']);
    expect(await ids({ dueBefore: '2026-03-05T09:30:00.000Z' })).toEqual(['c1']);
    expect(await ids({ dueBefore: '2026-03-05T09:29:59.999Z' })).toEqual([]);
    expect(await ids({ dueBefore: '2026-12-31T00:00:00.000Z', unitId: 'u2', level: 'green' })).toEqual(['c2']);
  });

  it('moves a case between unit and due indexes when its row changes', async () => {
    const s = memoryStore();
    const b1 = batch('c1', null, GENESIS_HASH, { unitIds: ['u1'], dueAt: '2026-03-05T09:30:00.000Z' });
    await s.commit(b1);
    await s.commit(batch('c1', 1, b1.audit[0]!.hash, { unitIds: ['u2'], dueAt: '2026-04-01T00:00:00.000Z' }));
    expect((await s.query(T, { unitId: 'u1' })).items).toEqual([]);
    expect((await s.query(T, { dueBefore: '2026-03-31T00:00:00.000Z' })).items).toEqual([]);
    expect((await s.query(T, { unitId: 'u2', dueBefore: '2026-04-01T00:00:00.000Z' })).items.map((c) => c.id)).toEqual(['c1']);
  });

  it('claims due timers oldest first, once per lease, and not before they are due', async () => {
    const s = memoryStore();
    await s.commit(batch('c1', null, GENESIS_HASH, {}, { timers: { upsert: [timer('c1:b', 'c1', '2026-03-02T02:00:00.000Z')], remove: [] } }));
    await s.commit(batch('c2', null, GENESIS_HASH, {}, { timers: { upsert: [timer('c2:a', 'c2', '2026-03-02T01:00:00.000Z'), timer('c2:z', 'c2', '2026-03-09T01:00:00.000Z')], remove: [] } }));
    const first = await s.claimDueTimers(T, claimOpts('2026-03-02T03:00:00.000Z'));
    expect(first.map((t) => t.id)).toEqual(['c2:a', 'c1:b']);
    expect(first.every((t) => t.attempts === 1 && t.lease.owner === 'w1')).toBe(true);
    expect(await s.claimDueTimers(T, claimOpts('2026-03-02T03:00:30.000Z'))).toEqual([]);
    // The lease ran out: claimable again, with a new token; the old token no longer holds it.
    const again = await s.claimDueTimers(T, claimOpts('2026-03-02T03:01:00.000Z', 1));
    expect([again[0]?.id, again[0]?.attempts]).toEqual(['c2:a', 2]);
    const lost = await s.completeTimer(T, 'c2:a', first[0]!.lease.token).catch((e: unknown) => e);
    expect(isJiaobanError(lost, 'STORE') && lost.details.reason).toBe('leaseLost');
    await s.completeTimer(T, 'c2:a', again[0]!.lease.token);
    expect((await s.timers(T, 'c2')).map((t) => t.id)).toEqual(['c2:z']);
  });

  it('releases a claimed timer for the next worker at once', async () => {
    const s = memoryStore();
    await s.commit(batch('c1', null, GENESIS_HASH, {}, { timers: { upsert: [timer('c1:a', 'c1', '2026-03-02T01:00:00.000Z')], remove: [] } }));
    const [t] = await s.claimDueTimers(T, claimOpts('2026-03-02T01:00:00.000Z'));
    await s.releaseTimer(T, 'c1:a', t!.lease.token);
    expect((await s.claimDueTimers(T, claimOpts('2026-03-02T01:00:00.000Z'))).map((x) => x.id)).toEqual(['c1:a']);
  });

  it('replaces and removes timers atomically with the case, and an upsert ends an old lease', async () => {
    const s = memoryStore();
    const b1 = batch('c1', null, GENESIS_HASH, {}, { timers: { upsert: [timer('c1:a', 'c1', '2026-03-02T01:00:00.000Z')], remove: [] } });
    await s.commit(b1);
    const [t] = await s.claimDueTimers(T, claimOpts('2026-03-02T01:00:00.000Z'));
    const b2 = batch('c1', 1, b1.audit[0]!.hash, {}, { timers: { upsert: [timer('c1:a', 'c1', '2026-03-03T01:00:00.000Z')], remove: [] } });
    await s.commit(b2);
    expect(isJiaobanError(await s.completeTimer(T, 'c1:a', t!.lease.token).catch((e: unknown) => e), 'STORE')).toBe(true);
    expect((await s.timers(T, 'c1')).map((x) => x.dueAt)).toEqual(['2026-03-03T01:00:00.000Z']);
    await s.commit(batch('c1', 2, b2.audit[0]!.hash, {}, { timers: { upsert: [], remove: ['c1:a'] } }));
    expect(await s.timers(T, 'c1')).toEqual([]);
    expect(await s.claimDueTimers(T, claimOpts('2026-04-01T00:00:00.000Z'))).toEqual([]);
  });

  it('rejects a batch whose timer belongs to another case or tenant and applies nothing', async () => {
    const s = memoryStore();
    await s.commit(batch('c1', null, GENESIS_HASH, {}, { timers: { upsert: [timer('c1:a', 'c1', '2026-03-02T01:00:00.000Z')], remove: [] } }));
    const bad = batch('c2', null, GENESIS_HASH, {}, { timers: { upsert: [timer('c1:a', 'c2', '2026-03-02T01:00:00.000Z')], remove: [] } });
    expect(isJiaobanError(await s.commit(bad).catch((e: unknown) => e), 'STORE')).toBe(true);
    const foreign = batch('c3', null, GENESIS_HASH, {}, { timers: { upsert: [{ ...timer('c3:a', 'c3', '2026-03-02T01:00:00.000Z'), tenantId: 'other' }], remove: [] } });
    expect(isJiaobanError(await s.commit(foreign).catch((e: unknown) => e), 'STORE')).toBe(true);
    expect([await s.load(T, 'c2'), await s.load(T, 'c3'), await s.timers(T, 'c2')]).toEqual([null, null, []]);
    expect((await s.timers(T, 'c1')).length).toBe(1);
  });

  it('refuses a claim with a bad limit or lease', async () => {
    const s = memoryStore();
    expect(isJiaobanError(await s.claimDueTimers(T, claimOpts('2026-03-02T01:00:00.000Z', 0)).catch((e: unknown) => e), 'VALIDATION')).toBe(true);
    expect(isJiaobanError(await s.claimDueTimers(T, claimOpts('2026-03-02T01:00:00.000Z', 10, 0)).catch((e: unknown) => e), 'VALIDATION')).toBe(true);
  });
});
