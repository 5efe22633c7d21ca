/**
 * A seeded synthetic city for the routing quality simulation, and the simulation itself.
 *
 * The city: 40 units, 10 categories from a small generated dispatch catalogue. Every category has a
 * catalogue lead (a plausible bureau) and 2–4 other units that hold a mandate for it. Each unit has a
 * hidden competence per category and a hidden capacity; the routing policies never see either, only
 * what the engine's own case history says (returns, time to conclude, on-time, redo, satisfaction).
 *
 * The simulation drives every case through a real engine (`createEngine` on a `memoryStore`, one
 * `SimulatedClock`, the official `cnMainland()` calendar) in time order: register → accept → route →
 * dispatch → the unit returns it or signs → reply → review → evaluation → conclude. Units behave by
 * their hidden competence; the random draws are keyed by (seed, case, unit, attempt, step), so a unit
 * that meets the same case behaves the same whichever policy sent it there (common random numbers).
 */
import { cnMainland, type WorkCalendar } from '../src/calendar/index.js';
import {
  assignmentRecordsOf,
  createDispatchRouting,
  routingRequestFor,
  type DispatchRouting,
  type ResolvedDispatch,
} from '../src/engine/dispatch-routing.js';
import { createEngine, isJiaobanError, memoryStore, type Actor, type CaseView, type Engine, type EvaluationResult } from '../src/index.js';
import {
  createDirectory,
  createStatisticsSource,
  loadCatalog,
  statisticsFromRecords,
  type AssignmentRecord,
  type Catalog,
  type CatalogJson,
  type Directory,
  type DirectoryJson,
  type RoutingPolicy,
  type StatisticsSource,
} from '../src/routing/index.js';
import { SimulatedClock } from '../src/testing/simulated-clock.js';
import { mulberry32, uniform } from './_random.js';

// ---------------------------------------------------------------------------------------------
// The city

export const TENANT = 'sim-city';

/** The ten categories of the generated catalogue, with the bureau a dispatcher would plausibly name. */
const TOPS = [
  { id: 'urban', name: '城市管理', subs: [['streetlight', '路灯', 'u.chengguan'], ['vending', '占道经营', 'u.chengguan']] },
  { id: 'water', name: '供水', subs: [['outage', '停水', 'u.shuiwu'], ['pressure', '水压不足', 'u.shuiwu']] },
  { id: 'env', name: '生态环境', subs: [['noise', '噪声扰民', 'u.huanbao'], ['smoke', '油烟污染', 'u.huanbao']] },
  { id: 'traffic', name: '交通', subs: [['signal', '信号灯故障', 'u.jiaotong'], ['parking', '违章停车', 'u.gongan']] },
  { id: 'housing', name: '住房', subs: [['property', '物业服务', 'u.zhujian'], ['elevator', '电梯故障', 'u.shichang']] },
] as const;

const BUREAUS: ReadonlyArray<readonly [string, string]> = [
  ['u.chengguan', '市城管局'], ['u.shuiwu', '市水务局'], ['u.huanbao', '市生态环境局'], ['u.jiaotong', '市交通运输局'],
  ['u.gongan', '市公安局交警支队'], ['u.zhujian', '市住建局'], ['u.shichang', '市市场监管局'], ['u.gongdian', '供电公司'],
  ['u.gongshui', '市供水集团'], ['u.ranqi', '燃气公司'], ['u.weijian', '市卫健委'], ['u.renshe', '市人社局'],
];
const DISTRICTS: ReadonlyArray<readonly [string, string]> = [
  ['u.qu.dong', '东城区政府'], ['u.qu.xi', '西城区政府'], ['u.qu.nan', '南湖区政府'], ['u.qu.bei', '北山区政府'],
];
const STREET_NAMES = [
  '和平', '建设', '解放', '人民', '青年', '光明', '幸福', '长安', '新华', '胜利', '东风', '朝阳',
  '文化', '振兴', '团结', '红旗', '友谊', '向阳', '春晖', '北苑', '南苑', '滨河', '湖滨', '山水',
];

