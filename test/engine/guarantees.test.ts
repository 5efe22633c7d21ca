import { describe, expect, it, vi } from 'vitest';
import {
  ConcurrencyError, TIER_DEFINITIONS, createEngine, isJiaobanError, memoryStore, type CaseStore, type EngineEvent,
} from '../../src/index.js';
import { A, ID_CARD, LEAD, PHONE, StepClock, TENANT, dump, harness, registration, toInProgress } from './_helpers.js';

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isJiaobanError(e) ? e.code : String(e)));

describe('tenant isolation', () => {
  it('answers NOT_FOUND, never PERMISSION, for another tenant’s case, on every entry point', async () => {
    const h = harness();
    const id = await toInProgress(h);
    const before = await dump(h.engine, id);
    const other = { actor: A.foreignChief };
    expect(await code(h.engine.get(id, other))).toBe('NOT_FOUND');
    expect(await code(h.engine.execute(id, { type: 'urge' }, other))).toBe('NOT_FOUND');
    expect(await code(h.engine.history(id, other))).toBe('NOT_FOUND');
    expect(await code(h.engine.audit(id, other))).toBe('NOT_FOUND');
    expect(await code(h.engine.verifyAudit(id, other))).toBe('NOT_FOUND');
    const verdict = await h.engine.can(id, { type: 'urge' }, other);
    expect(verdict.allowed === false && verdict.error.code).toBe('NOT_FOUND');
    expect(await code(h.engine.get('no-such-case', { actor: A.dutyChief }))).toBe('NOT_FOUND');
    expect(await dump(h.engine, id)).toBe(before);
  });

  it('keeps queries, idempotency keys and the outbox per tenant', async () => {
    const h = harness();
    await toInProgress(h);
    expect((await h.engine.store.query('t-other', { state: 'inProgress' })).items).toEqual([]);
    expect(await h.engine.store.readOutbox('t-other')).toEqual([]);
    const key = 'same-key';
    const a = await h.engine.register(registration(), { actor: A.intake, idempotencyKey: key });
    const b = await h.engine.register(registration(), { actor: { ...A.intake, tenantId: 't-other' }, idempotencyKey: key });
    expect(b.replayed).toBe(false);
    expect(b.case.id).not.toBe(a.case.id);
  });
});

describe('idempotency', () => {
  it('returns the first result for the same key and command, with no second effect', async () => {
    const h = harness();
    const id = await toInProgress(h);
    const seen: EngineEvent[] = [];
    h.engine.on('case:urged', (e) => seen.push(e));
    const first = await h.engine.execute(id, { type: 'urge', note: '请加快' }, { actor: A.supervisor, idempotencyKey: 'k1' });
    const afterFirst = await dump(h.engine, id);
    const second = await h.engine.execute(id, { type: 'urge', note: '请加快' }, { actor: A.supervisor, idempotencyKey: 'k1' });
    expect(first.replayed).toBe(false);
    expect(second.replayed).toBe(true);
    expect(second.case).toEqual(first.case);
    expect(second.events).toEqual(first.events);
    expect(await dump(h.engine, id)).toBe(afterFirst);
    expect(seen).toHaveLength(1);
  });

  it('refuses the same key with a different command', async () => {
    const h = harness();
    const id = await toInProgress(h);
    await h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor, idempotencyKey: 'k1' });
    const before = await dump(h.engine, id);
    expect(await code(h.engine.execute(id, { type: 'markUrgent' }, { actor: A.supervisor, idempotencyKey: 'k1' }))).toBe('IDEMPOTENCY_CONFLICT');
    expect(await code(h.engine.execute(id, { type: 'urge' }, { actor: A.dutyChief, idempotencyKey: 'k1' }))).toBe('IDEMPOTENCY_CONFLICT');
    expect(await dump(h.engine, id)).toBe(before);
  });

  it('replays a registration', async () => {
    const h = harness();
    const first = await h.engine.register(registration(), { actor: A.intake, idempotencyKey: 'call-123' });
    const again = await h.engine.register(registration(), { actor: A.intake, idempotencyKey: 'call-123' });
    expect(again).toMatchObject({ replayed: true, case: { id: first.case.id, version: 1 } });
    expect((await h.engine.store.query(TENANT, {})).items).toHaveLength(1);
  });

  it('lets two concurrent calls with one key take effect once', async () => {
    const h = harness();
    const id = await toInProgress(h);
    const [a, b] = await Promise.all([
      h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor, idempotencyKey: 'k2' }),
      h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor, idempotencyKey: 'k2' }),
    ]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect((await h.engine.get(id, { actor: A.dutyChief })).counters.urge).toBe(1);
  });
});

