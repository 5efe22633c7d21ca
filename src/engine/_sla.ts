/**
 * The engine's side of the SLA core: which SLA events a command is, running `applySlaEvent` +
 * `evaluateClocks` without ever letting a calendar gap fail a command, the case's timer row, and the
 * clocks as the case view shows them. Pure: time and calendars come in as arguments.
 */
import type { WorkCalendar } from '../calendar/work-calendar.js';
import { isJiaobanError } from '../errors.js';
import type { Assignment, CaseContext } from '../machines/case-context.js';
import { applySlaEvent, calendarFor, emptySlaClocks, type SlaClocks, type SlaContext, type SlaEvent } from '../sla/apply-sla-event.js';
import { caseLevel, earliestDeadline } from '../sla/case-level.js';
import { isStale, type ClockState, type ClockStatus } from '../sla/clock-state.js';
import { evaluateClocks, type SlaEscalation, type SlaTimer, type SlaTransition } from '../sla/evaluate-clocks.js';
import { levelAt } from '../sla/level-at.js';
import { reactiveEventTypes, type Level, type SlaPolicy } from '../sla/policy.js';
import type { TimerRow } from '../store/case-store.js';
import type { Command } from './commands.js';

/** A 回头看 outcome, kept on the case for the KPIs. */
export interface FollowUpRecord {
  clock: 'followUp30' | 'followUp90';
  outcome: 'resolved' | 'rebounded';
  at: string;
  by: string;
  /** The new case a rebound registered. */
  reboundCaseId: string | null;
}

/**
 * A calendar gap: an SLA computation reached a date no holiday notice covers. The SLA events from
 * `since` on are kept in `pending` (not applied), so the clocks show the last state that could be
 * computed and no deadline is guessed; `engine.recompute` (after the notice is added) applies them.
 */
export interface CalendarGap {
  since: string;
  date: string;
  pending: SlaEvent[];
}

/** What the case row keeps for the SLA, next to the machine snapshot. Plain JSON. */
export interface CaseSla {
  clocks: SlaClocks;
  /** The id of the case's one timer row (the earliest pending instant), or null. */
  timerId: string | null;
  /**
   * The due instant of that row (`null`: nothing pending). Absent on rows written before it was
   * kept; such a case takes the full evaluation on its next command.
   */
  wakeAt?: string | null;
  gap: CalendarGap | null;
  followUps: FollowUpRecord[];
  /** The case this one was registered from, after a 回头看 found the problem back. */
  reboundOf: string | null;
  /** A 回头看 found the problem back (for the KPIs). */
  rebounded: boolean;
}

export function emptyCaseSla(tier: string): CaseSla {
  return { clocks: emptySlaClocks(tier), timerId: null, wakeAt: null, gap: null, followUps: [], reboundOf: null, rebounded: false };
}

/** The calendars an engine runs its clocks on. */
export interface EngineCalendars {
  working: WorkCalendar;
  natural?: WorkCalendar;
  forUnit?: (unitId: string) => WorkCalendar | undefined;
}

export function slaContext(policy: SlaPolicy, calendars: EngineCalendars, tier: string): SlaContext {
  return {
    policy,
    calendars: calendars.forUnit === undefined ? { working: calendars.working } : { working: calendars.working, forUnit: calendars.forUnit },
    tier,
  };
}

/** Commands whose SLA effect belongs to particular assignments: one SLA event per assignment touched. */
const ASSIGNMENT_COMMANDS: ReadonlySet<string> = new Set([
  'dispatch', 'acceptAndDispatch', 'addUnit', 'redispatch', 'transfer', 'sign', 'requestReturn', 'approveReturn', 'rejectReturn',
  'submitOpinion', 'deemConsent', 'countersign',
]);

const ENDED: ReadonlySet<string> = new Set(['withdrawn', 'replaced']);

function assignmentEvent(type: string, at: string, a: Assignment): SlaEvent {
  return { type, at, assignmentId: a.id, role: a.role, unitId: a.unitId };
}

