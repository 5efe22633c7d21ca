/**
 * The SLA scenario runner: a scenario is plain data (JSON-compatible) — a start instant, a calendar,
 * cases with timed commands, late holiday notices, expectations at instants — and `runScenario`
 * plays it on a `SimulatedClock`, driving `engine.tick` at every instant a timer falls due, so each
 * warning and escalation fires at its own minute. It returns the timeline and a verdict per
 * expectation, so a test asserts SLA behaviour in a few lines.
 */
import { cnMainland } from '../calendar/cn-mainland.js';
import type { OfficialNoticeInput } from '../calendar/options.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import { createEngine, type Engine, type EngineOptions } from '../engine/create-engine.js';
import type { CaseView } from '../engine/case-view.js';
import type { CommandInput, RegisterInput } from '../engine/commands.js';
import type { EngineEvent } from '../engine/events.js';
import type { Actor, Role } from '../engine/permissions.js';
import { JiaobanError } from '../errors.js';
import type { Level } from '../sla/policy.js';
import { memoryStore } from '../store/memory-store.js';
import { SimulatedClock } from './simulated-clock.js';

/**
 * An instant: absolute ISO 8601 with an offset, or relative to the item's anchor (see each field):
 * `+30m`, `+2h`, `+3d` natural; `+90wm`, `+2wh`, `+1wd` working time on the scenario's calendar
 * (`wd` is 次日起算: the close of the n-th working day after the anchor's date). Several parts add up
 * left to right: `+1wd+30m`.
 */
export type ScenarioInstant = string;

/**
 * Who acts. A name from `scenario.actors`, a built-in centre desk (`intake`, `dispatcher`,
 * `dutyChief`, `reviewer`, `supervisor`, `revisit`, `admin`, `requester`), or `unit:<unitId>` (the
 * unit's liaison, handler and leader in one person, also its cooperating desk).
 */
export type ScenarioActor = string;

/** One timed command of a case. `at` is relative to the previous step (or the registration). */
export interface ScenarioStep {
  at: ScenarioInstant;
  by: ScenarioActor;
  command: CommandInput | { type: 'recordFollowUp'; clock: 'followUp30' | 'followUp90'; outcome: 'resolved' | 'rebounded'; note?: string };
  /** The step is expected to be refused with this error code (the run goes on). */
  rejects?: string;
}

/** A case of the scenario. Its id is the engine's case id. `at` is relative to the scenario start. */
export interface ScenarioCase {
  id: string;
  at: ScenarioInstant;
  by?: ScenarioActor;
  register: RegisterInput;
  steps?: ScenarioStep[];
}

/**
 * What must hold at an instant (relative to the scenario start). Give `case` and any of: `clock`
 * (name such as `conclusion`, or key such as `a1.sign`) with `level` and/or `deadline` (ISO or
 * `null`); `event` (`sla:breached`…, optionally narrowed by `clock` and `step`) with `fired`
 * (default true: fired at or before the instant); `supervision`; `state`; `caseLevel`.
 */
export interface ScenarioExpectation {
  at: ScenarioInstant;
  case: string;
  clock?: string;
  level?: Level;
  deadline?: string | null;
  event?: string;
  step?: string;
  fired?: boolean;
  supervision?: 'none' | 'normal' | 'yellow' | 'red';
  state?: string;
  caseLevel?: Level;
  /** Free text shown in the result. */
  note?: string;
}

/** A holiday notice published during the run (a late notice), relative to the scenario start. */
export interface ScenarioNotice {
  at: ScenarioInstant;
  notice: OfficialNoticeInput;
}

/**
 * A scenario: data only.
 *
 * @example
 * const scenario: Scenario = {
 *   start: '2026-02-13T08:10:00Z',
 *   cases: [{ id: 'c1', at: '+0m', register: { tier: 'general', title: '路灯', description: '不亮', category: 'lighting', requester: { name: '张三' }, channel: 'hotline' } }],
 *   expect: [{ at: '+0m', case: 'c1', clock: 'acceptance', deadline: '2026-02-14T03:40:00.000Z' }],
 * };
 */