export interface CityUnit {
  id: string;
  name: string;
  /** Hidden: open lead cases the unit handles before each further case costs it extra days. */
  capacity: number;
  /** The people who act for it in the engine. */
  handler: Actor;
  head: Actor;
}

export interface CityCategory {
  key: string;
  name: string;
  catalogueLead: string;
  /** Every unit with a mandate for the category, catalogue lead first. */
  mandated: string[];
  /** Relative frequency of the category in the case stream. */
  weight: number;
}

export interface City {
  seed: number;
  units: CityUnit[];
  categories: CityCategory[];
  directoryJson: DirectoryJson;
  catalogJson: CatalogJson;
  directory: Directory;
  catalog: Catalog;
  /** Hidden from the policies: how good `unitId` is at `category`, in [0, 1]. */
  competence(unitId: string, category: string): number;
  /** The most competent mandated unit of a category (for reporting only). */
  bestUnit(category: string): string;
}

/**
 * Builds the city for `seed`. Units: 12 bureaus and companies, 4 district governments, 24 street offices.
 *
 * @example
 * const city = createCity(2026);
 * city.categories[0]?.catalogueLead; //=> 'u.chengguan' (urban/streetlight)
 */
export function createCity(seed: number): City {
  const next = mulberry32(seed);
  const draw = (): number => uniform(next);
  const between = (a: number, b: number): number => a + (b - a) * draw();

  const named: Array<readonly [string, string]> = [...BUREAUS, ...DISTRICTS];
  for (let i = 0; i < 24; i++) named.push([`u.jd.${String(i + 1).padStart(2, '0')}`, `${STREET_NAMES[i]}街道办事处`]);

  const units: CityUnit[] = named.map(([id, name]) => ({
    id,
    name,
    capacity: 5 + Math.floor(draw() * 8),
    handler: { id: `${id}.handler`, roles: ['liaison', 'handler'], unitIds: [id], tenantId: TENANT },
    head: { id: `${id}.head`, roles: ['unitLeader'], unitIds: [id], tenantId: TENANT },
  }));

  const competence = new Map<string, number>();
  const mandates = new Map<string, string[]>();
  const categories: CityCategory[] = [];
  const others = units.map((u) => u.id);
  for (const top of TOPS) {
    for (const [sub, subName, lead] of top.subs) {
      const key = `${top.id}/${sub}`;
      const pool = others.filter((id) => id !== lead);
      const count = 2 + Math.floor(draw() * 3);
      const mandated: string[] = [lead];
      while (mandated.length < count + 1) {
        const id = pool[Math.floor(draw() * pool.length)] as string;
        if (!mandated.includes(id)) mandated.push(id);
      }
      // The catalogue lead is plausible (never hopeless, rarely brilliant); the others range widely,
      // so in some categories a street office or a sister bureau is the better lead and in others not.
      competence.set(`${lead}\u0000${key}`, between(0.45, 0.8));
      for (const id of mandated.slice(1)) competence.set(`${id}\u0000${key}`, between(0.25, 0.95));
      for (const id of mandated) mandates.set(id, [...(mandates.get(id) ?? []), key]);
      categories.push({ key, name: `${top.name}/${subName}`, catalogueLead: lead, mandated, weight: between(0.5, 1.5) });
    }
  }

  const directoryJson: DirectoryJson = {
    units: units.map((u) => ({
      id: u.id,
      name: u.name,
      calendarId: 'cn-mainland',
      mandates: mandates.get(u.id) ?? [],
      ...(u.id.startsWith('u.jd.') ? { superiorId: DISTRICTS[Number(u.id.slice(5)) % DISTRICTS.length]?.[0] as string } : {}),
    })),
    people: units.flatMap((u) => [
      { id: u.handler.id, name: `${u.name}经办人` },
      { id: u.head.id, name: `${u.name}分管领导` },
    ]),
    memberships: units.flatMap((u) => [
      { personId: u.handler.id, unitId: u.id, role: 'handler' as const },
      { personId: u.head.id, unitId: u.id, role: 'deputy' as const },
    ]),
  };
  const catalogJson: CatalogJson = {
    id: 'sim-city',
    name: '模拟城市派单目录',
    defaults: { tier: 'general', timeLimits: { conclude: { value: 3, unit: 'workingDays' } } },
    categories: TOPS.map((top) => ({
      id: top.id,
      name: top.name,
      leadDuty: '牵头核查处置, 答复诉求人',
      subcategories: top.subs.map(([id, name, lead]) => ({ id, name, lead })),
    })),
  };
  const directory = createDirectory(directoryJson);
  const catalog = loadCatalog(catalogJson, { directory });

  const competenceOf = (unitId: string, category: string): number => competence.get(`${unitId}\u0000${category}`) ?? 0.1;
  return {
    seed,
    units,
    categories,
    directoryJson,
    catalogJson,
    directory,
    catalog,
    competence: competenceOf,
    bestUnit(category) {
      const entry = categories.find((c) => c.key === category);
      if (entry === undefined) throw new Error(`unknown category ${category}`);
      return [...entry.mandated].sort((a, b) => competenceOf(b, category) - competenceOf(a, category))[0] as string;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The case stream

export interface CaseSpec {
  /** 0-based position in the stream. */
  index: number;
  id: string;
  category: string;
  /** Registration and acceptance instant (ms), inside working hours. */
  arrival: number;
}

export interface StreamOptions {
  seed: number;
  cases: number;
  /** First arrival no earlier than this (default Mon 2 March 2026, 09:00 Beijing). */
  start?: string;
  /** Mean working minutes between arrivals (default 18: about 23 cases a working day). */
  meanGapMinutes?: number;
}

/**
 * The same stream of cases for every policy: categories by weight, arrivals spread over working hours.
 *
 * @example
 * caseStream(city, cnMainland(), { seed: 7, cases: 3 }).map((c) => c.id);
 * //=> ['SIM-00001', 'SIM-00002', 'SIM-00003']
 */
export function caseStream(city: City, calendar: WorkCalendar, options: StreamOptions): CaseSpec[] {
  const next = mulberry32(options.seed ^ 0x5eed);
  const meanGap = options.meanGapMinutes ?? 18;
  const total = city.categories.reduce((sum, c) => sum + c.weight, 0);
  let at = calendar.nextWorkingTime(new Date(options.start ?? '2026-03-02T09:00:00+08:00'));
  const stream: CaseSpec[] = [];
  for (let index = 0; index < options.cases; index++) {
    // Exponential gaps in working minutes: a Poisson stream during office hours, none at night.
    at = calendar.addWorkingMinutes(at, Math.max(1, Math.round(-meanGap * Math.log(1 - uniform(next)))));
    let pick = uniform(next) * total;
    let category = city.categories[city.categories.length - 1] as CityCategory;
    for (const c of city.categories) {
      pick -= c.weight;
      if (pick < 0) {
        category = c;
        break;
      }
    }
    stream.push({ index, id: `SIM-${String(index + 1).padStart(5, '0')}`, category: category.key, arrival: at.getTime() });
  }
  return stream;
}

// ---------------------------------------------------------------------------------------------
// Unit behaviour (the hidden model)

/** A uniform draw in [0, 1) keyed by everything that identifies one decision of one unit. */
function keyedDraw(seed: number, ...parts: Array<string | number>): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ 0x2f, 0x01000193) >>> 0;
  }
  return uniform(mulberry32(h));
}

