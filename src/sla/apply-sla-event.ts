/**
 * The reducer the engine calls in step 5 of a command ("SLA clocks react to the transition"): the
 * case's clocks plus one event in, the new clocks and what changed out. Pure and deterministic:
 * the engine stores `SlaClocks` (plain JSON) in the case row and turns `evaluateClocks`' timers into
 * timer rows in the same commit.
 */
import type { WorkCalendar } from '../calendar/work-calendar.js';
import {
  cancelClock, createClock, extendClock, isStale, pauseClock, recomputeClock, resetClock, resumeClock, retargetClock,
  startClock, stopClock, type ClockState,
} from './clock-state.js';
import { definitionsReactingTo, resolveClockDefinitions, type ClockDefinition, type EventMatcher, type SlaPolicy, type SlaRole } from './policy.js';
import { invalid, iso, toMs } from './_time.js';

/** The SLA part of a case: its clocks by key and the log of events they reacted to. Plain JSON. */
export interface SlaClocks {
  readonly version: 1;
  /** The tier the clocks were computed for; a different `tier` in the context is a tier change. */
  readonly tier: string;
  readonly clocks: Readonly<Record<string, ClockState>>;
  /** Every event applied, in order: a tier change replays the new tier's clocks from it. */
  readonly log: readonly SlaLogEntry[];
}

/** An event as the log keeps it. */
export interface SlaLogEntry {
  readonly type: string;
  readonly at: string;
  readonly assignmentId?: string;
  readonly role?: SlaRole;
  readonly unitId?: string;
  readonly workingDays?: number;
  readonly clock?: string;
}

/**
 * What happened to a case, in SLA terms: the command type (or `register`, `changeTier`,
 * `recordFollowUp`, `withdrawAssignment`), when, and which assignment it concerns. A command that
 * touches several assignments (a dispatch to a lead and two cooperating units) is one event per
 * assignment; a case-wide event (`approveSuspension`, `cancel`) has no `assignmentId` and reaches
 * every assignment clock that listens to it.
 */
export interface SlaEvent {
  type: string;
  at: Date | string;
  assignmentId?: string;
  role?: SlaRole;
  /** The unit of the assignment: its calendar is `calendars.forUnit(unitId)`. */
  unitId?: string;
  /** `approveExtension`: the working days granted. */
  workingDays?: number;
  /** Only the clock of this name reacts (e.g. which 回头看 a `recordFollowUp` records). */
  clock?: string;
}

/** The calendars clocks run on. */
export interface SlaCalendars {
  /** The tier's default working calendar (case clocks; assignment clocks of units without their own). */
  working: WorkCalendar;
  /** A unit's layered calendar, when the host has one. */
  forUnit?: (unitId: string) => WorkCalendar | undefined;
}

export interface SlaContext {
  policy: SlaPolicy;
  calendars: SlaCalendars;
  /** The case's tier now. When it differs from `clocks.tier`, the clocks are re-tiered first. */
  tier: string;
}

export type ClockChangeType =
  | 'started' | 'scheduled' | 'opened' | 'paused' | 'resumed' | 'stopped' | 'cancelled' | 'reset' | 'extended' | 'retargeted' | 'recomputed';

/** One change to one clock. `deadline` is the clock's deadline after the change. */
export interface ClockChange {
  type: ClockChangeType;
  clockKey: string;
  name: string;
  assignmentId: string | null;
  at: string;
  deadline: string | null;
}

export interface ApplySlaEventResult {
  clocks: SlaClocks;
  changes: ClockChange[];
}

/**
 * No clocks yet, for a case of `tier`.
 *
 * @example
 * emptySlaClocks('general'); //=> { version: 1, tier: 'general', clocks: {}, log: [] }
 */
export function emptySlaClocks(tier: string): SlaClocks {
  return { version: 1, tier, clocks: {}, log: [] };
}