export interface Scenario {
  name?: string;
  start: string;
  /** `cnMainland` (default), `cnMainlandWeekdays` (weekdays beyond the covered years). Ignored when engine options give a working calendar. */
  calendar?: 'cnMainland' | 'cnMainlandWeekdays';
  tenantId?: string;
  actors?: Record<string, { roles: Role[]; unitIds?: string[]; id?: string }>;
  cases: ScenarioCase[];
  notices?: ScenarioNotice[];
  expect?: ScenarioExpectation[];
  /** Run on to this instant (relative to the start) after the last item. */
  until?: ScenarioInstant;
}

/** One line of the timeline: an engine event, a step's outcome, or a notice. */
export interface TimelineEntry {
  at: string;
  kind: 'event' | 'rejected' | 'notice';
  caseId: string | null;
  name: string;
  detail?: string;
}

/** The verdict on one expectation. */
export interface ExpectationResult {
  expectation: ScenarioExpectation;
  at: string;
  pass: boolean;
  actual: unknown;
  message: string;
}

/**
 * The outcome of a run.
 *
 * @example
 * const { passed, results } = await runScenario(scenario);
 * results.filter((r) => !r.pass).map((r) => r.message);
 * //=> []
 */
export interface ScenarioResult {
  passed: boolean;
  results: ExpectationResult[];
  timeline: TimelineEntry[];
  events: EngineEvent[];
  engine: Engine;
  clock: SimulatedClock;
}

const DESKS: Record<string, Role[]> = {
  intake: ['intake'], dispatcher: ['dispatcher'], dutyChief: ['dutyChief'], reviewer: ['reviewer'], supervisor: ['supervisor'],
  revisit: ['revisitAgent'], admin: ['admin'], requester: ['requester'],
};

const invalid = (path: string, message: string) => new JiaobanError('VALIDATION', `Invalid scenario ${path}: ${message}`, { issues: [{ path: [path], message }] });

/**
 * Resolves a scenario instant against an anchor.
 *
 * @example
 * resolveInstant('+2wh', new Date('2026-02-13T08:10:00Z'), cnMainland()).toISOString();
 * //=> '2026-02-14T02:10:00.000Z' (Fri 16:10 + 80 min, then Sat 14 Feb, a make-up day, 09:00 + 40 min)
 */
export function resolveInstant(instant: ScenarioInstant, anchor: Date, calendar: WorkCalendar, path = 'at'): Date {
  if (!instant.startsWith('+')) {
    const t = Date.parse(instant);
    if (Number.isNaN(t) || !/(?:Z|[+-]\d{2}:?\d{2})$/i.test(instant)) throw invalid(path, `'${instant}' is neither an ISO instant with an offset nor a relative '+…'`);
    return new Date(t);
  }
  const parts = instant.match(/\+\d+(?:wm|wh|wd|m|h|d)/g);
  if (parts === null || parts.join('') !== instant) throw invalid(path, `'${instant}': expected parts such as +30m, +2h, +3d, +90wm, +2wh, +1wd`);
  let t = anchor;
  for (const part of parts) {
    const [, n, unit] = /\+(\d+)(\w+)/.exec(part) as unknown as [string, string, string];
    const v = Number(n);
    if (unit === 'm') t = new Date(t.getTime() + v * 60_000);
    else if (unit === 'h') t = new Date(t.getTime() + v * 3_600_000);
    else if (unit === 'd') t = new Date(t.getTime() + v * 86_400_000);
    else if (unit === 'wm') t = calendar.addWorkingMinutes(t, v);
    else if (unit === 'wh') t = calendar.addWorkingMinutes(t, v * 60);
    else if (v > 0) t = calendar.addWorkingDays(t, v);
  }
  return t;
}

type Action =
  | { kind: 'register'; at: Date; order: number; c: ScenarioCase }
  | { kind: 'step'; at: Date; order: number; caseId: string; step: ScenarioStep }
  | { kind: 'notice'; at: Date; order: number; notice: ScenarioNotice }
  | { kind: 'expect'; at: Date; order: number; expectation: ScenarioExpectation };

/**
 * Plays a scenario and judges its expectations. Between two scripted instants the clock stops at
 * every timer that falls due and runs `engine.tick`, so warnings and escalations happen (and carry
 * the instant) they would in production. Expectations at an instant are judged after the actions at
 * that instant. Engine options are passed through (policy, calendars, permissions); the clock, the
 * store (unless given) and case ids are the runner's.
 *
 * @example
 * const { passed, timeline } = await runScenario(scenario, { calendars: { working: cnMainland({ outOfRange: 'weekdays' }) } });
 * passed;
 * //=> true
 */