/** The rules by which a unit of competence `c` behaves. Exported so the docs and the bench quote them. */
export const BEHAVIOUR = {
  /** 退单: a weak unit argues the case is not its job. */
  returnProbability: (c: number): number => 0.55 * (1 - c),
  /** Working minutes from dispatch to sign or return: 20 min to a whole day (a working day has 7 h). */
  reactionMinutes: (c: number, u: number): number => Math.round(20 + u * (1 - c) * 420),
  /** Working days of work before the reply: 1 to 5, before congestion. */
  workDays: (c: number, u: number): number => 0.5 + u * (0.5 + 3.5 * (1 - c)),
  /** Each `capacity` open lead cases the unit already holds add one working day. */
  congestionDays: (open: number, capacity: number): number => Math.floor(open / capacity),
  /** The reviewer sends a weak reply back (退回重办). */
  sendBackProbability: (c: number): number => 0.15 * (1 - c),
  /** The requester is dissatisfied, and the centre orders a redo (重办); halves on each redo. */
  dissatisfiedProbability: (c: number, redos: number): number => (0.3 * (1 - c)) / 2 ** redos,
  /** A unit that foresees being late asks for an extension with this probability. */
  extensionAskProbability: 0.5,
  /** Working days of rework after a send-back or a redo. */
  reworkDays: (c: number, u: number): number => 0.3 + u * (1.5 * (1 - c) + 0.2),
} as const;