/**
 * The SLA events of one accepted command, read from the contexts before and after it: a dispatch to
 * a lead and two cooperating units is three events; a case-wide command is one event without an
 * assignment; an assignment that ended (withdrawn) also gets `withdrawAssignment`; a command that
 * concluded the case (an upheld appeal) also sends `conclude`, one that reopened it `redo`.
 */
export function slaEventsFor(command: Command, prev: CaseContext, next: CaseContext, at: string): SlaEvent[] {
  const events: SlaEvent[] = [];
  const before = new Map(prev.assignments.map((a) => [a.id, a]));
  if (ASSIGNMENT_COMMANDS.has(command.type)) {
    for (const a of next.assignments) {
      const old = before.get(a.id);
      if (old === undefined || old.state !== a.state || old.ownerId !== a.ownerId) events.push(assignmentEvent(command.type, at, a));
    }
  }
  if (events.length === 0) {
    const ev: SlaEvent = { type: command.type, at };
    if (command.type === 'approveExtension') {
      const granted = next.extension.grantedDays - prev.extension.grantedDays;
      if (granted > 0) ev.workingDays = granted;
      else return [];
    }
    events.push(ev);
  }
  for (const a of next.assignments) {
    const old = before.get(a.id);
    if (old !== undefined && !ENDED.has(old.state) && a.state === 'withdrawn') events.push(assignmentEvent('withdrawAssignment', at, a));
  }
  if (command.type !== 'conclude' && prev.closure?.kind !== 'concluded' && next.closure?.kind === 'concluded') events.push({ type: 'conclude', at });
  // A rejected appeal reopens the case for a redo (sendBack is its own reset event in the policy).
  if (command.type === 'decideAppeal' && next.counters.redo > prev.counters.redo) events.push({ type: 'redo', at });
  return events;
}

/**
 * The events that can move a clock. An event no clock of any tier listens to (a contact, a progress
 * report, an urge) changes nothing now, and nothing when a change of tier replays the log, so it is
 * neither applied nor logged: most commands of a case's life are of that kind.
 */
export function reactiveEvents(events: readonly SlaEvent[], policy: SlaPolicy): SlaEvent[] {
  const types = reactiveEventTypes(policy);
  return events.filter((e) => types.has(e.type));
}

/**
 * Whether the full step (`slaStep`) would leave the SLA state exactly as it is: no event to apply,
 * no calendar gap to retry, the clocks already on the case's tier, nothing due by `at` (every level
 * mark, escalation step and opening is on the case's timer, `wakeAt`), and no calendar revised under
 * a pending clock. Then there is no transition, no escalation and the same timer row, so a command
 * may skip the evaluation and the timer write: the hot path of every command that moves no clock.
 */
export function slaIsQuiet(sla: CaseSla, events: readonly SlaEvent[], at: string, ctx: SlaContext): boolean {
  if (events.length > 0 || sla.gap !== null || sla.clocks.tier !== ctx.tier || sla.wakeAt === undefined) return false;
  if (sla.wakeAt !== null && Date.parse(sla.wakeAt) <= Date.parse(at)) return false;
  for (const key in sla.clocks.clocks) {
    const c = sla.clocks.clocks[key] as ClockState;
    if (c.status !== 'stopped' && c.status !== 'idle' && isStale(c, calendarFor(c, ctx.calendars))) return false;
  }
  return true;
}

export interface SlaStepResult {
  sla: CaseSla;
  transitions: SlaTransition[];
  escalations: SlaEscalation[];
  timers: SlaTimer[];
  /** Set when a computation hit a calendar gap in this step. */
  gap: { date: string; covered: { from: number; to: number } | null; during: 'apply' | 'evaluate' } | null;
}

/** The case's last SLA instant: time never goes backwards within a case (commands are clamped to it). */
export function lastSlaInstant(sla: CaseSla): string | null {
  const pending = sla.gap?.pending;
  const last = pending !== undefined && pending.length > 0 ? pending[pending.length - 1]?.at : sla.clocks.log[sla.clocks.log.length - 1]?.at;
  return last === undefined ? null : typeof last === 'string' ? last : last.toISOString();
}

