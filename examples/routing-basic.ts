// Routing a few cases of a city 12345 centre: the catalogue first, then the area (属地), then the least
// loaded competent unit; returned units are skipped; the second return stops automatic dispatch.
// Run: npx tsx examples/routing-basic.ts
import { isJiaobanError } from '../src/errors.js';
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
} from '../src/routing/index.js';
import areasJson from './catalog/city-12345-areas.json' with { type: 'json' };
import catalogJson from './catalog/city-12345.json' with { type: 'json' };
import directoryJson from './catalog/city-12345-directory.json' with { type: 'json' };

const directory = createDirectory(directoryJson);
// Passing the directory makes the loader reject a catalogue that names a unit the org chart lacks.
const catalog = loadCatalog(catalogJson, { directory });

const router = createRouter(firstMatch(byCatalog(catalog), byJurisdiction(areasJson), leastLoaded()));

const context: RoutingContext = {
  directory,
  // In production the engine derives these records from its history; two open cases are enough here.
  statistics: statisticsFromRecords([
    { caseId: 'c-old-1', unitId: 'unit.street.caiyuan', category: 'urban/garbage', tier: 'general', role: 'lead', state: 'open' },
    { caseId: 'c-old-2', unitId: 'unit.street.caiyuan', category: 'urban/garbage', tier: 'complex', role: 'lead', state: 'open' },
  ]),
  now: new Date('2026-01-05T09:00:00+08:00'),
};

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

const first = await router.decide(streetlight, context);
console.log('1. catalogue:', first.leadUnitId, first.cooperating, first.reasons);

// 城管局 returns the case (it says the lamp belongs to the power company's grid). The catalogue names no
// alternate, so the area's unit takes it, and the reasons say why the catalogue was not followed.
const afterReturn: RoutingRequest = {
  ...streetlight,
  triedUnits: [{ unitId: 'unit.chengguan', outcome: 'returned', reason: '权属不清' }],
  returnCount: 1,
};
const second = await router.decide(afterReturn, context);
console.log('2. after one return:', second.leadUnitId, second.reasons);

// A second return: no automatic decision. The duty chief force-dispatches and the case is flagged.
const afterTwoReturns: RoutingRequest = {
  ...afterReturn,
  triedUnits: [...afterReturn.triedUnits, { unitId: 'unit.street.caiyuan', outcome: 'returned', reason: '职能交叉' }],
  returnCount: 2,
};
try {
  await router.decide(afterTwoReturns, context);
} catch (error) {
  if (isJiaobanError(error, 'ROUTING') && error.details.reason === 'manualDispatchRequired') {
    console.log('3. stop:', error.details.requiredActions, 'escalate to', error.details.escalateTo);
    const ranking = await router.rank(afterTwoReturns, context);
    console.log('   suggestions for the duty chief:', ranking.candidates.map((c) => c.unitId));
    const forced = validateManualDispatch(
      { leadUnitId: 'unit.chengguan', cooperating: [{ unitId: 'unit.gongdian', duty: '排查并抢修供电线路故障' }], primaryOwnerId: 'p.wang.jun' },
      directory,
      { request: afterTwoReturns, actorId: 'p.duty.chief' },
    );
    console.log('   forced dispatch:', forced.leadUnitId, forced.reasons);
  } else {
    throw error;
  }
}
