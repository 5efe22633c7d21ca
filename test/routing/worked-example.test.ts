// Replays the worked example of docs/routing.md on the sample files, so that the page cannot drift from the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import {
  byCatalog,
  byJurisdiction,
  createDirectory,
  createRouter,
  firstMatch,
  leastLoaded,
  loadCatalog,
  statisticsFromRecords,
  validateManualDispatch,
  type RoutingContext,
  type RoutingRequest,
} from '../../src/routing/index.js';
import { sync } from './_sync.js';

const sample = (file: string): unknown => JSON.parse(readFileSync(new URL(`../../examples/catalog/${file}`, import.meta.url), 'utf8'));
const directory = createDirectory(sample('city-12345-directory.json'));
const catalog = loadCatalog(sample('city-12345.json'), { directory });
const router = createRouter(firstMatch(byCatalog(catalog), byJurisdiction(sample('city-12345-areas.json')), leastLoaded()));
const context: RoutingContext = { directory, statistics: statisticsFromRecords([]), now: new Date('2026-01-05T01:00:00Z') };
const streetlight: RoutingRequest = {
  caseId: 'c-20260105-0001',
  tenantId: 'taian',
  tier: 'general',
  category: 'urban/streetlight',
  location: { areaId: 'taishan/caiyuan/shengping' },
  tags: ['路灯'],
  triedUnits: [],
  returnCount: 0,
};
const afterReturn: RoutingRequest = { ...streetlight, triedUnits: [{ unitId: 'unit.chengguan', outcome: 'returned', reason: '权属不清' }], returnCount: 1 };
const afterTwoReturns: RoutingRequest = {
  ...afterReturn,
  triedUnits: [...afterReturn.triedUnits, { unitId: 'unit.street.caiyuan', outcome: 'returned', reason: '职能交叉' }],
  returnCount: 2,
};

describe('the worked example of docs/routing.md', () => {
  it('first follows the catalogue, with its cooperating unit and terms', () => {
    expect(sync(router.decide(streetlight, context))).toMatchObject({
      leadUnitId: 'unit.chengguan',
      leadDuty: '牵头核查处置, 答复诉求人',
      cooperating: [{ unitId: 'unit.gongdian', duty: '排查并抢修供电线路故障' }],
      reasons: ['派单目录: 城市管理/路灯 → 城管局'],
      terms: { tier: 'general', timeLimits: { sign: { value: 1, unit: 'workingDays' }, conclude: { value: 5, unit: 'workingDays' } } },
    });
  });

  it('after one return goes to the area’s street office and says why', () => {
    expect(sync(router.decide(afterReturn, context))).toMatchObject({
      leadUnitId: 'unit.street.caiyuan',
      reasons: ['属地: 升平社区 所在的 财源街道 → 财源街道办事处', '排除: 城管局 已退单 (权属不清)'],
      alternatives: ['unit.quzf.taishan'],
    });
  });

  it('after two returns stops, names the first receiver, and accepts the duty chief’s forced dispatch', () => {
    try {
      router.decide(afterTwoReturns, context);
      expect.unreachable();
    } catch (error) {
      expect(isJiaobanError(error, 'ROUTING') && error.details).toMatchObject({
        reason: 'manualDispatchRequired',
        firstReceiverUnitId: 'unit.chengguan',
        requiredActions: ['forceDispatch', 'flagSupervision'],
      });
    }
    expect(sync(router.rank(afterTwoReturns, context)).candidates.map((c) => c.unitId)).toEqual(['unit.quzf.taishan']);
    const forced = validateManualDispatch(
      { leadUnitId: 'unit.chengguan', cooperating: [{ unitId: 'unit.gongdian', duty: '排查并抢修供电线路故障' }], primaryOwnerId: 'p.wang.jun' },
      directory,
      { request: afterTwoReturns, actorId: 'p.duty.chief' },
    );
    expect(forced.reasons).toEqual([
      '人工派单: 主办 城管局 (派单员 p.duty.chief)',
      '协办: 供电公司 — 排查并抢修供电线路故障',
      '强派: 城管局 曾退单 (权属不清), 由人工审定后仍派给该单位',
    ]);
  });

  it('routes every subcategory of the sample catalogue to an active unit of the sample directory', () => {
    for (const entry of catalog.entries()) {
      if (entry.lead === undefined) continue;
      const decision = sync(router.decide({ ...streetlight, category: entry.key }, context));
      expect(directory.unit(decision.leadUnitId)?.active).toBe(true);
    }
  });
});