const WORKDAY_MINUTES = 420;

// ---------------------------------------------------------------------------------------------
// The simulation

export interface SimulationOptions {
  /** Seed of the unit behaviour (the stream has its own). */
  seed: number;
  /** Recompute the statistics after this many routing decisions, and at the first decision of each day. Default 10. */
  refreshEvery?: number;
  /** Keep the statistics empty forever (a policy with no history at all). Default false. */
  noHistory?: boolean;
  /** Returns after which automatic routing stops (createRouter's `maxAutoReturns`). Default 2. */
  maxAutoReturns?: number;
}

/** One routing decision taken during the run. */
export interface DecisionLog {
  caseId: string;
  /** `automatic`, or `forced` after the anti-ping-pong stop (or any other ROUTING failure). */
  mode: 'automatic' | 'forced';
  leadUnitId: string;
  /** Units that had returned or transferred the case when the decision was taken. */
  triedUnits: string[];
  /** Active lead assignments in the case right after the dispatch (the invariant says 1). */
  leadsAfterDispatch: number;
  /** Set when the router refused: its `details.reason`. */
  routingError?: string;
}

export interface CaseOutcome {
  caseId: string;
  index: number;
  category: string;
  state: string;
  /** Why a case did not conclude, when it did not. */
  explanation?: string;
  returns: number;
  stopHits: number;
  /** 次日起算 working days from acceptance to conclusion. */
  workingDays: number;
  onTime: boolean;
  extensionDays: number;
  redo: number;
  satisfaction: number | null;
  /** Whether the unit that concluded it is the most competent mandated unit for the category. */
  concludedByBest: boolean;
  leadUnitId: string | null;
  /** The unit of the first dispatch, and whether it was the catalogue's lead. */
  firstLeadUnitId: string | null;
  firstToCatalogueLead: boolean;
}

export interface SimulationResult {
  policy: string;
  outcomes: CaseOutcome[];
  decisions: DecisionLog[];
  commands: number;
  statisticsRefreshes: number;
}

interface Live {
  spec: CaseSpec;
  view: CaseView;
  acceptedAt: number;
  attempt: number;
  forced: boolean;
  stopHits: number;
  redos: number;
  sendBacks: number;
  firstLeadUnitId: string | null;
}

type Step = 'arrive' | 'react' | 'approveReturn' | 'reply' | 'review' | 'evaluate';

interface Due {
  t: number;
  seq: number;
  index: number;
  step: Step;
}

/** A binary heap on (t, seq): events in time order, ties in insertion order, so runs are reproducible. */
class Agenda {
  #heap: Due[] = [];
  #seq = 0;
  get size(): number {
    return this.#heap.length;
  }
  push(t: number, index: number, step: Step): void {
    const heap = this.#heap;
    heap.push({ t, seq: this.#seq++, index, step });
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!Agenda.#before(heap[i] as Due, heap[p] as Due)) break;
      [heap[i], heap[p]] = [heap[p] as Due, heap[i] as Due];
      i = p;
    }
  }
  pop(): Due | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && Agenda.#before(heap[l] as Due, heap[m] as Due)) m = l;
      if (r < heap.length && Agenda.#before(heap[r] as Due, heap[m] as Due)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m] as Due, heap[i] as Due];
      i = m;
    }
    return top;
  }
  static #before(a: Due, b: Due): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
}

const centre = (id: string, roles: Actor['roles']): Actor => ({ id, roles, unitIds: [], tenantId: TENANT });
const INTAKE = centre('sim.intake', ['intake']);
const DISPATCHER = centre('sim.dispatcher', ['dispatcher']);
const CHIEF = centre('sim.chief', ['dutyChief']);
const REVIEWER = centre('sim.reviewer', ['reviewer']);
const REVISIT = centre('sim.revisit', ['revisitAgent']);

