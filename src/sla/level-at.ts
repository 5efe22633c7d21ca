import type { WorkCalendar } from '../calendar/work-calendar.js';
import { levelFromMarks, marksOf, usedMsAt } from './_clock-math.js';
import { toMs } from './_time.js';
import type { ClockState, ClockStatus } from './clock-state.js';
import type { Level } from './policy.js';

/** A clock as the case view shows it at one instant. */
export interface ClockReading {
  level: Level;
  status: ClockStatus;
  cancelled: boolean;
  /** Working ms (natural ms for a natural clock) used by `now` (by the stop, for a stopped clock). */
  usedMs: number;
  /** `budgetMs − usedMs`: negative once the deadline has passed. */
  remainingMs: number;
  budgetMs: number;
  /** `usedMs / budgetMs` (0 before the start). */
  share: number;
  startedAt: Date | null;
  /** When the clock turns red; `null` while it is paused before it (or idle). */
  deadline: Date | null;
  /** When it turns yellow, and when overdue; `null` when not yet knowable. */
  yellowAt: Date | null;
  overdueAt: Date | null;
}

/**
 * Reads a clock at `now` on the owning unit's working calendar (a natural clock runs on 24×7 in
 * that calendar's zone). Levels: `green` until the used share reaches the threshold, `yellow` until
 * the deadline, `red` from the deadline (已到期), `overdue` (超期) once the grace `overdueAfter` has
 * also run out (by default the next working day). A paused clock keeps its level; a stopped one is
 * read at its stop.
 *
 * @example
 * const c = startClock(createClock(conclusionDef), '2026-02-13T08:10:00Z', cn); // Fri 16:10
 * levelAt(c, new Date('2026-02-25T09:30:00Z'), cn).level; //=> 'red' (Wed 25 Feb 17:30, the deadline)
 * levelAt(c, new Date('2026-02-26T09:30:00Z'), cn).level; //=> 'overdue' (close of the next working day)
 */
export function levelAt(state: ClockState, now: Date | string, calendar: WorkCalendar): ClockReading {
  const t = toMs(now, 'now');
  const marks = marksOf(state, calendar);
  const end = state.stoppedAt === null ? t : Math.min(t, Date.parse(state.stoppedAt));
  const used = state.startedAt === null ? 0 : usedMsAt(state, end, calendar);
  const date = (v: number | null): Date | null => (v === null ? null : new Date(v));
  return {
    level: levelFromMarks(marks, state, t),
    status: state.status,
    cancelled: state.cancelled,
    usedMs: used,
    remainingMs: marks.budget - used,
    budgetMs: marks.budget,
    share: marks.budget === 0 ? 0 : used / marks.budget,
    startedAt: state.startedAt === null ? null : new Date(state.startedAt),
    deadline: date(marks.deadline),
    yellowAt: date(marks.yellowAt),
    overdueAt: date(marks.overdueAt),
  };
}
