/**
 * How many routing decisions per second the built-in policies make on a city-sized directory: 1,000 units,
 * 10,000 people, 100 catalogue categories, 50,000 history records. Every decision goes through
 * `createRouter` (guard and anti-ping-pong stop), as it will inside the engine.
 */
import {
  byCatalog,
  byJurisdiction,
  byPerformance,
  bySkills,
  computeStatistics,
  createDirectory,
  createRouter,
  createStatisticsSource,
  firstMatch,
  leastLoaded,
  loadCatalog,
  weighted,
  type AssignmentRecord,
  type CatalogJson,
  type DirectoryJson,
  type Router,
  type RoutingContext,
  type RoutingDecision,
  type RoutingRequest,
} from '../src/routing/index.js';
import { measureThroughput, type Batch } from './_measure.js';
import { integerBetween, mulberry32, uniform } from './_random.js';
import { formatCount, formatPercent, markdownTable } from './_report.js';

export const name = 'routing';
export const title = 'Routing: decisions per second on a city of 1,000 units and 10,000 people';

// ---------------------------------------------------------------------------------------------
// A synthetic city

const SEED = 0x726f7574; // "rout"
const TOPS = 10;
const SUBS = 10;
const UNITS = 1000;
const PEOPLE = 10_000;
const TAGS = 200;
const RECORDS = 50_000;
const CASES = 10_000;
const TARGET = 50_000;

// Units 0–9 are districts, 10–109 street offices (ten per district), 110–119 city bureaus (one per top
// category), 120–999 departments under the bureaus, each competent for one subcategory: about nine
// competent units per subcategory, plus the bureau for the whole top category.
const unitId = (i: number): string => `u${i}`;
const categoryOf = (i: number): string => `t${i % TOPS}/s${Math.floor(i / TOPS) % SUBS}`;

interface World {
  directory: DirectoryJson;
  catalog: CatalogJson;
  areas: Array<{ id: string; name: string; parentId?: string; unitId?: string }>;
  records: AssignmentRecord[];
  requests: RoutingRequest[];
}

function makeWorld(): World {
  const next = mulberry32(SEED);
  const pick = <T>(list: readonly T[]): T => list[integerBetween(next, 0, list.length - 1)] as T;
  const tags = Array.from({ length: TAGS }, (_, i) => `k${i}`);

  const units: DirectoryJson['units'] = [];
  for (let i = 0; i < UNITS; i++) {
    const unit: DirectoryJson['units'][number] = { id: unitId(i), name: `单位${i}`, tags: [pick(tags), pick(tags), pick(tags)] };
    if (i < 10) unit.calendarId = 'cn-mainland';
    else if (i < 110) unit.superiorId = unitId(Math.floor((i - 10) / 10));
    else if (i < 120) {
      unit.calendarId = 'cn-mainland';
      unit.mandates = [`t${i - 110}`];
    } else {
      unit.superiorId = unitId(110 + (i % TOPS));
      unit.mandates = [categoryOf(i)];
    }
    units.push(unit);
  }
  const people: DirectoryJson['people'] = [];
  const memberships: DirectoryJson['memberships'] = [];
  for (let p = 0; p < PEOPLE; p++) {
    people.push({ id: `p${p}`, name: `人员${p}`, skills: [pick(tags), pick(tags)] });
    memberships.push({ personId: `p${p}`, unitId: unitId(p % UNITS), role: p % 10 === 0 ? 'head' : 'handler' });
  }

  const competent = new Map<string, number[]>();
  for (let i = 120; i < UNITS; i++) {
    const list = competent.get(categoryOf(i)) ?? [];
    list.push(i);
    competent.set(categoryOf(i), list);
  }
  const categories: CatalogJson['categories'] = [];
  for (let t = 0; t < TOPS; t++) {
    const subcategories = [];
    for (let s = 0; s < SUBS; s++) {
      const [lead, ...rest] = competent.get(`t${t}/s${s}`) ?? [];
      subcategories.push({
        id: `s${s}`,
        name: `子类${s}`,
        lead: unitId(lead ?? 110 + t),
        alternates: rest.slice(0, 2).map(unitId),
        cooperating: [{ unit: unitId(110 + ((t + 1) % TOPS)), duty: '配合核查' }],
      });
    }
    categories.push({ id: `t${t}`, name: `大类${t}`, subcategories });
  }

  const areas: World['areas'] = [];
  for (let d = 0; d < 10; d++) areas.push({ id: `d${d}`, name: `区${d}`, unitId: unitId(d) });
  for (let s = 0; s < 100; s++) areas.push({ id: `st${s}`, name: `街道${s}`, parentId: `d${Math.floor(s / 10)}`, unitId: unitId(10 + s) });
  for (let c = 0; c < 1000; c++) areas.push({ id: `c${c}`, name: `社区${c}`, parentId: `st${Math.floor(c / 10)}` });

  const records: AssignmentRecord[] = [];
  for (let r = 0; r < RECORDS; r++) {
    const unit = integerBetween(next, 120, UNITS - 1);
    const roll = uniform(next);
    const state = roll < 0.1 ? 'open' : roll < 0.9 ? 'concluded' : roll < 0.97 ? 'returned' : 'withdrawn';
    const record: AssignmentRecord = {
      caseId: `h${r}`,
      unitId: unitId(unit),
      category: categoryOf(unit),
      tier: pick(['immediate', 'general', 'general', 'general', 'complex'] as const),
      role: 'lead',
      state,
    };
    if (state === 'concluded') {
      record.onTime = uniform(next) < 0.85;
      record.workingDays = integerBetween(next, 1, 8);
      record.redoCount = uniform(next) < 0.05 ? 1 : 0;
      if (uniform(next) < 0.7) record.satisfaction = integerBetween(next, 60, 100);
    }
    records.push(record);
  }

  // 3% of cases carry a subcategory the catalogue lacks (→ jurisdiction), 15% were returned once by the
  // catalogue's lead (→ alternate), 1% twice (→ manual dispatch required, an error by design).
  const requests: RoutingRequest[] = [];
  for (let c = 0; c < CASES; c++) {
    const t = integerBetween(next, 0, TOPS - 1);
    const s = integerBetween(next, 0, SUBS - 1);
    const unknown = uniform(next) < 0.03;
    const category = unknown ? `t${t}/s${SUBS + 1}` : `t${t}/s${s}`;
    const roll = uniform(next);
    const lead = categories[t]?.subcategories?.[s]?.lead ?? 'u0';
    const triedUnits =
      roll < 0.01
        ? [{ unitId: lead, outcome: 'returned' as const }, { unitId: `u${integerBetween(next, 0, UNITS - 1)}`, outcome: 'returned' as const }]
        : roll < 0.16
          ? [{ unitId: lead, outcome: 'returned' as const, reason: '职能交叉' }]
          : [];
    requests.push({
      caseId: `c${c}`,
      tenantId: 'bench',
      tier: 'general',
      category,
      location: { areaId: `c${integerBetween(next, 0, 999)}` },
      tags: [pick(tags), pick(tags)],
      triedUnits,
      returnCount: triedUnits.length,
    });
  }
  return { directory: { units, people, memberships }, catalog: { id: 'bench', name: 'bench', categories }, areas, records, requests };
}

