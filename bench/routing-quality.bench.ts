/**
 * Routing quality by simulation: the same stream of 2,000 general-tier cases, driven through the engine
 * in a synthetic city whose units differ in (hidden) competence by category, once per policy. See
 * bench/_city.ts for the city and the behaviour model, and docs/routing.md ("Quality by simulation").
 */
import { cnMainland } from '../src/calendar/index.js';
import { byCatalog, byPerformance, createRouter, definePolicy, fallback, leastLoaded, weighted, type RoutingPolicy } from '../src/routing/index.js';
import { BEHAVIOUR, caseStream, type CaseSpec, createCity, simulate, summarize, type City, type QualitySummary, type SimulationResult } from './_city.js';
import { markdownTable } from './_report.js';

export const name = 'routing-quality';
export const title = 'Routing quality: catalogue-only vs performance-aware routing in a simulated city';

/** The seeds of the published run: the city (units, mandates, competence), the case stream, the unit behaviour. */
export const SEEDS = { city: 2026, stream: 12345, behaviour: 7 } as const;
const CASES = 2000;
/** The first cases of the stream: the statistics start empty and fill up during them. */
const WARM_UP = 200;

export interface QualityPolicy {
  label: string;
  policy: RoutingPolicy;
}

/**
 * The policies compared. Every one is wrapped in `createRouter` (guard + anti-ping-pong stop at 2 returns),
 * as `createDispatchRouting` would do anyway.
 */
export function qualityPolicies(city: City): QualityPolicy[] {
  const catalogue = byCatalog(city.catalog);
  const performanceAware = (floor?: number): RoutingPolicy =>
    createRouter(
      fallback(
        weighted([
          { policy: byPerformance(floor === undefined ? {} : { floor }), weight: 0.5 },
          { policy: leastLoaded(), weight: 0.3 },
          { policy: catalogue, weight: 0.2 },
        ]),
        catalogue,
      ),
    );
  // Not a policy anyone could run: it reads the hidden competence. It shows how much room there is.
  const oracle = definePolicy({
    name: 'oracle',
    rank: (request) => ({
      candidates: (city.categories.find((c) => c.key === request.category)?.mandated ?? []).map((unitId) => ({
        unitId,
        score: city.competence(unitId, request.category),
        reasons: ['oracle'],
        cooperating: [],
        policy: 'oracle',
      })),
      notes: [],
    }),
  });
  return [
    { label: 'catalogue only: `fallback(byCatalog, leastLoaded)`', policy: createRouter(fallback(catalogue, leastLoaded())) },
    {
      label: 'performance-aware: `fallback(weighted([byPerformance 0.5, leastLoaded 0.3, byCatalog 0.2]), byCatalog)`',
      policy: performanceAware(),
    },
    { label: 'the same with `byPerformance({ floor: 0.85 })`', policy: performanceAware(0.85) },
    {
      label: 'ablation, load only: `weighted([leastLoaded 0.8, byCatalog 0.2])`',
      policy: createRouter(weighted([{ policy: leastLoaded(), weight: 0.8 }, { policy: catalogue, weight: 0.2 }])),
    },
    {
      label: 'ablation, history only: `weighted([byPerformance 0.8, byCatalog 0.2])`',
      policy: createRouter(weighted([{ policy: byPerformance(), weight: 0.8 }, { policy: catalogue, weight: 0.2 }])),
    },
    { label: 'reference, not a policy: the most competent untried unit (reads the hidden competence)', policy: createRouter(oracle) },
  ];
}

export interface QualityRun {
  city: City;
  stream: CaseSpec[];
  cases: number;
  runs: Array<{ label: string; result: SimulationResult; all: QualitySummary; warmUp: QualitySummary; rest: QualitySummary; seconds: number }>;
}

/**
 * Runs every policy over the same stream.
 *
 * @example
 * const { runs } = await runQuality({ cases: 150 });
 * runs.map((r) => r.all.concluded); //=> [150, 150, 150, 150]
 */
export async function runQuality(options: { cases?: number; seeds?: { city: number; stream: number; behaviour: number }; only?: number } = {}): Promise<QualityRun> {
  const seeds = options.seeds ?? SEEDS;
  const cases = options.cases ?? CASES;
  const city = createCity(seeds.city);
  const stream = caseStream(city, cnMainland(), { seed: seeds.stream, cases });
  const policies = qualityPolicies(city).slice(0, options.only);
  const runs: QualityRun['runs'] = [];
  for (const { label, policy } of policies) {
    const startedAt = performance.now();
    const result = await simulate(city, stream, policy, { seed: seeds.behaviour });
    const seconds = (performance.now() - startedAt) / 1000;
    runs.push({
      label,
      result,
      all: summarize(result.outcomes),
      warmUp: summarize(result.outcomes.slice(0, WARM_UP)),
      rest: summarize(result.outcomes.slice(WARM_UP)),
      seconds,
    });
  }
  return { city, stream, cases, runs };
}

