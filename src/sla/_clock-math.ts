/**
 * The arithmetic behind a clock. Everything is derived from the clock's records (start, pauses,
 * stop, target, extension) and a calendar, never from cached numbers, so that a calendar revision
 * or a change of target recomputes exactly.
 *
 * The model: a clock has a *budget* of working ms on its calendar and a *used* function C(t), the
 * working ms of its running segments up to t. C is flat while the clock is paused and outside
 * working hours. Every mark is a value of C: yellow at ⌈threshold × budget⌉, red (the deadline) at
 * the budget, overdue at budget + grace, an escalation step at its anchor's value + its delay. The
 * instant of a mark is the earliest t with C(t) ≥ value, so a pause before a mark shifts it by
 * exactly the working time the pause covered, and a pause after it does not move it.
 */
import type { WorkCalendar } from '../calendar/work-calendar.js';
import type { ClockState } from './clock-state.js';
import type { Duration, EscalationStep, Level } from './policy.js';
import { addDuration, addWorkingMs, fromIso, naturalCalendar, workingMsBetween } from './_time.js';

export interface Segment {
  from: number;
  /** `null`: still running. */
  to: number | null;
}

/** The calendar the clock's own time runs on: 24×7 for natural clocks, the working one otherwise. */
export function clockCalendar(state: Pick<ClockState, 'unit'>, working: WorkCalendar): WorkCalendar {
  return state.unit === 'naturalMinutes' ? naturalCalendar(working) : working;
}

// States are immutable, so their segments can be parsed once per state object.
const segmentCache = new WeakMap<ClockState, readonly Segment[]>();

/** The running segments of the current round. */
export function segmentsOf(state: ClockState): readonly Segment[] {
  let cached = segmentCache.get(state);
  if (cached === undefined) {
    cached = computeSegments(state);
    segmentCache.set(state, cached);
  }
  return cached;
}

function computeSegments(state: ClockState): Segment[] {
  if (state.startedAt === null) return [];
  const segments: Segment[] = [];
  let cursor: number | null = fromIso(state.startedAt);
  for (const pause of state.pauses) {
    if (cursor === null) break;
    segments.push({ from: cursor, to: fromIso(pause.from) });
    cursor = pause.to === null ? null : fromIso(pause.to);
  }
  if (cursor !== null) segments.push({ from: cursor, to: state.stoppedAt === null ? null : fromIso(state.stoppedAt) });
  return segments;
}

/** The budget in working ms on the clock calendar. */
export function budgetMs(state: ClockState, working: WorkCalendar): number {
  if (state.startedAt === null) return 0;
  const cal = clockCalendar(state, working);
  if (state.unit === 'workingDays') {
    // 次日起算: the budget is the working time from the start to the close of the (target +
    // approved extension)-th working day after the start date, so a start at 16:10 on a Friday
    // brings the rest of that Friday into the budget, exactly as the deadline does.
    const start = fromIso(state.startedAt);
    const end = cal.addWorkingDays(new Date(start), state.target + state.extension).getTime();
    return workingMsBetween(cal, start, end);
  }
  return Math.round((state.target + state.extension) * 60_000);
}

/** C(t): working ms used by time `t`. */
export function usedMsAt(state: ClockState, t: number, working: WorkCalendar): number {
  const cal = clockCalendar(state, working);
  let used = 0;
  for (const seg of segmentsOf(state)) {
    if (seg.from >= t) break;
    const end = seg.to === null ? t : Math.min(seg.to, t);
    used += workingMsBetween(cal, seg.from, end);
  }
  return used;
}

/**
 * The earliest instant at which C reaches `value`, or `null` when it has not and cannot be known
 * (the clock is paused or idle). A stopped clock is projected as if it had kept running after its
 * last segment, so that the case view shows the deadline it was held to.
 */
export function instantAtUsed(state: ClockState, value: number, working: WorkCalendar): number | null {
  const cal = clockCalendar(state, working);
  const segments = segmentsOf(state);
  const first = segments[0];
  if (first === undefined) return null;
  if (value <= 0) return first.from;
  let cum = 0;
  let lastFrom = first.from;
  let cumBeforeLast = 0;
  for (const seg of segments) {
    lastFrom = seg.from;
    cumBeforeLast = cum;
    if (seg.to === null) return addWorkingMs(cal, seg.from, value - cum);
    const w = workingMsBetween(cal, seg.from, seg.to);
    if (cum + w >= value) return addWorkingMs(cal, seg.from, value - cum);
    cum += w;
  }
  if (state.status === 'stopped') return addWorkingMs(cal, lastFrom, value - cumBeforeLast);
  return null;
}

export interface Marks {
  budget: number;
  yellowValue: number;
  overdueValue: number | null;
  yellowAt: number | null;
  deadline: number | null;
  overdueAt: number | null;
}

/** How much running time the grace after an instant amounts to on the clock calendar. */
export function gapMs(at: number, duration: Duration, clockCal: WorkCalendar, delayCal: WorkCalendar): number {
  return workingMsBetween(clockCal, at, addDuration(at, duration, delayCal));
}

