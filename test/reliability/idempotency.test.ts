import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Actor } from '../../src/engine/permissions.js';
import { NO_PG_REASON, PG_URL, freshBackend, openBackend } from './_harness.js';

const T = 't-idem';
const who = (id: string, roles: Actor['roles'], unitIds: string[] = []): Actor => ({ id, roles, unitIds, tenantId: T });
const supervisor = who('p-super', ['supervisor']);

async function setup(kind: 'pg' | 'sqlite') {
  const { backend, drop } = await freshBackend(kind, 'idem');
  const opened = openBackend(backend, 8);
  const engine = createEngine({ store: opened.store, maxRetries: 8 });
  const { case: c } = await engine.register({
    tier: 'general', title: '井盖缺失', description: '路口井盖缺失', category: 'municipal.road', requester: { name: '李四', phone: '13900139000' }, channel: 'hotline',
  }, { actor: who('p-intake', ['intake']) });
  await engine.execute(c.id, { type: 'accept' }, { actor: who('p-intake', ['intake']) });
  await engine.execute(c.id, { type: 'dispatch', lead: { unitId: 'u-road', duty: '补装井盖' }, cooperating: [] }, { actor: who('p-dispatch', ['dispatcher']) });
  await engine.execute(c.id, { type: 'sign', unitId: 'u-road', ownerId: 'p-h' }, { actor: who('p-l', ['liaison'], ['u-road']) });
  const urges = async () => ((await opened.store.load(T, c.id))?.snapshot as { context: { counters: { urge: number } } }).context.counters.urge;
  return { engine, caseId: c.id, store: opened.store, urges, close: async () => { await opened.close(); await drop(); } };
}

describe('idempotency: commands re-sent sequentially and concurrently', () => {
  for (const kind of ['sqlite', 'pg'] as const) {
    it(`${kind}: 5 sequential re-sends of each of 20 keyed commands apply each once and replay the first result`, async (ctx) => {
      if (kind === 'pg' && PG_URL === undefined) ctx.skip(NO_PG_REASON);
      const s = await setup(kind);
      try {
        for (let k = 0; k < 20; k++) {
          const results = [];
          for (let i = 0; i < 5; i++) results.push(await s.engine.execute(s.caseId, { type: 'urge' }, { actor: supervisor, idempotencyKey: `seq-${k}` }));
          expect(results.map((r) => r.replayed)).toEqual([false, true, true, true, true]);
          expect(new Set(results.map((r) => r.case.version)).size).toBe(1);
        }
        expect(await s.urges()).toBe(20);
        expect((await s.store.audit(T, s.caseId)).length).toBe(24);
      } finally {
        await s.close();
      }
    }, 60_000);

    it(`${kind}: 6 concurrent sends of each of 10 keyed commands apply each once; the others replay it`, async (ctx) => {
      if (kind === 'pg' && PG_URL === undefined) ctx.skip(NO_PG_REASON);
      const s = await setup(kind);
      try {
        for (let k = 0; k < 10; k++) {
          const results = await Promise.all(Array.from({ length: 6 }, () =>
            s.engine.execute(s.caseId, { type: 'urge' }, { actor: supervisor, idempotencyKey: `conc-${k}` })));
          expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        }
        expect(await s.urges()).toBe(10);
        expect((await s.store.history(T, s.caseId)).length).toBe(14);
      } finally {
        await s.close();
      }
    }, 60_000);

    it(`${kind}: the same key with another command is IDEMPOTENCY_CONFLICT and changes nothing`, async (ctx) => {
      if (kind === 'pg' && PG_URL === undefined) ctx.skip(NO_PG_REASON);
      const s = await setup(kind);
      try {
        await s.engine.execute(s.caseId, { type: 'urge' }, { actor: supervisor, idempotencyKey: 'k' });
        await expect(s.engine.execute(s.caseId, { type: 'reportProgress', progress: '进行中', percent: 10 }, { actor: who('p-h', ['handler'], ['u-road']), idempotencyKey: 'k' }))
          .rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
        expect((await s.store.load(T, s.caseId))?.version).toBe(5);
      } finally {
        await s.close();
      }
    }, 60_000);
  }
});
