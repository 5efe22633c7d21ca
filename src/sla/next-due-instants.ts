import type { WorkCalendar } from '../calendar/work-calendar.js';
import { LEVEL_RANK, marksOf, stepDue, type Marks } from './_clock-math.js';
import type { ClockState } from './clock-state.js';
import type { EscalationLadder, EscalationStep, Level } from './policy.js';

/** One instant at which something about a clock falls due: a timer row for the store. */
export type DueInstant =
  | { kind: 'open'; at: Date }
  | { kind: 'level'; level: Exclude<Level, 'green'>; at: Date }
  | { kind: 'step'; step: EscalationStep; at: Date };

export interface NextDueOptions {
  /** The clock's escalation ladder (`ladderFor(policy, tier, def)`); none: levels only. */
  ladder?: EscalationLadder;
  /**
   * The centre's working calendar: a held step that reaches the dispatcher or the supervising body
   * waits for its working hours. Default: `calendar`.
   */
  centre?: WorkCalendar;
}

/**
 * The instants at which the clock's level next changes and each escalation step not yet fired
 * falls due, earliest first, on the owning unit's working calendar. Instants may lie in the past
 * (a level reached but not yet announced): the caller fires those now. A paused clock has none
 * beyond the pause (they return, shifted, on resume); a stopped or idle clock has none; a scheduled
 * one has its opening.
 *
 * @example
 * nextDueInstants(conclusion, cn, { ladder: DEFAULT_SLA_POLICY.escalation }).map((d) => d.kind);
 * //=> ['level', 'step', 'level', 'step', 'level', 'step', 'step']
 */
export function nextDueInstants(state: ClockState, calendar: WorkCalendar, options: NextDueOptions = {}): DueInstant[] {
  if (state.status === 'scheduled') return state.scheduledAt === null ? [] : [{ kind: 'open', at: new Date(state.scheduledAt) }];
  if (state.status !== 'running' && state.status !== 'paused') return [];
  const marks = marksOf(state, calendar);
  const steps = (options.ladder ?? []).filter((s) => !state.firedSteps.includes(s.id)).map((step) => ({ step, at: stepDue(state, marks, step, calendar, options.centre ?? calendar) }));
  return pendingInstants(state, marks, steps);
}

/**
 * The pending instants from marks and step dues already computed (the evaluator has them at hand).
 * @internal
 */
export function pendingInstants(state: ClockState, marks: Marks, steps: readonly { step: EscalationStep; at: number | null }[]): DueInstant[] {
  const out: DueInstant[] = [];
  const levels: [Exclude<Level, 'green'>, number | null][] = [
    ['yellow', marks.yellowAt],
    ['red', marks.deadline],
    ['overdue', marks.overdueAt],
  ];
  for (const [level, at] of levels) {
    if (at !== null && LEVEL_RANK[level] > LEVEL_RANK[state.level]) out.push({ kind: 'level', level, at: new Date(at) });
  }
  for (const { step, at } of steps) {
    if (at !== null && !state.firedSteps.includes(step.id)) out.push({ kind: 'step', step, at: new Date(at) });
  }
  // Stable: at equal instants a level comes before the steps it anchors.
  return out
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.at.getTime() - b.d.at.getTime() || a.i - b.i)
    .map(({ d }) => d);
}
