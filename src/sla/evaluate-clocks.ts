/**
 * What the engine's `tick` (and every command, after `applySlaEvent`) asks the clocks: which level
 * transitions happened since they were last announced, which escalation steps fell due, and when to
 * wake up next. Each transition and each step is recorded on the clock when it is returned, so a
 * second evaluation at the same or a later instant returns it no more: exactly once, and after
 * downtime once, not once per missed interval.
 */
import { LEVELS, LEVEL_RANK, levelFromMarks, markFor, marksOf, stepDue } from './_clock-math.js';
import { iso, toMs } from './_time.js';
import { calendarFor, refreshCalendars, type ClockChange, type SlaClocks, type SlaContext } from './apply-sla-event.js';
import { openClock, type ClockState } from './clock-state.js';
import { nextDueInstants, pendingInstants } from './next-due-instants.js';
import { ladderFor, resolveClockDefinitions, type EscalationAction, type EscalationLadder, type Level } from './policy.js';

/** The event a level transition becomes (graphile-worker style `noun:verb`). */
export type SlaTransitionEvent = 'sla:warned' | 'sla:breached' | 'sla:overdue' | 'sla:cleared';

/**
 * The event each level's transition is announced as.
 *
 * @example
 * LEVEL_EVENTS.red; //=> 'sla:breached'
 */
export const LEVEL_EVENTS: Readonly<Record<Exclude<Level, 'green'>, SlaTransitionEvent>> = {
  yellow: 'sla:warned',
  red: 'sla:breached',
  overdue: 'sla:overdue',
};

/**
 * A level change of one clock. `at` is when it happened on the clock (the mark), which after
 * downtime is earlier than the evaluation. `sla:cleared`: an extension, a longer target after a
 * tier change or a calendar revision took the clock back to a lower level (`at` = the evaluation).
 */
export interface SlaTransition {
  event: SlaTransitionEvent;
  clockKey: string;
  name: string;
  assignmentId: string | null;
  from: Level;
  to: Level;
  at: string;
  deadline: string | null;
}

/** An escalation step that fell due: the engine urges, notifies or raises supervision as it says. */
export interface SlaEscalation {
  event: 'sla:escalated';
  clockKey: string;
  name: string;
  assignmentId: string | null;
  stepId: string;
  on: Exclude<Level, 'green'>;
  actions: EscalationAction[];
  dueAt: string;
}

/** A timer row to keep for the case: one per clock and pending instant. `key` is unique in the case. */
export interface SlaTimer {
  key: string;
  clockKey: string;
  kind: 'open' | 'level' | 'step';
  /** The level, the step id, or `open`. */
  what: string;
  dueAt: string;
}

export interface EvaluateClocksResult {
  clocks: SlaClocks;
  transitions: SlaTransition[];
  escalations: SlaEscalation[];
  /** Clocks recomputed (calendar revision) or opened (a 回头看 falling due) during the evaluation. */
  changes: ClockChange[];
  /** The pending instants after `now`: the case's timer rows (replace the old ones). */
  timers: SlaTimer[];
  /** The earliest timer, or `null` when nothing is pending. */
  nextWakeAt: string | null;
}

function ladderOf(clock: ClockState, ctx: SlaContext, tier: string): EscalationLadder {
  if (clock.cancelled || ctx.policy.tiers[tier] === undefined) return [];
  // Asked for every clock of every evaluation; a parsed policy does not change, so once per slot.
  let byTier = ladders.get(ctx.policy);
  if (byTier === undefined) ladders.set(ctx.policy, (byTier = new Map()));
  const slot = `${tier}\u0000${clock.scope}\u0000${clock.name}`;
  let ladder = byTier.get(slot);
  if (ladder === undefined) {
    const def = resolveClockDefinitions(ctx.policy, tier).find((d) => d.scope === clock.scope && d.name === clock.name);
    byTier.set(slot, (ladder = def === undefined ? [] : ladderFor(ctx.policy, tier, def)));
  }
  return ladder;
}

const ladders = new WeakMap<SlaContext['policy'], Map<string, EscalationLadder>>();

/**
 * Evaluates every clock at `now`: opens 回头看 clocks whose day came, announces level transitions
 * not announced yet (`sla:warned`, `sla:breached`, `sla:overdue`, each once per round), fires the
 * escalation steps that fell due (each once per round; not for stopped or cancelled clocks), and
 * lists the timers still pending.
 *
 * @example
 * const r = evaluateClocks(clocks, new Date('2026-02-25T10:00:00Z'), ctx);
 * r.transitions.map((t) => t.event); //=> ['sla:warned', 'sla:breached']
 * r.nextWakeAt; //=> the next pending instant, for the timer row
 */