describe('optimistic concurrency', () => {
  it('returns CONCURRENCY with expected and actual when expectedVersion is stale, writing nothing', async () => {
    const h = harness();
    const id = await toInProgress(h);
    const before = await dump(h.engine, id);
    const error = await h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor, expectedVersion: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ code: 'CONCURRENCY', expected: 2, actual: 4, details: { caseId: id, expected: 2, actual: 4 } });
    expect(await dump(h.engine, id)).toBe(before);
  });

  it('lets exactly one of two racing commands with the same expectedVersion win', async () => {
    const h = harness();
    const id = await toInProgress(h);
    const results = await Promise.all([
      code(h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor, expectedVersion: 4 })),
      code(h.engine.execute(id, { type: 'markUrgent' }, { actor: A.supervisor, expectedVersion: 4 })),
    ]);
    expect(results.sort()).toEqual(['CONCURRENCY', 'ok']);
    expect((await h.engine.get(id, { actor: A.dutyChief })).version).toBe(5);
  });

  it('retries a command without expectedVersion against fresh state when another commit slips in', async () => {
    const inner = memoryStore();
    let raced = false;
    const clock = new StepClock();
    const racer = createEngine({ store: inner, clock, ids: { caseId: () => 'c-1' } });
    const store: CaseStore = {
      ...inner,
      async commit(batch) {
        if (!raced && batch.expectedVersion !== null && batch.expectedVersion >= 4) {
          raced = true;
          await racer.execute(batch.case.id, { type: 'markUrgent' }, { actor: A.dutyChief });
        }
        return inner.commit(batch);
      },
    };
    const h = harness({ store, ids: { caseId: () => 'c-1' } });
    const id = await toInProgress(h);
    const r = await h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor });
    expect(raced).toBe(true);
    expect(r.case.version).toBe(6);
    expect(r.case).toMatchObject({ urgent: true, counters: { urge: 1 } });
    expect(await h.engine.verifyAudit(id, { actor: A.dutyChief })).toEqual({ ok: true, entries: 6 });
  });

  it('does not retry when expectedVersion is given', async () => {
    const inner = memoryStore();
    const commit = vi.fn(async () => {
      throw new ConcurrencyError('c-1', 4, 5);
    });
    const h = harness({ store: { ...inner, commit: async (b) => (b.expectedVersion === 4 ? commit() : inner.commit(b)) } });
    const id = await toInProgress(h);
    expect(await code(h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor, expectedVersion: 4 }))).toBe('CONCURRENCY');
    expect(commit).toHaveBeenCalledTimes(1);
  });

  it('gives up after a bounded number of retries', async () => {
    const inner = memoryStore();
    const commit = vi.fn(async () => {
      throw new ConcurrencyError('c-1', 4, 5);
    });
    const h = harness({ maxRetries: 3, store: { ...inner, commit: async (b) => (b.expectedVersion === 4 ? commit() : inner.commit(b)) } });
    const id = await toInProgress(h);
    expect(await code(h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor }))).toBe('CONCURRENCY');
    expect(commit).toHaveBeenCalledTimes(4);
  });

  it('serialises parallel commands without expectedVersion: all take effect, versions have no gaps', async () => {
    const h = harness();
    const id = await toInProgress(h);
    await Promise.all(Array.from({ length: 3 }, () => h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor })));
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.counters.urge).toBe(3);
    expect(v.version).toBe(7);
    expect((await h.engine.audit(id, { actor: A.dutyChief })).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('audit chain', () => {
  async function tampered(mutate: (entries: Awaited<ReturnType<CaseStore['audit']>>) => void) {
    const inner = memoryStore();
    let tamper = false;
    const store: CaseStore = {
      ...inner,
      async audit(t, c) {
        const entries = await inner.audit(t, c);
        if (tamper) mutate(entries);
        return entries;
      },
    };
    const h = harness({ store });
    const id = await toInProgress(h);
    await h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor });
    tamper = true;
    return h.engine.verifyAudit(id, { actor: A.dutyChief });
  }

  it('is valid when untouched', async () => {
    expect(await tampered(() => undefined)).toEqual({ ok: true, entries: 5 });
  });
  it('detects an edited entry', async () => {
    expect(await tampered((e) => { if (e[2]) e[2].actorId = 'p-someone-else'; })).toEqual({ ok: false, brokenAt: 3, reason: 'hash' });
  });
  it('detects a removed entry', async () => {
    expect(await tampered((e) => { e.splice(1, 1); })).toEqual({ ok: false, brokenAt: 2, reason: 'sequence' });
  });
  it('detects a re-hashed entry whose link no longer matches', async () => {
    expect(await tampered((e) => { if (e[3]) e[3].prevHash = 'f'.repeat(64); })).toMatchObject({ ok: false, brokenAt: 4 });
  });
  it('detects a truncated tail through the head kept on the case row', async () => {
    expect(await tampered((e) => { e.pop(); })).toEqual({ ok: false, brokenAt: 5, reason: 'head' });
  });
});