export function clampAt(sla: CaseSla, at: string): string {
  const last = lastSlaInstant(sla);
  return last !== null && Date.parse(last) > Date.parse(at) ? new Date(Date.parse(last)).toISOString() : at;
}

function gapOf(error: unknown): { date: string; covered: { from: number; to: number } | null } | null {
  if (!isJiaobanError(error, 'CALENDAR_RANGE')) return null;
  const d = error.details as { date?: string; covered?: { from: number; to: number } } | undefined;
  return { date: d?.date ?? 'unknown', covered: d?.covered ?? null };
}

/**
 * Applies `events` (in order) and evaluates at `at`, in one step. A `CALENDAR_RANGE` never escapes:
 * the events from the failing one on are parked in `gap.pending`, the clocks stay as last computed,
 * and the caller emits `sla:calendarGap`. Pending events of an earlier gap are retried first.
 */
export function slaStep(sla: CaseSla, events: readonly SlaEvent[], at: string, ctx: SlaContext): SlaStepResult {
  const queue = [...(sla.gap?.pending ?? []), ...events];
  let clocks = sla.clocks;
  for (let i = 0; i < queue.length; i++) {
    try {
      clocks = applySlaEvent(clocks, queue[i] as SlaEvent, ctx).clocks;
    } catch (error) {
      const g = gapOf(error);
      if (g === null) throw error;
      const gap: CalendarGap = { since: sla.gap?.since ?? at, date: g.date, pending: queue.slice(i) };
      return { sla: { ...sla, clocks, gap }, transitions: [], escalations: [], timers: [], gap: { ...g, during: 'apply' } };
    }
  }
  try {
    const evaluated = evaluateClocks(clocks, at, ctx);
    return { sla: { ...sla, clocks: evaluated.clocks, gap: null }, transitions: evaluated.transitions, escalations: evaluated.escalations, timers: evaluated.timers, gap: null };
  } catch (error) {
    const g = gapOf(error);
    if (g === null) throw error;
    return { sla: { ...sla, clocks, gap: { since: sla.gap?.since ?? at, date: g.date, pending: [] } }, transitions: [], escalations: [], timers: [], gap: { ...g, during: 'evaluate' } };
  }
}

/**
 * The case's timer row: one per case, for the earliest pending instant. `tick` evaluates every clock
 * of the case at once, so the later instants are found again then; one row per case keeps the timer
 * index as small as the number of cases with pending SLA work. The id is derived from the case id
 * and the timer key, so writing it again is idempotent.
 */
export function timerRow(tenantId: string, caseId: string, timers: readonly SlaTimer[]): TimerRow | null {
  const first = timers[0];
  if (first === undefined) return null;
  return { id: `${caseId}:${first.key}`, tenantId, caseId, kind: 'sla', dueAt: first.dueAt, data: { key: first.key } };
}

/** One clock as the case view shows it. */
export interface ClockView {
  key: string;
  name: string;
  scope: 'case' | 'assignment';
  assignmentId: string | null;
  unitId: string | null;
  status: ClockStatus;
  cancelled: boolean;
  startedAt: string | null;
  /** Null while paused before the deadline, or when a calendar gap left it unknown. */
  deadline: string | null;
  /** Working ms (natural ms for a natural clock). */
  usedMs: number;
  remainingMs: number;
  level: Level;
  breachedAt: string | null;
  concludedOverdue: boolean;
  round: number;
}

/** The SLA part of the case view. */
export interface SlaView {
  /** The worst level over the running and paused clocks (`green` when none run). */
  level: Level;
  /** The earliest deadline of a running clock. */
  dueAt: string | null;
  /** Some clock stopped at or after its deadline (超期办结), in any round. */
  concludedOverdue: boolean;
  clocks: ClockView[];
  calendarGap: { since: string; date: string; pendingEvents: number } | null;
  followUps: FollowUpRecord[];
  reboundOf: string | null;
  rebounded: boolean;
}