const fixed = (value: number, digits: number): string => (Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const percent = (share: number): string => (Number.isNaN(share) ? 'n/a' : `${(100 * share).toFixed(1)}%`);

export async function run(): Promise<string> {
  const { city, stream, cases, runs } = await runQuality();
  const rows = runs.map(({ label, all }) => [
    label,
    fixed(all.returnsPerCase, 3),
    String(all.stopHits),
    fixed(all.avgWorkingDays, 2),
    percent(all.onTimeShare),
    percent(all.extendedShare),
    percent(all.redoShare),
    fixed(all.avgSatisfaction, 1),
    percent(1 - all.firstToCatalogueShare),
    percent(all.byBestShare),
  ]);
  const table = markdownTable(
    ['policy', 'returns / case', 'stop hits', 'working days to conclude', 'on time', 'extended', 'redo', 'satisfaction', 'first dispatch ≠ catalogue lead', 'concluded by best unit'],
    rows,
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const warm = markdownTable(
    ['policy', 'cases', 'returns / case', 'working days', 'on time', 'first dispatch ≠ catalogue lead'],
    runs.slice(0, 2).flatMap(({ label, warmUp, rest }) => [
      [label.split(':')[0] ?? label, `1–${WARM_UP}`, fixed(warmUp.returnsPerCase, 3), fixed(warmUp.avgWorkingDays, 2), percent(warmUp.onTimeShare), percent(1 - warmUp.firstToCatalogueShare)],
      ['', `${WARM_UP + 1}–${cases}`, fixed(rest.returnsPerCase, 3), fixed(rest.avgWorkingDays, 2), percent(rest.onTimeShare), percent(1 - rest.firstToCatalogueShare)],
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right'],
  );
  const first = runs[0]?.result;
  const commands = runs.reduce((sum, r) => sum + r.result.commands, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const firstArrival = stream[0]?.arrival ?? 0;
  const warmUpDays = cnMainland().workingDaysBetween(new Date(firstArrival), new Date(stream[WARM_UP - 1]?.arrival ?? firstArrival)) + 1;
  const leadsBest = city.categories.filter((c) => city.bestUnit(c.key) === c.catalogueLead).length;
  return [
    `${cases.toLocaleString('en-US')} general-tier cases (3 working days, 次日起算), the same stream for every policy, each driven`,
    'through the engine (`createEngine`, memory store, one `SimulatedClock`, `cnMainland()`): register → accept →',
    'route (`createDispatchRouting` + `routingRequestFor`) → dispatch → the unit returns it or signs → reply → review →',
    'evaluation → conclude. Seeds: city ' + `${SEEDS.city}, stream ${SEEDS.stream}, behaviour ${SEEDS.behaviour}.`,
    `City: ${city.units.length} units, ${city.categories.length} categories, each with a catalogue lead and 2–4 other mandated units;`,
    `the catalogue lead is the most competent unit in ${leadsBest} of ${city.categories.length} categories.`,
    '',
    table,
    '',
    '*returns / case*: 退单 per case. *stop hits*: decisions refused by the anti-ping-pong stop (second return) and',
    'force-dispatched by the duty chief to the first receiver. *working days*: `workingDaysBetween(accepted, concluded)`.',
    '*on time*: concluded by `addWorkingDays(accepted, 3 + granted extension)`. *redo*: cases with at least one',
    '退回重办 or 重办. *satisfaction*: final evaluation on the 100-point scale. *concluded by best unit*: the unit that',
    'concluded the case is the most competent mandated unit for its category (hidden from every policy).',
    '',
    `Warm-up. The statistics start empty: until a unit has 5 concluded cases in a category, \`byPerformance\` gives it`,
    `the floor score (0.5), so at first the performance-aware policy is the catalogue plus load. The first ${WARM_UP} cases`,
    `(${warmUpDays} working days) against the rest:`,
    '',
    warm,
    '',
    `Statistics were recomputed from the engine's own cases ${first?.statisticsRefreshes ?? 0} times in the catalogue-only run`,
    `(at the first decision of each day and after every 10 decisions). ${commands.toLocaleString('en-US')} engine commands in all,`,
    `${seconds.toFixed(1)} s. Behaviour model: return with probability ${BEHAVIOUR.returnProbability(0).toFixed(2)}·(1 − competence);`,
    'work 0.5–(1 + 3.5·(1 − competence)) working days plus one per `capacity` open cases; send-back 0.15·(1 − c);',
    'dissatisfied 0.3·(1 − c), halved per redo; half of the units that foresee lateness ask for an extension, always granted.',
    'This is a model, not data: see docs/routing.md for what it leaves out.',
  ].join('\n');
}