const SATISFACTION: Record<Exclude<EvaluationResult, 'unreachable'>, number> = {
  verySatisfied: 100, satisfied: 90, basicallySatisfied: 75, dissatisfied: 40, veryDissatisfied: 0,
};

/**
 * Runs one policy over one stream in one fresh engine. Deterministic: the same city, stream, policy and
 * options give the same result.
 *
 * @example
 * const result = await simulate(city, stream, createRouter(fallback(byCatalog(city.catalog), leastLoaded())), { seed: 1 });
 * result.outcomes.filter((o) => o.state === 'concluded').length; //=> stream.length
 */
export async function simulate(city: City, stream: readonly CaseSpec[], policy: RoutingPolicy, options: SimulationOptions): Promise<SimulationResult> {
  const calendar = cnMainland();
  const first = stream[0];
  if (first === undefined) return { policy: policy.name, outcomes: [], decisions: [], commands: 0, statisticsRefreshes: 0 };
  const clock = new SimulatedClock(new Date(first.arrival));
  let nextId = '';
  const engine: Engine = createEngine({ store: memoryStore(), clock, ids: { caseId: () => nextId } });
  const units = new Map(city.units.map((u) => [u.id, u]));

  // Statistics come from the engine's own cases only. A case's records are recomputed (engine.get →
  // assignmentRecordsOf) when the simulation has touched it since the last refresh; the others have not
  // changed, so their cached records are exactly what a full recomputation would give.
  const records = new Map<string, AssignmentRecord[]>();
  const dirty = new Set<string>();
  const onTimeOf = new Map<string, boolean>();
  let statistics: StatisticsSource = createStatisticsSource([]);
  let statisticsDay = '';
  let decisionsSinceRefresh = Number.POSITIVE_INFINITY;
  let refreshes = 0;
  const refreshEvery = options.refreshEvery ?? 10;
  const beijingDay = (t: number): string => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

  async function refreshStatistics(): Promise<void> {
    if (options.noHistory === true) return;
    const today = beijingDay(clock.now().getTime());
    if (today === statisticsDay && decisionsSinceRefresh < refreshEvery) return;
    for (const caseId of dirty) {
      const view = await engine.get(caseId, { actor: CHIEF });
      const onTime = onTimeOf.get(caseId);
      records.set(caseId, assignmentRecordsOf(caseId, view, { calendar, ...(onTime === undefined ? {} : { onTime }) }));
    }
    dirty.clear();
    statistics = statisticsFromRecords([...records.values()].flat());
    statisticsDay = today;
    decisionsSinceRefresh = 0;
    refreshes++;
  }

  const routing: DispatchRouting = createDispatchRouting({
    policy,
    directory: () => city.directory,
    statistics: () => statistics,
    maxAutoReturns: options.maxAutoReturns ?? 2,
  });

  const live: Live[] = [];
  const outcomes: CaseOutcome[] = [];
  const decisions: DecisionLog[] = [];
  const agenda = new Agenda();
  let commands = 0;
  /** Open lead cases per unit, the hidden congestion the units feel (not what routing sees). */
  const openLead = new Map<string, number>();

  for (const spec of stream) agenda.push(spec.arrival, spec.index, 'arrive');

  async function run(c: Live, command: Parameters<Engine['execute']>[1], actor: Actor): Promise<CaseView> {
    const { case: view } = await engine.execute(c.view.id, command, { actor });
    commands++;
    c.view = view;
    dirty.add(view.id);
    return view;
  }

  const later = (minutes: number): number => calendar.addWorkingMinutes(clock.now(), Math.max(1, Math.round(minutes))).getTime();
  const leadOf = (c: Live): string => {
    if (c.view.leadUnitId === null) throw new Error(`${c.view.id}: no lead unit in ${c.view.state}`);
    return c.view.leadUnitId;
  };
  const draw = (c: Live, unitId: string, step: string): number => keyedDraw(options.seed, c.spec.index, unitId, c.attempt, c.redos, c.sendBacks, step);
  const shift = (unitId: string, delta: number): void => {
    openLead.set(unitId, (openLead.get(unitId) ?? 0) + delta);
  };

  async function route(c: Live): Promise<void> {
    await refreshStatistics();
    const now = clock.now();
    const request = routingRequestFor(c.view.id, TENANT, c.view);
    let resolved: ResolvedDispatch;
    let mode: DecisionLog['mode'] = 'automatic';
    let routingError: string | undefined;
    try {
      resolved = await routing.decide(request, now);
    } catch (error) {
      if (!isJiaobanError(error, 'ROUTING')) throw error;
      // The anti-ping-pong stop (or no admissible unit at all): the duty chief force-dispatches (强派)
      // under first-receiver responsibility (首接负责制) and the case is put under supervision.
      routingError = error.details.reason;
      if (routingError === 'manualDispatchRequired') c.stopHits++;
      const target = ('firstReceiverUnitId' in error.details ? error.details.firstReceiverUnitId : undefined) ?? request.triedUnits[0]?.unitId;
      if (target === undefined) throw error;
      resolved = await routing.check(request, { lead: { unitId: target, duty: '强派: 首接负责, 牵头办理并答复' }, cooperating: [] }, CHIEF.id, now);
      mode = 'forced';
      c.forced = true;
    }
    decisionsSinceRefresh++;
    const view = await run(c, { type: 'dispatch', lead: resolved.lead, cooperating: resolved.cooperating }, mode === 'forced' ? CHIEF : DISPATCHER);
    if (mode === 'forced' && view.supervision.level === 'none') await run(c, { type: 'raiseSupervision', level: 'normal', note: '反复退单, 强派后督办' }, centre('sim.supervisor', ['supervisor']));
    const leads = c.view.assignments.filter((a) => a.role === 'lead' && a.state !== 'withdrawn' && a.state !== 'replaced').length;
    decisions.push({
      caseId: c.view.id,
      mode,
      leadUnitId: resolved.lead.unitId,
      triedUnits: request.triedUnits.map((t) => t.unitId),
      leadsAfterDispatch: leads,
      ...(routingError === undefined ? {} : { routingError }),
    });
    c.firstLeadUnitId ??= resolved.lead.unitId;
    shift(resolved.lead.unitId, 1);
    const unitId = leadOf(c);
    agenda.push(later(BEHAVIOUR.reactionMinutes(city.competence(unitId, c.spec.category), draw(c, unitId, 'react'))), c.spec.index, 'react');
  }

  async function step(due: Due): Promise<void> {
    if (due.step === 'arrive') {
      const spec = stream[due.index] as CaseSpec;
      nextId = spec.id;
      const acceptedAt = clock.now();
      const { case: registered } = await engine.register(
        {
          tier: 'general',
          title: `${city.categories.find((k) => k.key === spec.category)?.name ?? spec.category} 诉求`,
          description: `模拟案件 ${spec.index + 1}`,
          category: spec.category,
          requester: { name: '模拟市民' },
          channel: 'hotline',
          // The engine's extension guard reads dueAt until the SLA module owns deadlines.
          dueAt: calendar.addWorkingDays(acceptedAt, 3).toISOString(),
        },
        { actor: INTAKE },
      );
      commands++;
      const c: Live = { spec, view: registered, acceptedAt: acceptedAt.getTime(), attempt: 0, forced: false, stopHits: 0, redos: 0, sendBacks: 0, firstLeadUnitId: null };
      live[spec.index] = c;
      await run(c, { type: 'accept' }, INTAKE);
      await route(c);
      return;
    }
    const c = live[due.index] as Live;
    const unitId = leadOf(c);
    const unit = units.get(unitId);
    if (unit === undefined) throw new Error(`unknown unit ${unitId}`);
    const competence = city.competence(unitId, c.spec.category);

    switch (due.step) {
      case 'react': {
        if (!c.forced && draw(c, unitId, 'return') < BEHAVIOUR.returnProbability(competence)) {
          await run(c, { type: 'requestReturn', reason: 'mandate', explanation: '不属本单位职能' }, unit.handler);
          agenda.push(later(30 + 90 * draw(c, unitId, 'approveReturnDelay')), c.spec.index, 'approveReturn');
          return;
        }
        await run(c, { type: 'sign', unitId, ownerId: unit.handler.id }, unit.handler);
        const days = BEHAVIOUR.workDays(competence, draw(c, unitId, 'work')) + BEHAVIOUR.congestionDays((openLead.get(unitId) ?? 1) - 1, unit.capacity);
        const replyAt = later(days * WORKDAY_MINUTES);
        const deadline = calendar.addWorkingDays(new Date(c.acceptedAt), 3 + c.view.extension.grantedDays).getTime();
        if (replyAt > deadline && draw(c, unitId, 'askExtension') < BEHAVIOUR.extensionAskProbability) {
          const needed = Math.max(1, calendar.workingDaysBetween(new Date(deadline), new Date(replyAt)) + 1);
          const ask = { type: 'requestExtension', reason: '现场情况复杂, 需协调处置', workingDays: needed } as const;
          if ((await engine.can(c.view.id, ask, { actor: unit.handler })).allowed) {
            await run(c, ask, unit.handler);
            await run(c, { type: 'approveExtension' }, CHIEF);
          }
        }
        agenda.push(replyAt, c.spec.index, 'reply');
        return;
      }
      case 'approveReturn': {
        await run(c, { type: 'approveReturn', note: '同意退单, 重新派单' }, CHIEF);
        shift(unitId, -1);
        c.attempt++;
        await route(c);
        return;
      }
      case 'reply': {
        await run(c, { type: 'reply', summary: '已核查处置', resolved: true, signOff: { leaderId: unit.head.id, level: 'deputy' } }, unit.handler);
        agenda.push(later(30 + 90 * draw(c, unitId, 'reviewDelay')), c.spec.index, 'review');
        return;
      }
      case 'review': {
        if (c.sendBacks === 0 && draw(c, unitId, 'sendBack') < BEHAVIOUR.sendBackProbability(competence)) {
          await run(c, { type: 'sendBack', reason: '答复未附处置凭证' }, REVIEWER);
          c.sendBacks++;
          agenda.push(later(BEHAVIOUR.reworkDays(competence, draw(c, unitId, 'rework')) * WORKDAY_MINUTES), c.spec.index, 'reply');
          return;
        }
        await run(c, { type: 'approveReply' }, REVIEWER);
        agenda.push(later(60 + 180 * draw(c, unitId, 'revisitDelay')), c.spec.index, 'evaluate');
        return;
      }
      case 'evaluate': {
        const u = draw(c, unitId, 'evaluation');
        if (c.redos < 2 && u < BEHAVIOUR.dissatisfiedProbability(competence, c.redos)) {
          await run(c, { type: 'evaluate', result: u < 0.3 * BEHAVIOUR.dissatisfiedProbability(competence, c.redos) ? 'veryDissatisfied' : 'dissatisfied' }, REVISIT);
          await run(c, { type: 'redo', reason: '诉求人不满意, 问题仍存在' }, CHIEF);
          c.redos++;
          agenda.push(later(BEHAVIOUR.reworkDays(competence, draw(c, unitId, 'redoWork')) * WORKDAY_MINUTES), c.spec.index, 'reply');
          return;
        }
        const grade = draw(c, unitId, 'grade');
        const result: EvaluationResult = grade < competence * 0.7 ? 'verySatisfied' : grade < 0.85 ? 'satisfied' : 'basicallySatisfied';
        await run(c, { type: 'evaluate', result }, REVISIT);
        const view = await run(c, { type: 'conclude' }, REVISIT);
        shift(unitId, -1);
        await conclude(c, view, result);
        return;
      }
      default:
        throw new Error(`unknown step ${String(due.step)}`);
    }
  }

  function firstDispatch(c: Live): Pick<CaseOutcome, 'firstLeadUnitId' | 'firstToCatalogueLead'> {
    const lead = city.categories.find((k) => k.key === c.spec.category)?.catalogueLead;
    return { firstLeadUnitId: c.firstLeadUnitId, firstToCatalogueLead: c.firstLeadUnitId === lead };
  }

  async function conclude(c: Live, view: CaseView, result: Exclude<EvaluationResult, 'unreachable'>): Promise<void> {
    const closedAt = view.closure?.at;
    if (closedAt === undefined) throw new Error(`${view.id} has no closure`);
    // Acceptance time from the engine's own history, not from the simulation's bookkeeping.
    const accepted = (await engine.history(view.id, { actor: CHIEF })).find((e) => e.name === 'case:accepted')?.at;
    if (accepted === undefined) throw new Error(`${view.id} was never accepted`);
    // 次日起算: the deadline is the close of the 3rd working day after the day of acceptance, plus any
    // extension the centre granted.
    const deadline = calendar.addWorkingDays(accepted, 3 + view.extension.grantedDays);
    const onTime = Date.parse(closedAt) <= deadline.getTime();
    onTimeOf.set(view.id, onTime);
    outcomes[c.spec.index] = {
      caseId: view.id,
      index: c.spec.index,
      category: c.spec.category,
      state: view.state,
      returns: view.counters.return,
      stopHits: c.stopHits,
      workingDays: calendar.workingDaysBetween(accepted, closedAt),
      onTime,
      extensionDays: view.extension.grantedDays,
      redo: view.counters.redo,
      satisfaction: SATISFACTION[result],
      concludedByBest: view.leadUnitId === city.bestUnit(c.spec.category),
      leadUnitId: view.leadUnitId,
      ...firstDispatch(c),
    };
  }

  for (let due = agenda.pop(); due !== undefined; due = agenda.pop()) {
    clock.set(new Date(due.t));
    await step(due);
  }

  // Every case either concluded above or is explained here.
  for (const c of live) {
    if (outcomes[c.spec.index] !== undefined) continue;
    outcomes[c.spec.index] = {
      caseId: c.view.id, index: c.spec.index, category: c.spec.category, state: c.view.state,
      explanation: `simulation ended in ${c.view.state}`, returns: c.view.counters.return, stopHits: c.stopHits,
      workingDays: Number.NaN, onTime: false, extensionDays: c.view.extension.grantedDays, redo: c.view.counters.redo,
      satisfaction: null, concludedByBest: false, leadUnitId: c.view.leadUnitId, ...firstDispatch(c),
    };
  }
  return { policy: policy.name, outcomes, decisions, commands, statisticsRefreshes: refreshes };
}