export async function runScenario(scenario: Scenario, engineOptions: EngineOptions = {}): Promise<ScenarioResult> {
  const calendar =
    engineOptions.calendars?.working ?? (scenario.calendar === 'cnMainlandWeekdays' ? cnMainland({ outOfRange: 'weekdays' }) : cnMainland());
  const start = resolveInstant(scenario.start, new Date(0), calendar, 'start');
  const clock = new SimulatedClock(start);
  const tenantId = scenario.tenantId ?? 'scenario';
  let nextId: string | null = null;
  let generated = 0;
  const engine = createEngine({
    store: engineOptions.store ?? memoryStore(),
    ...engineOptions,
    clock,
    calendars: { ...engineOptions.calendars, working: calendar },
    ids: { caseId: () => nextId ?? `${tenantId}-rebound-${++generated}` },
  });
  const actorFor = (name: ScenarioActor): Actor => {
    const custom = scenario.actors?.[name];
    if (custom !== undefined) return { id: custom.id ?? name, roles: custom.roles, unitIds: custom.unitIds ?? [], tenantId };
    const desk = DESKS[name];
    if (desk !== undefined) return { id: name === 'requester' ? 'requester' : `p-${name}`, roles: desk, unitIds: [], tenantId };
    if (name.startsWith('unit:')) {
      const unitId = name.slice(5);
      return { id: `p@${unitId}`, roles: ['liaison', 'handler', 'unitLeader', 'cooperatingUnit'], unitIds: [unitId], tenantId };
    }
    throw invalid('by', `unknown actor '${name}'`);
  };
  const admin: Actor = { id: 'p-scenario-observer', roles: ['dutyChief', 'admin'], unitIds: [], tenantId };

  const actions: Action[] = [];
  let order = 0;
  for (const c of scenario.cases) {
    const at = resolveInstant(c.at, start, calendar, `cases.${c.id}.at`);
    actions.push({ kind: 'register', at, order: order++, c });
    let anchor = at;
    for (const step of c.steps ?? []) {
      anchor = resolveInstant(step.at, anchor, calendar, `cases.${c.id}.steps.at`);
      actions.push({ kind: 'step', at: anchor, order: order++, caseId: c.id, step });
    }
  }
  for (const notice of scenario.notices ?? []) actions.push({ kind: 'notice', at: resolveInstant(notice.at, start, calendar, 'notices.at'), order: order++, notice });
  // Expectations after every action at the same instant.
  for (const e of scenario.expect ?? []) actions.push({ kind: 'expect', at: resolveInstant(e.at, start, calendar, 'expect.at'), order: 1e9 + order++, expectation: e });
  actions.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  const until = scenario.until === undefined ? null : resolveInstant(scenario.until, start, calendar, 'until');

  const timeline: TimelineEntry[] = [];
  const events: EngineEvent[] = [];
  const results: ExpectationResult[] = [];
  const known = new Set<string>();
  const record = (list: readonly EngineEvent[]) => {
    for (const e of list) {
      events.push(e);
      known.add(e.caseId);
      const d = e.data as { clockKey?: string; stepId?: string };
      timeline.push({ at: e.at, kind: 'event', caseId: e.caseId, name: e.name, ...(d.clockKey === undefined ? {} : { detail: d.stepId === undefined ? d.clockKey : `${d.clockKey}/${d.stepId}` }) });
    }
  };

  /** Ticks at every timer instant up to `t` (inclusive), in order. */
  const runTo = async (t: Date) => {
    for (let guard = 0; guard < 100_000; guard++) {
      let next: number | null = null;
      for (const caseId of known) {
        for (const timer of await engine.store.timers(tenantId, caseId)) {
          const due = Date.parse(timer.dueAt);
          if (next === null || due < next) next = due;
        }
      }
      if (next === null || next > t.getTime()) break;
      if (next > clock.now().getTime()) clock.set(new Date(next));
      record((await engine.tick({ tenantId, now: clock.now() })).events);
    }
    if (t.getTime() > clock.now().getTime()) clock.set(t);
  };

  for (const action of actions) {
    await runTo(action.at);
    if (action.kind === 'register') {
      nextId = action.c.id;
      try {
        record((await engine.register(action.c.register, { actor: actorFor(action.c.by ?? 'intake') })).events);
      } finally {
        nextId = null;
      }
    } else if (action.kind === 'step') {
      const { step } = action;
      const actor = actorFor(step.by);
      try {
        const command = step.command;
        const r = command.type === 'recordFollowUp'
          ? await engine.recordFollowUp(action.caseId, { clock: command.clock, outcome: command.outcome, ...(command.note === undefined ? {} : { note: command.note }) }, { actor })
          : await engine.execute(action.caseId, command as CommandInput, { actor });
        record(r.events);
        const rebound = (r as { rebound?: CaseView | null }).rebound;
        if (rebound !== undefined && rebound !== null) known.add(rebound.id);
        if (step.rejects !== undefined) timeline.push({ at: clock.now().toISOString(), kind: 'rejected', caseId: action.caseId, name: command.type, detail: `expected ${step.rejects}, was accepted` });
      } catch (error) {
        if (!(error instanceof JiaobanError)) throw error;
        timeline.push({ at: clock.now().toISOString(), kind: 'rejected', caseId: action.caseId, name: step.command.type, detail: error.code });
        if (step.rejects !== error.code) throw error;
      }
    } else if (action.kind === 'notice') {
      calendar.addNotice(action.notice.notice);
      timeline.push({ at: clock.now().toISOString(), kind: 'notice', caseId: null, name: 'calendar:notice', detail: String(action.notice.notice.year) });
      // A notice can move deadlines earlier: re-evaluate the open cases now, not at their old timers.
      record((await engine.recompute({ tenantId, now: clock.now() })).events);
    } else {
      results.push(await judge(action.expectation, clock.now(), engine, admin, events));
    }
  }
  if (until !== null) await runTo(until);
  return { passed: results.every((r) => r.pass), results, timeline, events, engine, clock };
}