describe('personal data stays out of errors, events and audit', () => {
  const leaks = (value: unknown) => {
    const text = JSON.stringify(value) + String((value as Error)?.message ?? '');
    return [PHONE, ID_CARD, '张三'].filter((s) => text.includes(s));
  };

  it('does not echo requester values in a VALIDATION error', async () => {
    const h = harness();
    const bad = registration('general', { requester: { name: '张三', phone: PHONE, idCard: `${ID_CARD}${ID_CARD}` } });
    const error = await h.engine.register({ ...bad, channel: 'fax' as never }, { actor: A.intake }).catch((e: unknown) => e);
    expect(isJiaobanError(error, 'VALIDATION')).toBe(true);
    if (isJiaobanError(error, 'VALIDATION')) {
      expect(error.details.issues.map((i) => i.path.join('.')).sort()).toEqual(['input.channel', 'input.requester.idCard']);
    }
    expect(leaks(error)).toEqual([]);
  });

  it('keeps PERMISSION and INVALID_TRANSITION errors, events and audit entries free of them', async () => {
    const h = harness();
    const id = await toInProgress(h);
    const errors = await Promise.all([
      h.engine.execute(id, { type: 'dispatch', lead: { unitId: LEAD, duty: 'x' } }, { actor: A.requester }).catch((e: unknown) => e),
      h.engine.execute(id, { type: 'accept' }, { actor: A.intake }).catch((e: unknown) => e),
    ]);
    expect(errors.map((e) => (isJiaobanError(e) ? e.code : e))).toEqual(['PERMISSION', 'INVALID_TRANSITION']);
    expect(leaks(errors)).toEqual([]);
    expect(leaks(await h.engine.history(id, { actor: A.dutyChief }))).toEqual([]);
    expect(leaks(await h.engine.audit(id, { actor: A.dutyChief }))).toEqual([]);
    expect(leaks(await h.engine.store.readOutbox(TENANT))).toEqual([]);
  });
});