export function evaluateClocks(sla: SlaClocks, now: Date | string, ctx: SlaContext): EvaluateClocksResult {
  const t = toMs(now, 'now');
  const nowIso = iso(t);
  const refreshed = refreshCalendars(sla.clocks, ctx.calendars, nowIso);
  const changes: ClockChange[] = [...refreshed.changes];
  const transitions: SlaTransition[] = [];
  const escalations: SlaEscalation[] = [];
  const timers: SlaTimer[] = [];
  const out: Record<string, ClockState> = {};

  for (const [key, original] of Object.entries(refreshed.clocks)) {
    let clock = original;
    const cal = calendarFor(clock, ctx.calendars);
    if (clock.status === 'scheduled' && clock.scheduledAt !== null && Date.parse(clock.scheduledAt) <= t) {
      clock = openClock(clock, cal);
      changes.push({ type: 'opened', clockKey: key, name: clock.name, assignmentId: clock.assignmentId, at: clock.startedAt ?? nowIso, deadline: clock.deadline });
    }
    // A stopped clock whose levels are all announced has nothing left to do: skip the arithmetic.
    const settled = clock.status === 'stopped' && clock.finalLevel !== null && LEVEL_RANK[clock.level] >= LEVEL_RANK[clock.finalLevel];
    if (clock.startedAt === null || clock.cancelled || settled) {
      // Nothing to announce; a scheduled clock still needs its opening timer.
      for (const due of nextDueInstants(clock, cal)) {
        if (due.kind === 'open' && due.at.getTime() > t) {
          timers.push({ key: `${key}:open:open`, clockKey: key, kind: 'open', what: 'open', dueAt: due.at.toISOString() });
        }
      }
      out[key] = clock;
      continue;
    }
    const marks = marksOf(clock, cal);
    const current = levelFromMarks(marks, clock, t);
    const base = { clockKey: key, name: clock.name, assignmentId: clock.assignmentId, deadline: marks.deadline === null ? null : iso(marks.deadline) };

    if (LEVEL_RANK[current] > LEVEL_RANK[clock.level]) {
      let from = clock.level;
      const stamps: { warnedAt?: string; breachedAt?: string; overdueAt?: string } = {};
      for (const level of LEVELS) {
        if (level === 'green' || LEVEL_RANK[level] <= LEVEL_RANK[clock.level] || LEVEL_RANK[level] > LEVEL_RANK[current]) continue;
        const at = iso(markFor(marks, level, clock) ?? t);
        transitions.push({ event: LEVEL_EVENTS[level], ...base, from, to: level, at });
        if (level === 'yellow') stamps.warnedAt = at;
        if (level === 'red') stamps.breachedAt = at;
        if (level === 'overdue') stamps.overdueAt = at;
        from = level;
      }
      clock = { ...clock, ...stamps, level: current };
    } else if (LEVEL_RANK[current] < LEVEL_RANK[clock.level] && marksMoved(clock, marks)) {
      // Only a moved mark clears a level: an evaluation at an earlier instant (a stale tick from
      // another process) must not take back what was announced.
      transitions.push({ event: 'sla:cleared', ...base, from: clock.level, to: current, at: nowIso });
      const rank = LEVEL_RANK[current];
      const ladder = ladderOf(clock, ctx, sla.tier);
      clock = {
        ...clock,
        level: current,
        warnedAt: rank >= 1 ? clock.warnedAt : null,
        breachedAt: rank >= 2 ? clock.breachedAt : null,
        overdueAt: rank >= 3 ? clock.overdueAt : null,
        // Steps anchored above the new level may fire again at their new instants.
        firedSteps: clock.firedSteps.filter((id) => {
          const step = ladder.find((s) => s.id === id);
          return step === undefined || LEVEL_RANK[step.on] <= rank;
        }),
      };
    }

    // Announcing levels does not move the marks, so they and the step dues are computed once.
    const active = clock.status === 'running' || clock.status === 'paused';
    const steps = active
      ? ladderOf(clock, ctx, sla.tier).filter((s) => !clock.firedSteps.includes(s.id)).map((step) => ({ step, at: stepDue(clock, marks, step, cal, ctx.calendars.working) }))
      : [];
    const fired: string[] = [];
    for (const { step, at } of steps) {
      if (at === null || at > t) continue;
      escalations.push({ event: 'sla:escalated', ...base, stepId: step.id, on: step.on, actions: step.actions, dueAt: iso(at) });
      fired.push(step.id);
    }
    if (fired.length > 0) clock = { ...clock, firedSteps: [...clock.firedSteps, ...fired] };

    for (const due of active ? pendingInstants(clock, marks, steps) : []) {
      if (due.at.getTime() <= t) continue;
      const what = due.kind === 'open' ? 'open' : due.kind === 'level' ? due.level : due.step.id;
      timers.push({ key: `${key}:${due.kind}:${what}`, clockKey: key, kind: due.kind, what, dueAt: due.at.toISOString() });
    }
    out[key] = clock;
  }
  timers.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    clocks: { ...sla, clocks: out },
    transitions,
    escalations,
    changes,
    timers,
    nextWakeAt: timers[0]?.dueAt ?? null,
  };
}

/** Whether the instant recorded for the announced level differs from where the mark is now. */
function marksMoved(clock: ClockState, marks: ReturnType<typeof marksOf>): boolean {
  const recorded = clock.level === 'yellow' ? clock.warnedAt : clock.level === 'red' ? clock.breachedAt : clock.level === 'overdue' ? clock.overdueAt : null;
  const mark = markFor(marks, clock.level, clock);
  return recorded === null || mark === null || Date.parse(recorded) !== mark;
}
