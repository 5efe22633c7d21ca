// Performance-aware routing for the centre's "城市管理" cases: the catalogue still sets the cooperating units
// and time limits, history and load decide between the competent units, a night-duty rule comes first.
// Run: npx tsx examples/routing-weighted.ts
import {
  byCatalog,
  byPerformance,
  bySkills,
  createDirectory,
  createRouter,
  definePolicy,
  fallback,
  leastLoaded,
  loadCatalog,
  statisticsFromRecords,
  weighted,
  type AssignmentRecord,
  type RoutingContext,
  type RoutingRequest,
} from '../src/routing/index.js';
import catalogJson from './catalog/city-12345.json' with { type: 'json' };
import directoryJson from './catalog/city-12345-directory.json' with { type: 'json' };

const directory = createDirectory(directoryJson);
const catalog = loadCatalog(catalogJson, { directory });

// The engine will produce these from its history; here: 城管局 is slow on street vending, 财源街道 is
// quick and well rated, 徐家埠街道 is new (two cases, too few to judge).
function history(unitId: string, count: number, fields: Partial<AssignmentRecord>): AssignmentRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    caseId: `${unitId}-${i}`,
    unitId,
    category: 'urban/street-vending',
    tier: 'general' as const,
    role: 'lead' as const,
    state: 'concluded' as const,
    ...fields,
  }));
}
const statistics = statisticsFromRecords([
  ...history('unit.chengguan', 40, { onTime: false, workingDays: 7, satisfaction: 70 }),
  ...history('unit.chengguan', 20, { onTime: true, workingDays: 3, satisfaction: 85 }),
  ...history('unit.chengguan', 12, { state: 'open' }),
  ...history('unit.street.caiyuan', 30, { onTime: true, workingDays: 2, satisfaction: 95 }),
  ...history('unit.street.caiyuan', 3, { state: 'open' }),
  ...history('unit.street.xujiafu', 2, { onTime: true, workingDays: 2, satisfaction: 90 }),
]);
const context: RoutingContext = { directory, statistics, now: new Date('2026-01-05T09:00:00+08:00') };

// A host rule written with definePolicy: at night, immediate cases go to the 24×7 units only. It names
// nobody by day, so `fallback` hands over to the blended policy.
const nightDuty = definePolicy({
  name: 'nightDuty',
  rank: (request, { now }) => {
    const hour = (now.getUTCHours() + 8) % 24;
    const night = hour < 8 || hour >= 18;
    if (!night || request.tier !== 'immediate') return { candidates: [], notes: [] };
    const entry = catalog.resolve(request.category);
    const unitId = entry?.lead;
    if (unitId === undefined || directory.calendarId(unitId) !== 'always-24x7') return { candidates: [], notes: [] };
    return { candidates: [{ unitId, score: 1, reasons: [`夜间值守 → ${directory.unit(unitId)?.name ?? unitId}`], cooperating: [], policy: 'nightDuty' }], notes: [] };
  },
});

const router = createRouter(
  fallback(
    nightDuty,
    weighted([
      { policy: byCatalog(catalog), weight: 0.2 },
      { policy: byPerformance({ floor: 0.6 }), weight: 0.4 },
      { policy: bySkills(), weight: 0.1 },
      { policy: leastLoaded(), weight: 0.3 },
    ]),
  ),
);

const vending: RoutingRequest = {
  caseId: 'c-20260105-0042',
  tenantId: 'taian',
  tier: 'general',
  category: 'urban/street-vending',
  location: { areaId: 'taishan/caiyuan' },
  tags: ['市容'],
  triedUnits: [],
  returnCount: 0,
};

const decision = await router.decide(vending, context);
console.log(decision.leadUnitId, decision.score, decision.alternatives);
for (const reason of decision.reasons) console.log(' ', reason);

const ranking = await router.rank(vending, context);
console.log(ranking.candidates.map((candidate) => `${candidate.unitId} ${candidate.score}`).join(' > '));