// A command that moves clocks evaluates them and then builds the case view at the same instant: the
// marks of an unchanged state are the same both times, as long as the calendar is the same one at
// the same revision (a late holiday notice bumps it).
const marksCache = new WeakMap<ClockState, { working: WorkCalendar; revision: number; marks: Marks }>();

export function marksOf(state: ClockState, working: WorkCalendar): Marks {
  const hit = marksCache.get(state);
  if (hit !== undefined && hit.working === working && hit.revision === working.revision) return hit.marks;
  const marks = computeMarks(state, working);
  marksCache.set(state, { working, revision: working.revision, marks });
  return marks;
}

function computeMarks(state: ClockState, working: WorkCalendar): Marks {
  const cal = clockCalendar(state, working);
  const budget = budgetMs(state, working);
  const yellowValue = Math.ceil(state.threshold * budget);
  const yellowAt = instantAtUsed(state, yellowValue, working);
  const deadline = instantAtUsed(state, budget, working);
  // The grace is measured on the clock's own calendar from the deadline instant, then lives on the
  // used axis, so that a suspension after the deadline freezes the way to `overdue` too.
  const overdueValue = deadline === null ? null : budget + gapMs(deadline, state.overdueAfter, cal, cal);
  const overdueAt = overdueValue === null ? null : instantAtUsed(state, overdueValue, working);
  return { budget, yellowValue, overdueValue, yellowAt, deadline, overdueAt };
}

export const LEVEL_RANK: Readonly<Record<Level, number>> = { green: 0, yellow: 1, red: 2, overdue: 3 };
export const LEVELS: readonly Level[] = ['green', 'yellow', 'red', 'overdue'];

/** The instant a level is reached (`green` at the start), or `null`. */
export function markFor(marks: Marks, level: Level, state: ClockState): number | null {
  switch (level) {
    case 'green':
      return state.startedAt === null ? null : fromIso(state.startedAt);
    case 'yellow':
      return marks.yellowAt;
    case 'red':
      return marks.deadline;
    case 'overdue':
      return marks.overdueAt;
  }
}

/** The level at `t` (a stopped clock is read at its stop). */
export function levelFromMarks(marks: Marks, state: ClockState, t: number): Level {
  if (state.startedAt === null) return 'green';
  const at = state.stoppedAt === null ? t : Math.min(t, fromIso(state.stoppedAt));
  if (marks.overdueAt !== null && at >= marks.overdueAt) return 'overdue';
  if (marks.deadline !== null && at >= marks.deadline) return 'red';
  if (marks.yellowAt !== null && at >= marks.yellowAt) return 'yellow';
  return 'green';
}

/**
 * When an escalation step falls due: its anchor's used value plus its delay (a natural delay in
 * plain time, a working delay on the owner's working calendar, counted as running time of the
 * clock), held until the next working instant when the step says so. `null` while unknowable.
 */
export function stepDue(state: ClockState, marks: Marks, step: EscalationStep, working: WorkCalendar, centre: WorkCalendar = working): number | null {
  const cal = clockCalendar(state, working);
  const anchor = markFor(marks, step.on, state);
  if (anchor === null) return null;
  const anchorValue = step.on === 'yellow' ? marks.yellowValue : step.on === 'red' ? marks.budget : marks.overdueValue;
  if (anchorValue === null) return null;
  const value = step.after === undefined ? anchorValue : anchorValue + gapMs(anchor, step.after, cal, working);
  const raw = value === anchorValue ? anchor : instantAtUsed(state, value, working);
  if (raw === null) return null;
  return step.holdUntilWorkingHours ? heldUntil(raw, holdCalendars(step, working, centre)) : raw;
}

/** Recipients that sit in the centre (派单员, the supervising body), not in the clock's unit. */
const CENTRE_RECIPIENTS: ReadonlySet<string> = new Set(['dispatcher', 'supervisingBody']);

/**
 * Whose working hours a held step waits for: the unit's when it only reaches the unit (its owner,
 * its leader), the centre's when it only reaches the centre, both when it reaches both.
 */
function holdCalendars(step: EscalationStep, unit: WorkCalendar, centre: WorkCalendar): readonly WorkCalendar[] {
  let toUnit = false;
  let toCentre = false;
  for (const a of step.actions) {
    if (a.type === 'urge' || a.type === 'notify') {
      if (CENTRE_RECIPIENTS.has(a.to)) toCentre = true;
      else toUnit = true;
    }
  }
  if (toCentre && !toUnit) return [centre];
  if (toCentre && unit !== centre) return [unit, centre];
  return [unit];
}

/**
 * The first instant at or after `t` inside working hours on every calendar. Two calendars are
 * walked in turn until neither moves; calendars that never share working time (none on the official
 * calendar) stop after a bounded number of rounds at the last candidate.
 */
function heldUntil(t: number, calendars: readonly WorkCalendar[]): number {
  let at = t;
  for (let round = 0; round < 64; round++) {
    let moved = false;
    for (const cal of calendars) {
      const next = cal.nextWorkingTime(new Date(at)).getTime();
      if (next !== at) {
        at = next;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return at;
}