export function slaView(sla: CaseSla, now: string, calendars: EngineCalendars): SlaView {
  const clocks: ClockView[] = [];
  let concludedOverdue = false;
  const t = Math.max(Date.parse(now), Date.parse(lastSlaInstant(sla) ?? now));
  for (const c of Object.values(sla.clocks.clocks)) {
    concludedOverdue ||= c.concludedOverdue;
    if (c.status === 'idle') continue;
    let usedMs = c.usedMs;
    let remainingMs = c.budgetMs - c.usedMs;
    let level: Level = c.level;
    let deadline = c.deadline;
    if (c.status === 'stopped') {
      // Judged at its stop on the calendar then in force: the numbers cached by the stop are final.
      level = c.finalLevel ?? c.level;
    } else if (sla.gap === null) {
      try {
        const r = levelAt(c, new Date(t), calendarFor(c, calendars.forUnit === undefined ? { working: calendars.working } : { working: calendars.working, forUnit: calendars.forUnit }));
        usedMs = r.usedMs;
        remainingMs = r.remainingMs;
        level = r.level;
        deadline = r.deadline === null ? null : r.deadline.toISOString();
      } catch (error) {
        if (!isJiaobanError(error, 'CALENDAR_RANGE')) throw error;
      }
    }
    clocks.push({
      key: c.key, name: c.name, scope: c.scope, assignmentId: c.assignmentId, unitId: c.unitId, status: c.status, cancelled: c.cancelled,
      startedAt: c.startedAt, deadline, usedMs, remainingMs, level, breachedAt: c.breachedAt, concludedOverdue: c.concludedOverdue, round: c.round,
    });
  }
  return {
    level: caseLevel(sla.clocks),
    dueAt: earliestDeadline(sla.clocks),
    concludedOverdue,
    clocks,
    calendarGap: sla.gap === null ? null : { since: sla.gap.since, date: sla.gap.date, pendingEvents: sla.gap.pending.length },
    followUps: sla.followUps,
    reboundOf: sla.reboundOf,
    rebounded: sla.rebounded,
  };
}

/** The clock whose deadline the "before the deadline" guards check, per tier. */
const GUARD_CLOCK: Readonly<Record<string, string>> = { general: 'conclusion', complex: 'solution', immediate: 'firstFeedback' };

export function guardDeadline(sla: CaseSla, tier: string): string | null {
  const name = GUARD_CLOCK[tier];
  return name === undefined ? null : (sla.clocks.clocks[name]?.deadline ?? null);
}

/** Who an escalation reaches, relative to the clock: an assignment clock's owner and leader are its unit's. */
export interface ResolvedRecipient {
  recipient: 'primaryOwner' | 'unitLeader' | 'dispatcher' | 'supervisingBody';
  /** A person, when the case names one (the assignment's or the case's primary owner). */
  personId: string | null;
  /** The unit whose role holders are meant (`unitLeader` of that unit). */
  unitId: string | null;
  /** The role to deliver to when no person is named. */
  role: 'handler' | 'unitLeader' | 'dispatcher' | 'supervisor';
}

export function resolveRecipient(recipient: ResolvedRecipient['recipient'], assignmentId: string | null, ctx: CaseContext): ResolvedRecipient {
  const a = assignmentId === null ? undefined : ctx.assignments.find((x) => x.id === assignmentId);
  const lead = ctx.assignments.find((x) => x.role === 'lead' && !ENDED.has(x.state));
  const unitId = a?.unitId ?? lead?.unitId ?? ctx.leadUnitId;
  switch (recipient) {
    case 'primaryOwner':
      return { recipient, personId: a === undefined ? ctx.primaryOwnerId : a.ownerId, unitId: unitId ?? null, role: 'handler' };
    case 'unitLeader':
      return { recipient, personId: null, unitId: unitId ?? null, role: 'unitLeader' };
    case 'dispatcher':
      return { recipient, personId: null, unitId: null, role: 'dispatcher' };
    case 'supervisingBody':
      return { recipient, personId: null, unitId: null, role: 'supervisor' };
  }
}

/** Units with an active assignment, for the store's unit index. */
export function activeUnits(ctx: CaseContext): string[] {
  return [...new Set(ctx.assignments.filter((a) => !ENDED.has(a.state)).map((a) => a.unitId))];
}
