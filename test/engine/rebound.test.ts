/**
 * A rebound (回头看 found the problem back) writes two cases. The engine makes the pair convergent:
 * the new case first, under an id derived from the original and the follow-up; a failure before
 * the original is marked leaves a case that a retry reuses, never a second one.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, isJiaobanError, memoryStore, type CaseStore, type CommitBatch } from '../../src/index.js';
import { SimulatedClock } from '../../src/testing/index.js';
import { A, LEAD, TENANT, dispatchCmd, registration } from './_helpers.js';

/** A store whose next commit of `caseId` fails once, after the batch was refused (nothing written). */
function failingOnce(store: CaseStore): CaseStore & { failNext(caseId: string): void } {
  let target: string | null = null;
  return Object.assign(Object.create(store) as CaseStore, {
    failNext(caseId: string) {
      target = caseId;
    },
    async commit(batch: CommitBatch) {
      if (target !== null && batch.case.id === target) {
        target = null;
        throw new Error('connection reset');
      }
      return store.commit(batch);
    },
  });
}

async function concludedCase(store: CaseStore) {
  const clock = new SimulatedClock('2026-03-02T01:00:00Z');
  const engine = createEngine({ store, clock, ids: { caseId: () => 'c-1' } });
  await engine.register(registration('general'), { actor: A.intake });
  await engine.execute('c-1', { type: 'accept' }, { actor: A.intake });
  await engine.execute('c-1', dispatchCmd([]), { actor: A.dispatcher });
  await engine.execute('c-1', { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, { actor: A.leadLiaison });
  await engine.execute('c-1', { type: 'reply', summary: '已修复', resolved: true, signOff: { leaderId: 'p-lead-leader', level: 'deputy' } }, { actor: A.leadLeader });
  await engine.execute('c-1', { type: 'approveReply' }, { actor: A.reviewer });
  await engine.execute('c-1', { type: 'evaluate', result: 'satisfied' }, { actor: A.revisit });
  await engine.execute('c-1', { type: 'conclude' }, { actor: A.revisit });
  clock.advance({ days: 31 });
  // The 回头看 opens on its day when the scheduler ticks.
  await engine.tick({ tenantId: TENANT });
  return engine;
}

const tenantCases = async (store: CaseStore) => (await store.query(TENANT, {}, { limit: 100 })).items.map((c) => c.id).sort();

describe('a rebound across two commits', () => {
  it('registers the new case first and reuses it when the original’s commit failed', async () => {
    const store = failingOnce(memoryStore());
    const engine = await concludedCase(store);
    store.failNext('c-1');
    const failed = await engine.recordFollowUp('c-1', { clock: 'followUp30', outcome: 'rebounded' }, { actor: A.revisit }).then(() => null, (e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    // The new case exists and points back; the original is not marked yet.
    const reboundId = (await tenantCases(store)).find((id) => id !== 'c-1');
    expect((await engine.get(reboundId as string, { actor: A.revisit })).sla.reboundOf).toBe('c-1');
    expect((await engine.get('c-1', { actor: A.revisit })).sla.followUps).toEqual([]);

    const retry = await engine.recordFollowUp('c-1', { clock: 'followUp30', outcome: 'rebounded' }, { actor: A.revisit });
    expect(retry.rebound?.id).toBe(reboundId);
    expect(await tenantCases(store)).toHaveLength(2);
    const original = await engine.get('c-1', { actor: A.revisit });
    expect([original.sla.rebounded, original.sla.followUps.map((f) => f.reboundCaseId)]).toEqual([true, [reboundId]]);
  });

  it('gives the rebound back on an idempotent replay, and registers nothing twice', async () => {
    const store = memoryStore();
    const engine = await concludedCase(store);
    const ctx = { actor: A.revisit, idempotencyKey: 'followup-c-1-30' };
    const first = await engine.recordFollowUp('c-1', { clock: 'followUp30', outcome: 'rebounded' }, ctx);
    const again = await engine.recordFollowUp('c-1', { clock: 'followUp30', outcome: 'rebounded' }, ctx);
    expect([again.replayed, again.rebound?.id]).toEqual([true, first.rebound?.id]);
    expect(await tenantCases(store)).toHaveLength(2);
  });

  it('refuses a host id generator that hands out a taken id, writing nothing', async () => {
    const store = memoryStore();
    const clock = new SimulatedClock('2026-03-02T01:00:00Z');
    let n = 0;
    const engine = createEngine({ store, clock, ids: { caseId: () => `c-${++n}`, reboundCaseId: () => 'c-2' } });
    await engine.register(registration('general'), { actor: A.intake });
    await engine.register(registration('general'), { actor: A.intake });
    for (const [command, actor] of [
      [{ type: 'accept' }, A.intake], [dispatchCmd([]), A.dispatcher], [{ type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison],
      [{ type: 'reply', summary: '已修复', resolved: true, signOff: { leaderId: 'p-lead-leader', level: 'deputy' } }, A.leadLeader],
      [{ type: 'approveReply' }, A.reviewer], [{ type: 'evaluate', result: 'satisfied' }, A.revisit], [{ type: 'conclude' }, A.revisit],
    ] as const) await engine.execute('c-1', command as never, { actor });
    clock.advance({ days: 31 });
    await engine.tick({ tenantId: TENANT });
    const before = JSON.stringify(await store.load(TENANT, 'c-1'));
    const error = await engine.recordFollowUp('c-1', { clock: 'followUp30', outcome: 'rebounded' }, { actor: A.revisit }).then(() => null, (e: unknown) => e);
    expect(isJiaobanError(error, 'VALIDATION')).toBe(true);
    expect(JSON.stringify(await store.load(TENANT, 'c-1'))).toBe(before);
  });
});
