import { describe, expect, it } from 'vitest';
import { JiaobanError, memoryStore, TIER_DEFINITIONS, createEngine, type StoredEvent } from '../../src/index.js';
import { byCatalog, byJurisdiction, createDirectory, firstMatch, leastLoaded, loadCatalog } from '../../src/routing/index.js';
import areasJson from '../../examples/catalog/city-12345-areas.json' with { type: 'json' };
import catalogJson from '../../examples/catalog/city-12345.json' with { type: 'json' };
import directoryJson from '../../examples/catalog/city-12345-directory.json' with { type: 'json' };
import { A, StepClock, harness, registration } from './_helpers.js';

const directory = createDirectory(directoryJson);
const routing = {
  policy: firstMatch(byCatalog(loadCatalog(catalogJson, { directory })), byJurisdiction(areasJson), leastLoaded()),
  directory: () => directory,
};
const streetlight = registration('general', { category: 'urban/streetlight', location: 'taishan/caiyuan/shengping', tags: ['路灯'] });

async function accepted(h: ReturnType<typeof harness>): Promise<string> {
  const { case: c } = await h.engine.register(streetlight, { actor: A.intake });
  await h.run(c.id, { type: 'accept' }, A.intake);
  return c.id;
}

async function rejection(promise: Promise<unknown>): Promise<JiaobanError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(JiaobanError);
  return error as JiaobanError;
}

describe('dispatch through the routing policy', () => {
  it('names the lead unit the policy decides when the dispatch names none, and audits the reasons', async () => {
    const h = harness({ routing });
    const id = await accepted(h);
    const { case: view } = await h.engine.execute(id, { type: 'dispatch', cooperating: [] }, { actor: A.dispatcher });
    expect(view.state).toBe('pendingSign');
    expect(view.leadUnitId).toBe('unit.chengguan');
    const audit = await h.engine.audit(id, { actor: A.admin });
    expect(audit.at(-1)?.summary).toMatch(/routing=automatic:.*\[.+\]/);
  });

  it('checks an explicit dispatch against the directory and writes nothing when a unit is unknown', async () => {
    const h = harness({ routing });
    const id = await accepted(h);
    const before = await h.engine.history(id, { actor: A.dispatcher });
    const error = await rejection(h.engine.execute(id, { type: 'dispatch', lead: { unitId: 'unit.nowhere', duty: '主办' } }, { actor: A.dispatcher }));
    expect(error.code).toBe('ROUTING');
    expect(await h.engine.history(id, { actor: A.dispatcher })).toEqual(before);
    expect((await h.engine.get(id, { actor: A.dispatcher })).state).toBe('pendingDispatch');
  });

  it('refuses a dispatch without a lead when the engine has no routing policy', async () => {
    const h = harness();
    const id = await accepted(h);
    const error = await rejection(h.engine.execute(id, { type: 'dispatch' }, { actor: A.dispatcher }));
    expect(error.code).toBe('VALIDATION');
  });

  it('does not route for an actor who may not dispatch', async () => {
    const h = harness({ routing });
    const id = await accepted(h);
    const error = await rejection(h.engine.execute(id, { type: 'dispatch' }, { actor: A.requester }));
    expect(error.code).toBe('PERMISSION');
  });

  it('suggests ranked units with reasons to a dispatcher', async () => {
    const h = harness({ routing });
    const id = await accepted(h);
    const ranking = await h.engine.suggest(id, { actor: A.dispatcher });
    expect(ranking.candidates[0]?.unitId).toBe('unit.chengguan');
    await rejection(h.engine.suggest(id, { actor: A.requester }));
  });
});

describe('engine.relay', () => {
  it('delivers every outbox event once and acknowledges it', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: new StepClock() });
    const { case: c } = await engine.register(streetlight, { actor: A.intake });
    await engine.execute(c.id, { type: 'accept' }, { actor: A.intake });
    const seen: StoredEvent[] = [];
    expect(await engine.relay({ tenantId: A.intake.tenantId, handler: (e) => void seen.push(e) })).toEqual({ delivered: seen.length });
    expect(seen.map((e) => e.name)).toEqual(expect.arrayContaining(['case:registered', 'case:accepted']));
    expect(await engine.relay({ tenantId: A.intake.tenantId, handler: () => undefined })).toEqual({ delivered: 0 });
  });

  it('keeps an event whose handler fails, and delivers it again with the same id', async () => {
    const engine = createEngine({ store: memoryStore(), clock: new StepClock() });
    await engine.register(streetlight, { actor: A.intake });
    const boom = new Error('downstream down');
    const failed: string[] = [];
    await expect(engine.relay({ tenantId: A.intake.tenantId, handler: (e) => { failed.push(e.eventId); throw boom; } })).rejects.toBe(boom);
    const again: string[] = [];
    await engine.relay({ tenantId: A.intake.tenantId, handler: (e) => void again.push(e.eventId) });
    expect(failed).toHaveLength(1);
    expect(again[0]).toBe(failed[0]);
  });
});

describe('changed machine definitions', () => {
  it('migrates a stored snapshot through a registered step, and refuses one with no path', async () => {
    const store = memoryStore();
    const clock = new StepClock();
    const v1 = createEngine({ store, clock });
    const { case: c } = await v1.register(streetlight, { actor: A.intake });

    const migrations = [{ from: 1, migrate: (s: { value: unknown; context: unknown }) => ({ ...s, context: { ...(s.context as object), title: '小区路灯不亮（迁移）' } }) }];
    const v2 = createEngine({ store, clock, tiers: { general: { ...TIER_DEFINITIONS.general, version: 2, migrations } } });
    expect((await v2.get(c.id, { actor: A.intake })).title).toBe('小区路灯不亮（迁移）');
    const { case: after } = await v2.execute(c.id, { type: 'accept' }, { actor: A.intake });
    expect((await store.load(A.intake.tenantId, c.id))?.machine).toEqual({ id: 'jiaoban.general', version: 2 });
    expect(after.state).toBe('pendingDispatch');

    const v3 = createEngine({ store, clock, tiers: { general: { ...TIER_DEFINITIONS.general, version: 4 } } });
    const error = await rejection(v3.get(c.id, { actor: A.intake }));
    expect(error.code).toBe('INCOMPATIBLE_DEFINITION');
  });
});