// ---------------------------------------------------------------------------------------------
// Summaries

export interface QualitySummary {
  cases: number;
  concluded: number;
  returnsPerCase: number;
  stopHits: number;
  avgWorkingDays: number;
  onTimeShare: number;
  extendedShare: number;
  redoShare: number;
  avgSatisfaction: number;
  byBestShare: number;
  firstToCatalogueShare: number;
}

/**
 * Aggregates outcomes (concluded cases only for the time, on-time, redo and satisfaction figures).
 *
 * @example
 * summarize(result.outcomes).concluded; //=> result.outcomes.length when every case concluded
 */
export function summarize(outcomes: readonly CaseOutcome[]): QualitySummary {
  const done = outcomes.filter((o) => o.state === 'concluded');
  const mean = (values: number[]): number => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);
  return {
    cases: outcomes.length,
    concluded: done.length,
    returnsPerCase: mean(outcomes.map((o) => o.returns)),
    stopHits: outcomes.reduce((sum, o) => sum + o.stopHits, 0),
    avgWorkingDays: mean(done.map((o) => o.workingDays)),
    onTimeShare: mean(done.map((o) => (o.onTime ? 1 : 0))),
    extendedShare: mean(done.map((o) => (o.extensionDays > 0 ? 1 : 0))),
    redoShare: mean(done.map((o) => (o.redo > 0 ? 1 : 0))),
    avgSatisfaction: mean(done.map((o) => o.satisfaction ?? Number.NaN).filter((s) => !Number.isNaN(s))),
    byBestShare: mean(done.map((o) => (o.concludedByBest ? 1 : 0))),
    firstToCatalogueShare: mean(outcomes.map((o) => (o.firstToCatalogueLead ? 1 : 0))),
  };
}
