import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import {
  byCatalog,
  byJurisdiction,
  byPerformance,
  bySkills,
  createRouter,
  firstMatch,
  isRouter,
  leastLoaded,
  weighted,
  type RoutingDecision,
  type RoutingRequest,
} from '../../src/routing/index.js';
import { areasJson, catalog, context, request } from './_fixtures.js';
import { candidate, later, unguarded } from './_policies.js';
import { sync } from './_sync.js';

const cityRouter = createRouter(firstMatch(byCatalog(catalog), byJurisdiction(areasJson), leastLoaded()));

function routingError(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (isJiaobanError(error, 'ROUTING')) return error;
    throw error;
  }
  throw new Error('expected a ROUTING error');
}

describe('createRouter', () => {
  it('passes the policy’s best candidate through, with up to three alternatives', () => {
    const decision = sync(cityRouter.decide(request({ category: 'urban/vending' }), context()));
    expect(decision).toMatchObject({ leadUnitId: 'chengguan', alternatives: ['street.a', 'street.b'] });
  });

  it('guards a policy that does not guard itself: no returned, unknown or inactive unit is chosen', () => {
    const router = createRouter(unguarded([candidate('chengguan', 1), candidate('ghost', 0.9), candidate('closed', 0.8), candidate('shuiwu', 0.1)]));
    const decision = sync(router.decide(request({ triedUnits: [{ unitId: 'chengguan', outcome: 'returned' }] }), context()));
    expect(decision.leadUnitId).toBe('shuiwu');
    expect(decision.reasons).toEqual(['shuiwu 0.1', '排除: 城管局 已退单', '排除: 单位 ghost 不在组织目录中', '排除: 已撤并单位 已停用']);
  });

  it('removes the lead, tried, unknown and repeated units from the cooperating list', () => {
    const cooperating = ['chengguan', 'gongdian', 'ghost', 'shuiwu', 'gongdian'].map((unitId) => ({ unitId, duty: 'd' }));
    const router = createRouter(unguarded([candidate('chengguan', 1, { cooperating })]));
    const decision = sync(router.decide(request({ triedUnits: [{ unitId: 'shuiwu', outcome: 'transferred' }] }), context()));
    expect(decision.cooperating).toEqual([{ unitId: 'gongdian', duty: 'd' }]);
  });

  it('drops a primary owner who is not a member of the lead unit, with a note', () => {
    const router = createRouter(unguarded([candidate('chengguan', 1, { primaryOwnerId: 'p.li' })]));
    const decision = sync(router.decide(request(), context()));
    expect(decision.primaryOwnerId).toBeUndefined();
    expect(decision.reasons).toContain('第一责任人 p.li 不属于 城管局, 留待签收时指定');
  });

  it('stops automatic dispatch at the second return and asks for a forced dispatch and supervision', () => {
    const triedUnits = [
      { unitId: 'chengguan', outcome: 'returned' as const },
      { unitId: 'street.a', outcome: 'returned' as const },
    ];
    const error = routingError(() => cityRouter.decide(request({ returnCount: 2, triedUnits }), context()));
    expect(error.details).toEqual({
      reason: 'manualDispatchRequired',
      caseId: 'c1',
      returnCount: 2,
      maxAutoReturns: 2,
      triedUnits: ['chengguan', 'street.a'],
      requiredActions: ['forceDispatch', 'flagSupervision'],
      escalateTo: 'dutyChief',
      firstReceiverUnitId: 'chengguan',
    });
  });

  it('still routes automatically after one return', () => {
    const triedUnits = [{ unitId: 'chengguan', outcome: 'returned' as const }];
    expect(sync(cityRouter.decide(request({ category: 'urban/vending', returnCount: 1, triedUnits }), context())).leadUnitId).toBe('street.a');
  });

  it('takes the number of returned units in the request when the counter lags behind', () => {
    const triedUnits = ['chengguan', 'street.a'].map((unitId) => ({ unitId, outcome: 'returned' as const }));
    expect(routingError(() => cityRouter.decide(request({ returnCount: 0, triedUnits }), context())).details.reason).toBe('manualDispatchRequired');
  });

  it('has a configurable return limit', () => {
    const strict = createRouter(byCatalog(catalog), { maxAutoReturns: 1 });
    expect(routingError(() => strict.decide(request({ returnCount: 1 }), context())).details.reason).toBe('manualDispatchRequired');
    const lenient = createRouter(byCatalog(catalog), { maxAutoReturns: 5 });
    expect(sync(lenient.decide(request({ returnCount: 4 }), context())).leadUnitId).toBe('chengguan');
  });

  it('still ranks candidates for the duty chief when automatic dispatch has stopped', () => {
    const triedUnits = ['chengguan', 'street.a'].map((unitId) => ({ unitId, outcome: 'returned' as const }));
    const ranking = sync(cityRouter.rank(request({ category: 'urban/vending', returnCount: 2, triedUnits }), context()));
    expect(ranking.manualDispatchRequired).toBe(true);
    expect(ranking.firstReceiverUnitId).toBe('chengguan');
    expect(ranking.candidates.map((c) => c.unitId)).toEqual(['street.b']);
    expect(ranking.notes.map((n) => n.code)).toEqual(['excludedReturned', 'excludedReturned']);
  });

  it('throws noCandidate with the policies’ notes when nobody fits', () => {
    const error = routingError(() => cityRouter.decide(request({ category: 'pets' }), context()));
    expect(error.details).toMatchObject({
      reason: 'unknownCategory',
      category: 'pets',
      notes: ['派单目录中没有类别 pets', '案件没有位置, 无法按属地派单', '没有职能覆盖 pets 的单位'],
    });
  });

  it('throws unknownUnit when the policy names only units the directory lacks', () => {
    const error = routingError(() => createRouter(unguarded([candidate('ghost', 1)])).decide(request(), context()));
    expect(error.details).toMatchObject({ reason: 'unknownUnit', unitIds: ['ghost'], caseId: 'c1' });
  });

  it('throws inactiveUnit when the policy names only inactive units', () => {
    const error = routingError(() => createRouter(unguarded([candidate('closed', 1)])).decide(request(), context()));
    expect(error.details).toMatchObject({ reason: 'inactiveUnit', unitIds: ['closed'] });
  });

  it('returns a promise for an asynchronous policy', async () => {
    const decision = createRouter(later('remote', [candidate('shuiwu', 1)])).decide(request(), context());
    expect(decision).toBeInstanceOf(Promise);
    expect((await decision).leadUnitId).toBe('shuiwu');
  });

  it('is recognisable, so that a host wraps a policy only once', () => {
    expect(isRouter(cityRouter)).toBe(true);
    expect(isRouter(byCatalog(catalog))).toBe(false);
  });

  it('rejects a negative return limit', () => {
    expect(() => createRouter(byCatalog(catalog), { maxAutoReturns: -1 })).toThrow(/maxAutoReturns/);
  });

  it('decides the same way twice on the same inputs and does not touch them', () => {
    const input = Object.freeze(request({ category: 'urban/vending', tags: Object.freeze(['市容']) as string[] })) as RoutingRequest;
    const router = createRouter(weighted([byPerformance(), bySkills(), leastLoaded()]));
    expect(sync(router.decide(input, context()))).toEqual(sync(router.decide(input, context())));
  });

  it('always names exactly one admissible lead, never a tried unit, never the lead as cooperating (property)', () => {
    const units = ['chengguan', 'gongdian', 'shuiwu', 'district', 'street.a', 'street.b', 'closed', 'ghost'];
    const categories = ['urban', 'urban/streetlight', 'urban/vending', 'utilities/power', 'utilities/water', 'pets'];
    const areas = ['district', 'district/a', 'district/a/1', 'district/b', 'nowhere'];
    const routers = [
      cityRouter,
      createRouter(weighted([byCatalog(catalog), byPerformance(), bySkills(), leastLoaded()])),
      createRouter(firstMatch(bySkills(), byJurisdiction(areasJson))),
    ];
    const arbitrary = fc.record({
      router: fc.integer({ min: 0, max: routers.length - 1 }),
      category: fc.constantFrom(...categories),
      areaId: fc.option(fc.constantFrom(...areas), { nil: undefined }),
      tags: fc.subarray(['路灯', '电力', '市容', '供水']),
      tried: fc.array(fc.record({ unitId: fc.constantFrom(...units), outcome: fc.constantFrom('returned' as const, 'transferred' as const) }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(arbitrary, ({ router, category, areaId, tags, tried }) => {
        const input = request({
          category,
          tags,
          triedUnits: tried,
          returnCount: 0,
          ...(areaId === undefined ? {} : { location: { areaId } }),
        });
        let decision: RoutingDecision;
        try {
          decision = sync((routers[router] ?? cityRouter).decide(input, context()));
        } catch (error) {
          expect(isJiaobanError(error, 'ROUTING')).toBe(true);
          return;
        }
        const triedIds = tried.map((t) => t.unitId);
        expect(triedIds).not.toContain(decision.leadUnitId);
        expect(['closed', 'ghost']).not.toContain(decision.leadUnitId);
        const cooperatingIds = decision.cooperating.map((c) => c.unitId);
        expect(cooperatingIds).not.toContain(decision.leadUnitId);
        expect(new Set(cooperatingIds).size).toBe(cooperatingIds.length);
        for (const id of cooperatingIds) expect(triedIds).not.toContain(id);
        expect(decision.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