async function judge(e: ScenarioExpectation, now: Date, engine: Engine, actor: Actor, events: readonly EngineEvent[]): Promise<ExpectationResult> {
  const at = now.toISOString();
  const fail = (actual: unknown, message: string): ExpectationResult => ({ expectation: e, at, pass: false, actual, message });
  const pass = (actual: unknown): ExpectationResult => ({ expectation: e, at, pass: true, actual, message: 'ok' });
  let view: CaseView;
  try {
    view = await engine.get(e.case, { actor });
  } catch {
    return fail(null, `case ${e.case} does not exist at ${at}`);
  }
  const checks: Array<[boolean, unknown, string]> = [];
  if (e.event !== undefined) {
    const hits = events.filter((x) => {
      if (x.caseId !== e.case || x.name !== e.event) return false;
      const d = x.data as { clockKey?: string; name?: string; stepId?: string };
      if (e.clock !== undefined && d.clockKey !== e.clock && d.name !== e.clock) return false;
      if (e.step !== undefined && d.stepId !== e.step) return false;
      return Date.parse(x.at) <= now.getTime();
    });
    const want = e.fired ?? true;
    checks.push([hits.length > 0 === want, hits.map((h) => h.at), `${e.event}${e.clock === undefined ? '' : ` on ${e.clock}`}${e.step === undefined ? '' : ` step ${e.step}`} ${want ? 'fired' : 'not fired'} by ${at}`]);
  } else if (e.clock !== undefined) {
    const c = view.sla.clocks.find((x) => x.key === e.clock) ?? view.sla.clocks.find((x) => x.name === e.clock);
    if (c === undefined) return fail(view.sla.clocks.map((x) => x.key), `no clock ${e.clock} on ${e.case}`);
    if (e.level !== undefined) checks.push([c.level === e.level, c.level, `${e.clock} level ${e.level}`]);
    if (e.deadline !== undefined) checks.push([c.deadline === (e.deadline === null ? null : new Date(e.deadline).toISOString()), c.deadline, `${e.clock} deadline ${e.deadline}`]);
  }
  if (e.supervision !== undefined) checks.push([view.supervision.level === e.supervision, view.supervision.level, `supervision ${e.supervision}`]);
  if (e.state !== undefined) checks.push([view.state === e.state, view.state, `state ${e.state}`]);
  if (e.caseLevel !== undefined) checks.push([view.sla.level === e.caseLevel, view.sla.level, `case level ${e.caseLevel}`]);
  const failed = checks.filter(([ok]) => !ok);
  if (failed.length === 0) return pass(checks.map(([, a]) => a));
  return fail(failed.map(([, a]) => a), failed.map(([, a, m]) => `expected ${m}, got ${JSON.stringify(a)}`).join('; '));
}