// ---------------------------------------------------------------------------------------------
// Measurement

function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const value = run();
  return [value, performance.now() - started];
}

function decideSync(router: Router, request: RoutingRequest, context: RoutingContext): RoutingDecision {
  const decision = router.decide(request, context);
  if (decision instanceof Promise) throw new Error('the built-in policies must decide synchronously');
  return decision;
}

function outcomes(router: Router, requests: readonly RoutingRequest[], context: RoutingContext): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) {
    let key: string;
    try {
      key = decideSync(router, request, context).policy;
    } catch (error) {
      key = `error: ${(error as { details?: { reason?: string } }).details?.reason ?? String(error)}`;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function batchFor(router: Router, requests: readonly RoutingRequest[], context: RoutingContext): Batch {
  return (from, count) => {
    let sum = 0;
    for (let i = from; i < from + count; i++) {
      try {
        sum += decideSync(router, requests[i] as RoutingRequest, context).score;
      } catch {
        sum += 1;
      }
    }
    return sum;
  };
}

export async function run(): Promise<string> {
  const world = makeWorld();
  const [directory, directoryMs] = timed(() => createDirectory(world.directory));
  const [catalog, catalogMs] = timed(() => loadCatalog(world.catalog, { directory }));
  const [rows, statisticsMs] = timed(() => computeStatistics(world.records));
  const context: RoutingContext = { directory, statistics: createStatisticsSource(rows), now: new Date('2026-01-05T01:00:00Z') };

  const scenarios = [
    { label: '`firstMatch(byCatalog, byJurisdiction, leastLoaded)`', router: createRouter(firstMatch(byCatalog(catalog), byJurisdiction(world.areas), leastLoaded())) },
    { label: '`weighted([byPerformance, bySkills, leastLoaded])`', router: createRouter(weighted([byPerformance(), bySkills(), leastLoaded()])) },
  ];

  const rowsOut: string[][] = [];
  const mixes: string[] = [];
  for (const { label, router } of scenarios) {
    const mix = outcomes(router, world.requests, context);
    const result = measureThroughput(label, batchFor(router, world.requests, context), { cases: CASES, time: 2000 });
    rowsOut.push([
      label,
      formatCount(result.opsPerSecond),
      `±${result.rme.toFixed(1)}%`,
      `${(1e6 / result.opsPerSecond).toFixed(1)} µs`,
    ]);
    const parts = [...mix.entries()].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${key} ${formatPercent(n, CASES)}`);
    mixes.push(`- ${label}: ${parts.join(', ')}`);
    console.log(`  ${label}: ${formatCount(result.opsPerSecond)} decisions/s`);
  }
  const first = rowsOut[0]?.[1] ?? 'n/a';

  return [
    `Synthetic city: ${formatCount(UNITS)} units (districts, street offices, bureaus, departments), ${formatCount(PEOPLE)} people`,
    `with two skills each, ${TOPS * SUBS} catalogue subcategories (about ten competent units each), ${formatCount(RECORDS)} history`,
    `records, ${formatCount(CASES)} pregenerated cases (3% with a subcategory the catalogue lacks, 15% already returned once by`,
    'the catalogue lead, 1% returned twice). Every decision passes through `createRouter` (guard and anti-ping-pong stop);',
    'errors (manual dispatch required, no candidate) are part of the stream and counted as decisions. One thread, synchronous',
    'policies, no I/O.',
    '',
    markdownTable(['policy (inside createRouter)', 'decisions/s', '± (95%)', 'mean per decision'], rowsOut, ['left', 'right', 'right', 'right']),
    '',
    `Target for the first row: ≥ ${formatCount(TARGET)} decisions/s (measured ${first}).`,
    '',
    'What the routers decided on the same 10,000 cases:',
    '',
    ...mixes,
    '',
    `One-off costs: \`createDirectory\` ${directoryMs.toFixed(0)} ms, \`loadCatalog\` (checked against the directory)`,
    `${catalogMs.toFixed(1)} ms, \`computeStatistics\` over ${formatCount(RECORDS)} records ${statisticsMs.toFixed(0)} ms.`,
  ].join('\n');
}