/**
 * The working calendar a clock runs on (a natural clock still uses it for held reminders): the
 * unit's own for an assignment clock when the host has one, the tier default otherwise.
 *
 * @example
 * calendarFor(clocks.clocks['a1.sign']!, { working: cn, forUnit: () => waterWorks }).id; //=> 'unit.water'
 */
export function calendarFor(clock: Pick<ClockState, 'scope' | 'unitId'>, calendars: SlaCalendars): WorkCalendar {
  if (clock.scope === 'assignment' && clock.unitId !== null) return calendars.forUnit?.(clock.unitId) ?? calendars.working;
  return calendars.working;
}

function matches(list: readonly EventMatcher[], ev: SlaLogEntry, role: SlaRole | null): boolean {
  const evRole = ev.role ?? role;
  return list.some((m) => (typeof m === 'string' ? m === ev.type : m.type === ev.type && m.role === evRole));
}

type Reaction = [ClockState | undefined, ClockChangeType | null];

/** How one clock reacts to one event. The first applicable rule wins: cancel, stop, reset, pause, resume, extend. */
function react(def: ClockDefinition, clock: ClockState | undefined, ev: SlaLogEntry, ctx: SlaContext, creation: Parameters<typeof createClock>[1]): Reaction {
  if (ev.clock !== undefined && ev.clock !== def.name) return [clock, null];
  const at = ev.at;
  if (clock === undefined || clock.status === 'idle') {
    if (!matches(def.startOn, ev, clock?.role ?? creation?.role ?? null)) return [clock, null];
    const base = clock ?? createClock(def, { ...creation, levels: ctx.policy.levels });
    const started = startClock(base, at, calendarFor(base, ctx.calendars));
    return [started, started.status === 'scheduled' ? 'scheduled' : 'started'];
  }
  const cal = calendarFor(clock, ctx.calendars);
  const m = (list: readonly EventMatcher[]): boolean => matches(list, ev, clock.role);
  const active = clock.status === 'running' || clock.status === 'paused' || clock.status === 'scheduled';
  if (m(def.cancelOn) || m(ctx.policy.cancelAllOn)) return active ? [cancelClock(clock, at, cal), 'cancelled'] : [clock, null];
  if (m(def.stopOn)) return active ? [stopClock(clock, at, cal), 'stopped'] : [clock, null];
  if (m(def.resetOn)) return [resetClock(clock, at, cal), 'reset'];
  if (m(def.pauseOn) && clock.status === 'running') return [pauseClock(clock, at, cal), 'paused'];
  if (m(def.resumeOn) && clock.status === 'paused') return [resumeClock(clock, at, cal), 'resumed'];
  if (m(def.extendOn) && (clock.status === 'running' || clock.status === 'paused')) {
    if (ev.workingDays === undefined) throw invalid('workingDays', `'${ev.type}' extends clock '${clock.key}' and must say how many working days were approved`);
    return [extendClock(clock, ev.workingDays, cal, ctx.policy.extension), 'extended'];
  }
  return [clock, null];
}

function change(type: ClockChangeType, clock: ClockState, at: string): ClockChange {
  return { type, clockKey: clock.key, name: clock.name, assignmentId: clock.assignmentId, at, deadline: clock.deadline };
}

function toLogEntry(event: SlaEvent, previous: SlaLogEntry | undefined): SlaLogEntry {
  if (typeof event.type !== 'string' || event.type.trim() === '') throw invalid('type', 'an SLA event needs a type');
  const at = toMs(event.at, 'at');
  if (previous !== undefined && at < Date.parse(previous.at)) {
    throw invalid('at', `${iso(at)} is before the previous SLA event (${previous.type} at ${previous.at}); time does not go backwards`);
  }
  if (event.workingDays !== undefined && (!Number.isInteger(event.workingDays) || event.workingDays < 1)) {
    throw invalid('workingDays', 'a whole number of working days, at least 1');
  }
  return {
    type: event.type,
    at: iso(at),
    ...(event.assignmentId === undefined ? {} : { assignmentId: event.assignmentId }),
    ...(event.role === undefined ? {} : { role: event.role }),
    ...(event.unitId === undefined ? {} : { unitId: event.unitId }),
    ...(event.workingDays === undefined ? {} : { workingDays: event.workingDays }),
    ...(event.clock === undefined ? {} : { clock: event.clock }),
  };
}