describe('validation', () => {
  it('rejects a malformed command with field paths before touching the store', async () => {
    const h = harness();
    const id = await toInProgress(h);
    const before = await dump(h.engine, id);
    const error = await h.engine.execute(id, { type: 'requestExtension', reason: '', workingDays: 0 } as never, { actor: A.leadHandler }).catch((e: unknown) => e);
    expect(isJiaobanError(error, 'VALIDATION') && error.details.issues.map((i) => i.path.join('.')).sort()).toEqual(['command.reason', 'command.workingDays']);
    expect(await code(h.engine.execute(id, { type: 'fly' } as never, { actor: A.leadHandler }))).toBe('VALIDATION');
    expect(await code(h.engine.execute(id, { type: 'urge', extra: 1 } as never, { actor: A.supervisor }))).toBe('VALIDATION');
    expect(await code(h.engine.execute(id, { type: 'urge' }, { actor: { ...A.supervisor, roles: ['overlord' as never] } }))).toBe('VALIDATION');
    expect(await dump(h.engine, id)).toBe(before);
  });
});

describe('events', () => {
  it('are emitted after the commit, carry stable ids, and a throwing listener changes nothing', async () => {
    const onListenerError = vi.fn();
    const h = harness({ onListenerError });
    const id = await toInProgress(h);
    const versionsSeenByListener: number[] = [];
    h.engine.on('case:urged', () => {
      throw new Error('listener bug');
    });
    const off = h.engine.on('case:urged', (e) => {
      void h.engine.store.load(TENANT, e.caseId).then((c) => versionsSeenByListener.push(c?.version ?? -1));
    });
    const r = await h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(r.events.map((e) => [e.name, e.eventId])).toEqual([['case:urged', `${id}:5:0`]]);
    expect(versionsSeenByListener).toEqual([5]);
    expect(onListenerError).toHaveBeenCalledTimes(1);
    off();
    await h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor });
    expect(versionsSeenByListener).toEqual([5]);
    const outbox = await h.engine.store.readOutbox(TENANT, 1000);
    expect(outbox.map((o) => o.id)).toContain(`${id}:5:0`);
  });

  it('carry the state before and after on every payload', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration(), { actor: A.intake });
    const r = await h.engine.execute(c.id, { type: 'accept' }, { actor: A.intake });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ name: 'case:accepted', fromState: 'pendingAcceptance', toState: 'pendingDispatch', version: 2, tenantId: TENANT, eventId: `${c.id}:2:0` });
  });
});

describe('machine versions', () => {
  it('refuses a case stored by another version of its machine', async () => {
    const store = memoryStore();
    const h = harness({ store });
    const id = await toInProgress(h);
    const v2 = createEngine({ store, tiers: { general: { ...TIER_DEFINITIONS.general, version: 2 } } });
    const error = await v2.get(id, { actor: A.dutyChief }).catch((e: unknown) => e);
    expect(isJiaobanError(error, 'INCOMPATIBLE_DEFINITION') && error.details).toEqual({ machineId: 'jiaoban.general', storedVersion: 1, currentVersion: 2 });
  });


  it('refuses a stored snapshot whose state the machine does not have', async () => {
    const store = memoryStore();
    const h = harness({ store });
    const id = await toInProgress(h);
    const row = (await store.load(TENANT, id))!;
    const forged = { ...row, snapshot: { ...(row.snapshot as object), value: 'teleported' }, version: row.version + 1, auditHead: row.auditHead };
    await store.commit({ tenantId: TENANT, case: forged, expectedVersion: row.version, events: [], audit: [], outbox: [], timers: { upsert: [], remove: [] } });
    expect(await code(h.engine.get(id, { actor: A.dutyChief }))).toBe('INCOMPATIBLE_DEFINITION');
  });
});

describe('can()', () => {
  it('writes nothing, whether the answer is yes or no', async () => {
    const h = harness();
    const id = await toInProgress(h);
    const before = await dump(h.engine, id);
    expect(await h.engine.can(id, { type: 'urge' }, { actor: A.supervisor })).toEqual({ allowed: true });
    expect((await h.engine.can(id, { type: 'accept' }, { actor: A.intake })).allowed).toBe(false);
    expect(await dump(h.engine, id)).toBe(before);
  });
});