/**
 * Recomputes the pending clocks (running, paused, scheduled) whose calendar changed revision (a late
 * holiday notice) or identity.
 *
 * @example
 * cn.addNotice(notice2027);
 * refreshCalendars(sla.clocks, { working: cn }, now.toISOString()).changes.map((c) => c.type); //=> ['recomputed']
 */
export function refreshCalendars(clocks: Readonly<Record<string, ClockState>>, calendars: SlaCalendars, at: string): { clocks: Record<string, ClockState>; changes: ClockChange[] } {
  const out: Record<string, ClockState> = {};
  const changes: ClockChange[] = [];
  for (const [key, clock] of Object.entries(clocks)) {
    const cal = calendarFor(clock, calendars);
    // Only pending deadlines move: a stopped clock was judged on the calendar in force at its stop.
    if (clock.status !== 'stopped' && clock.status !== 'idle' && isStale(clock, cal)) {
      const next = recomputeClock(clock, cal);
      out[key] = next;
      if (next.deadline !== clock.deadline) changes.push(change('recomputed', next, at));
    } else {
      out[key] = clock;
    }
  }
  return { clocks: out, changes };
}

/** Case clocks of a definition replayed from the log: a retroactive start after a tier change. */
function replay(def: ClockDefinition, log: readonly SlaLogEntry[], ctx: SlaContext): ClockState | undefined {
  let clock: ClockState | undefined;
  for (const entry of log) [clock] = react(def, clock, entry, ctx, {});
  return clock;
}

const BOOKKEEPING = ['level', 'warnedAt', 'breachedAt', 'overdueAt', 'firedSteps', 'concludedOverdue'] as const;

/**
 * A change of tier: case clocks of the new tier are replayed from the log (so they count from the
 * original events, retroactively, with the suspensions that happened); clocks the new tier does not
 * have are cancelled; assignment clocks are retargeted to the new tier's definition of the same name.
 */
function retier(sla: SlaClocks, at: string, ctx: SlaContext): ApplySlaEventResult {
  const defs = resolveClockDefinitions(ctx.policy, ctx.tier);
  const clocks: Record<string, ClockState> = {};
  const changes: ClockChange[] = [];
  const caseDefs = new Map(defs.filter((d) => d.scope === 'case').map((d) => [d.name, d]));
  for (const [key, old] of Object.entries(sla.clocks)) {
    const def = old.scope === 'case' ? caseDefs.get(old.name) : defs.find((d) => d.scope === 'assignment' && d.name === old.name && (d.role === undefined || d.role === old.role));
    if (def === undefined) {
      const active = old.status === 'running' || old.status === 'paused' || old.status === 'scheduled';
      clocks[key] = active ? cancelClock(old, at, calendarFor(old, ctx.calendars)) : old;
      if (active) changes.push(change('cancelled', clocks[key], at));
      continue;
    }
    if (old.scope === 'assignment') {
      const next = retargetClock(
        old,
        { target: def.target, redoTarget: def.redo.target ?? def.target, threshold: def.threshold ?? ctx.policy.levels.threshold, ...(def.overdueAfter ? { overdueAfter: def.overdueAfter } : {}) },
        calendarFor(old, ctx.calendars),
      );
      clocks[key] = next;
      if (next.deadline !== old.deadline || next.target !== old.target) changes.push(change('retargeted', next, at));
    }
  }
  for (const def of caseDefs.values()) {
    const replayed = replay(def, sla.log, ctx);
    if (replayed === undefined) continue;
    const old = sla.clocks[def.name];
    let next = replayed;
    if (old !== undefined) {
      const kept: Partial<Record<(typeof BOOKKEEPING)[number], unknown>> = {};
      for (const field of BOOKKEEPING) kept[field] = old[field];
      next = { ...replayed, ...(kept as Pick<ClockState, (typeof BOOKKEEPING)[number]>), concludedOverdue: old.concludedOverdue || replayed.concludedOverdue };
    }
    clocks[def.name] = next;
    if (old === undefined) changes.push(change('started', next, at));
    else if (next.deadline !== old.deadline || next.target !== old.target || next.status !== old.status) changes.push(change('retargeted', next, at));
  }
  return { clocks: { ...sla, tier: ctx.tier, clocks }, changes };
}

/**
 * Applies one event to a case's clocks: starts, pauses, resumes, stops, resets, extends or cancels
 * every clock whose policy listens to it, after re-tiering (when `ctx.tier` changed) and
 * recomputing clocks whose calendar revision changed. Time must not go backwards (`VALIDATION`).
 * Call {@link evaluateClocks} with the event's instant afterwards, in the same commit, for the
 * level transitions, escalations due and the timers to store.
 *
 * @example
 * const ctx = { policy: DEFAULT_SLA_POLICY, calendars: { working: cnMainland() }, tier: 'general' };
 * let { clocks } = applySlaEvent(emptySlaClocks('general'), { type: 'register', at: '2026-02-13T08:10:00Z' }, ctx);
 * clocks.clocks.acceptance.deadline; //=> '2026-02-14T03:40:00.000Z' (Sat 14 Feb 11:40, a make-up day)
 */
export function applySlaEvent(clocks: SlaClocks, event: SlaEvent, ctx: SlaContext): ApplySlaEventResult {
  const entry = toLogEntry(event, clocks.log[clocks.log.length - 1]);
  const refreshed = refreshCalendars(clocks.clocks, ctx.calendars, entry.at);
  const changes: ClockChange[] = [...refreshed.changes];
  let sla: SlaClocks = { ...clocks, clocks: refreshed.clocks };
  if (ctx.tier !== clocks.tier) {
    const retiered = retier(sla, entry.at, ctx);
    sla = retiered.clocks;
    changes.push(...retiered.changes);
  }
  const next: Record<string, ClockState> = { ...sla.clocks };
  for (const def of definitionsReactingTo(ctx.policy, ctx.tier, entry.type)) {
    if (def.scope === 'case') {
      const [clock, type] = react(def, next[def.name], entry, ctx, {});
      if (clock !== undefined && type !== null) {
        next[def.name] = clock;
        changes.push(change(type, clock, entry.at));
      }
      continue;
    }
    if (entry.assignmentId !== undefined) {
      const key = `${entry.assignmentId}.${def.name}`;
      const existing = next[key];
      if (existing === undefined && def.role !== undefined && entry.role !== def.role) continue;
      const creation = {
        assignmentId: entry.assignmentId,
        ...(entry.role === undefined ? {} : { role: entry.role }),
        ...(entry.unitId === undefined ? {} : { unitId: entry.unitId }),
      };
      const [clock, type] = react(def, existing, entry, ctx, creation);
      if (clock !== undefined && type !== null) {
        next[key] = clock;
        changes.push(change(type, clock, entry.at));
      }
      continue;
    }
    // A case-wide event reaches every existing clock of this definition, on every assignment.
    for (const [key, existing] of Object.entries(next)) {
      if (existing.scope !== 'assignment' || existing.name !== def.name) continue;
      if (def.role !== undefined && existing.role !== def.role) continue;
      const [clock, type] = react(def, existing, entry, ctx, {});
      if (clock !== undefined && type !== null && type !== 'started' && type !== 'scheduled') {
        next[key] = clock;
        changes.push(change(type, clock, entry.at));
      }
    }
  }
  return { clocks: { ...sla, clocks: next, log: [...sla.log, entry] }, changes };
}
