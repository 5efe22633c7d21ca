/**
 * The clock algebra: an immutable, JSON-serialisable `ClockState` and pure functions over it. Each
 * function takes the instant of the event and the owning unit's *working* calendar; a clock in
 * natural minutes runs on a 24×7 calendar in that calendar's zone by itself (the working calendar
 * still decides when held reminders may go out). No function reads the current time.
 *
 * The records (start, pauses, stop, target, extension) are the truth; `budgetMs`, `usedMs`,
 * `deadline` are a cache of what they give on the calendar stamped in `calendar`, refreshed by
 * every function and by {@link recomputeClock} when the calendar's revision changes.
 */
import type { WorkCalendar } from '../calendar/work-calendar.js';
import { budgetMs, instantAtUsed, levelFromMarks, marksOf, usedMsAt } from './_clock-math.js';
import { addDuration, fromIso, invalid, iso, naturalCalendar, toMs } from './_time.js';
import type { ClockDefinition, ClockUnit, Duration, Level, LevelRules, SlaRole } from './policy.js';

/**
 * - `idle`: defined, not started.
 * - `scheduled`: started with a delay, opens at `scheduledAt` (回头看).
 * - `running`, `paused` (挂起, 挂账, a 退单 under review), `stopped` (done, or cancelled).
 */
export type ClockStatus = 'idle' | 'scheduled' | 'running' | 'paused' | 'stopped';

/** A pause, `[from, to)`; `to: null` while it lasts. */
export interface ClockPause {
  readonly from: string;
  readonly to: string | null;
}

/** One SLA clock. Plain JSON: instants are ISO strings. */
export interface ClockState {
  /** Unique within the case: the clock name, or `<assignmentId>.<name>` for an assignment clock. */
  readonly key: string;
  readonly name: string;
  readonly scope: 'case' | 'assignment';
  readonly assignmentId: string | null;
  readonly role: SlaRole | null;
  /** The unit whose calendar the clock runs on, for assignment clocks. */
  readonly unitId: string | null;
  readonly unit: ClockUnit;
  /** The limit of the current round, in `unit` (minutes or working days). */
  readonly target: number;
  /** The limit of a round after a reset (重办: the same or a shorter one). */
  readonly redoTarget: number;
  /** Approved extension in `unit`: working days, or minutes for a minute clock. */
  readonly extension: number;
  /** Approved extension as granted, in working days. */
  readonly extensionDays: number;
  readonly threshold: number;
  readonly overdueAfter: Duration;
  /** The clock opens this long after its start event (`null`: at once). */
  readonly delay: Duration | null;
  readonly status: ClockStatus;
  /** Stopped without charging anyone (an approved 退单, a replaced assignment, a cancelled case). */
  readonly cancelled: boolean;
  /** 1 for the first round, +1 per reset. */
  readonly round: number;
  /** The first start of the first round (a tier change recomputes from here). */
  readonly originalStartedAt: string | null;
  readonly scheduledAt: string | null;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  readonly pauses: readonly ClockPause[];
  /** The calendar (id, revision) the cached numbers were computed on. */
  readonly calendar: { readonly id: string; readonly revision: number } | null;
  readonly budgetMs: number;
  /** Working ms used as of `asOf`. */
  readonly usedMs: number;
  readonly asOf: string | null;
  /** When the budget is (or was, or would have been for a stopped clock) used up; `null` while paused before it. */
  readonly deadline: string | null;
  /** The highest level announced in this round (by `evaluateClocks`). */
  readonly level: Level;
  readonly warnedAt: string | null;
  readonly breachedAt: string | null;
  readonly overdueAt: string | null;
  /** Escalation steps already fired in this round. */
  readonly firedSteps: readonly string[];
  /** Stopped at or after its deadline, in any round: stays for the KPIs (超期办结). */
  readonly concludedOverdue: boolean;
  /** The level the clock stopped at (`null` until it stops): a stopped clock never changes again. */
  readonly finalLevel: Level | null;
}

/** Where a new clock comes from. */
export interface CreateClockOptions {
  assignmentId?: string;
  role?: SlaRole;
  unitId?: string;
  /** Level boundaries for clocks that do not set their own (a policy's `levels`). */
  levels?: Partial<LevelRules>;
}

/**
 * An idle clock for a definition.
 *
 * @example
 * const def = resolveClockDefinitions(DEFAULT_SLA_POLICY, 'general').find((d) => d.name === 'conclusion')!;
 * createClock(def).status; //=> 'idle'
 * createClock(def).overdueAfter; //=> { workingDays: 1 }
 */
export function createClock(def: ClockDefinition, options: CreateClockOptions = {}): ClockState {
  const natural = def.unit === 'naturalMinutes';
  const overdueAfter: Duration =
    def.overdueAfter ?? (natural ? options.levels?.naturalOverdueAfter ?? { naturalMinutes: 60 } : options.levels?.overdueAfter ?? { workingDays: 1 });
  const assignmentId = options.assignmentId ?? null;
  return {
    key: def.scope === 'assignment' && assignmentId !== null ? `${assignmentId}.${def.name}` : def.name,
    name: def.name,
    scope: def.scope,
    assignmentId,
    role: options.role ?? def.role ?? null,
    unitId: options.unitId ?? null,
    unit: def.unit,
    target: def.target,
    redoTarget: def.redo.target ?? def.target,
    extension: 0,
    extensionDays: 0,
    threshold: def.threshold ?? options.levels?.threshold ?? 2 / 3,
    overdueAfter,
    delay: def.delay ?? null,
    status: 'idle',
    cancelled: false,
    round: 1,
    originalStartedAt: null,
    scheduledAt: null,
    startedAt: null,
    stoppedAt: null,
    pauses: [],
    calendar: null,
    budgetMs: 0,
    usedMs: 0,
    asOf: null,
    deadline: null,
    level: 'green',
    warnedAt: null,
    breachedAt: null,
    overdueAt: null,
    firedSteps: [],
    concludedOverdue: false,
    finalLevel: null,
  };
}

/** The latest instant recorded on the clock; an event before it would rewrite history. */
function lastInstant(state: ClockState): number | null {
  let last: number | null = null;
  const see = (v: string | null): void => {
    if (v === null) return;
    const t = fromIso(v);
    if (last === null || t > last) last = t;
  };
  see(state.startedAt);
  see(state.stoppedAt);
  for (const p of state.pauses) {
    see(p.from);
    see(p.to);
  }
  return last;
}

function instant(state: ClockState, at: Date | string): number {
  const t = toMs(at, 'at');
  const last = lastInstant(state);
  if (last !== null && t < last) {
    throw invalid('at', `${iso(t)} is before the clock's last recorded instant ${iso(last)} (clock '${state.key}'); time does not go backwards`);
  }
  return t;
}

/** Recomputes the cached numbers on `calendar` as of `asOf`. */
function refresh(state: ClockState, calendar: WorkCalendar, asOf: number): ClockState {
  const budget = budgetMs(state, calendar);
  const deadline = state.startedAt === null ? null : instantAtUsed(state, budget, calendar);
  return {
    ...state,
    calendar: { id: calendar.id, revision: calendar.revision },
    budgetMs: budget,
    usedMs: usedMsAt(state, asOf, calendar),
    asOf: iso(asOf),
    deadline: deadline === null ? null : iso(deadline),
  };
}

const FRESH_ROUND = {
  pauses: [] as readonly ClockPause[],
  stoppedAt: null,
  extension: 0,
  extensionDays: 0,
  cancelled: false,
  level: 'green' as Level,
  warnedAt: null,
  breachedAt: null,
  overdueAt: null,
  firedSteps: [] as readonly string[],
  finalLevel: null,
};

function begin(state: ClockState, t: number, calendar: WorkCalendar): ClockState {
  if (state.delay !== null) {
    // The delay of a 回头看 is natural days; a working delay is read on the working calendar.
    const opensAt = addDuration(t, state.delay, state.unit === 'naturalMinutes' ? naturalCalendar(calendar) : calendar);
    return refresh({ ...state, status: 'scheduled', scheduledAt: iso(opensAt), startedAt: null }, calendar, t);
  }
  return refresh(
    { ...state, status: 'running', scheduledAt: null, startedAt: iso(t), originalStartedAt: state.originalStartedAt ?? iso(t) },
    calendar,
    t,
  );
}

/**
 * Starts an idle clock at `at` (or schedules it, when its definition has a delay). Any other
 * status is returned unchanged: a start event never restarts a clock (that is a reset).
 *
 * @example
 * const c = startClock(createClock(conclusionDef), new Date('2026-02-13T08:10:00Z'), cnMainland());
 * c.deadline; //=> '2026-02-25T09:30:00.000Z' (Wed 25 Feb 17:30: 14 Feb, 24 Feb, 25 Feb)
 */
export function startClock(state: ClockState, at: Date | string, calendar: WorkCalendar): ClockState {
  if (state.status !== 'idle') return state;
  return begin(state, instant(state, at), calendar);
}

/**
 * Opens a scheduled clock at its `scheduledAt` (its time counts from there, however late this is
 * called). Other statuses are returned unchanged.
 *
 * @example
 * openClock(startClock(createClock(followUp30Def), '2026-03-02T02:00:00Z', cn), cn).startedAt;
 * //=> '2026-04-01T02:00:00.000Z'
 */
export function openClock(state: ClockState, calendar: WorkCalendar): ClockState {
  if (state.status !== 'scheduled' || state.scheduledAt === null) return state;
  const t = fromIso(state.scheduledAt);
  return refresh(
    { ...state, status: 'running', startedAt: state.scheduledAt, originalStartedAt: state.originalStartedAt ?? state.scheduledAt },
    calendar,
    t,
  );
}

/**
 * Pauses a running clock (挂起 approved, 挂账, a 退单 under review). Other statuses: unchanged.
 *
 * @example
 * pauseClock(running, '2026-02-24T02:00:00Z', cn).status; //=> 'paused'
 */
export function pauseClock(state: ClockState, at: Date | string, calendar: WorkCalendar): ClockState {
  if (state.status !== 'running') return state;
  const t = instant(state, at);
  return refresh({ ...state, status: 'paused', pauses: [...state.pauses, { from: iso(t), to: null }], deadline: null }, calendar, t);
}

/**
 * Resumes a paused clock; the deadline moves by exactly the working time the pause covered.
 * Other statuses: unchanged.
 *
 * @example
 * resumeClock(pauseClock(running, p, cn), r, cn).deadline; // the old deadline + working minutes in [p, r)
 */
export function resumeClock(state: ClockState, at: Date | string, calendar: WorkCalendar): ClockState {
  if (state.status !== 'paused') return state;
  const t = instant(state, at);
  const pauses = state.pauses.map((p, i) => (i === state.pauses.length - 1 ? { from: p.from, to: iso(t) } : p));
  return refresh({ ...state, status: 'running', pauses }, calendar, t);
}

function end(state: ClockState, at: Date | string, calendar: WorkCalendar, cancelled: boolean): ClockState {
  if (state.status === 'stopped' || state.status === 'idle') return state;
  const t = instant(state, at);
  if (state.status === 'scheduled') {
    return { ...refresh({ ...state, status: 'stopped', cancelled, scheduledAt: null, stoppedAt: iso(t) }, calendar, t), finalLevel: 'green' };
  }
  const pauses = state.status === 'paused' ? state.pauses.map((p) => (p.to === null ? { from: p.from, to: iso(t) } : p)) : state.pauses;
  const stopped = refresh({ ...state, status: 'stopped', cancelled, pauses, stoppedAt: iso(t) }, calendar, t);
  const late = !cancelled && stopped.deadline !== null && fromIso(stopped.deadline) <= t;
  const finalLevel = levelFromMarks(marksOf(stopped, calendar), stopped, t);
  return { ...stopped, finalLevel, concludedOverdue: stopped.concludedOverdue || late };
}

/**
 * Stops a clock: the work it measured is done. Stopped at or after its deadline, the clock keeps
 * `concludedOverdue: true` for the KPIs, whatever happens later.
 *
 * @example
 * stopClock(conclusion, '2026-02-26T02:00:00Z', cn).concludedOverdue; //=> true (deadline was 25 Feb 17:30)
 */
export function stopClock(state: ClockState, at: Date | string, calendar: WorkCalendar): ClockState {
  return end(state, at, calendar, false);
}

/**
 * Stops a clock without charging anyone: an approved 退单 or a 转派 ends the returning unit's
 * clocks, and it is never counted overdue for them.
 *
 * @example
 * cancelClock(sign, at, cn).cancelled; //=> true
 */
export function cancelClock(state: ClockState, at: Date | string, calendar: WorkCalendar): ClockState {
  return end(state, at, calendar, true);
}

/**
 * A new handling round (重办, 退回重办): the clock starts afresh at `at` with the redo limit (the
 * same or shorter; `options.target` overrides it, never above the clock's limit), no pauses, no
 * extension, and no level announced yet. `concludedOverdue` of earlier rounds stays. An idle clock
 * is returned unchanged.
 *
 * @example
 * resetClock(conclusion, '2026-03-02T01:00:00Z', cn).round; //=> 2
 */
export function resetClock(state: ClockState, at: Date | string, calendar: WorkCalendar, options: { target?: number } = {}): ClockState {
  if (state.status === 'idle') return state;
  const t = instant(state, at);
  const target = options.target ?? state.redoTarget;
  if (!(target > 0) || target > Math.max(state.target, state.redoTarget) || (state.unit === 'workingDays' && !Number.isInteger(target))) {
    throw invalid('target', `a redo limit must be positive, ${state.unit === 'workingDays' ? 'whole, ' : ''}and not longer than ${state.target}`);
  }
  const origin = state.originalStartedAt;
  const fresh = { ...state, ...FRESH_ROUND, target, round: state.round + 1, status: 'idle' as const, startedAt: null, scheduledAt: null };
  const started = begin(fresh, t, calendar);
  return { ...started, originalStartedAt: origin ?? started.originalStartedAt };
}

/** How extension days convert for minute clocks. */
export interface ExtendOptions {
  /** Working minutes per approved working day on a `workingMinutes` clock (default 420: 7 h). */
  workingDayMinutes?: number;
  /** Minutes per approved day on a `naturalMinutes` clock (default 1440). */
  naturalDayMinutes?: number;
}

/**
 * An approved extension (延期) ADDS its working days to the limit: remaining = target + approved −
 * used. It never restarts the clock. A working-day clock gets whole working days (its deadline moves
 * to the close of the (target + approved)-th working day after the start, plus any pauses); a
 * minute clock gets `days × workingDayMinutes` (or natural minutes). A stopped clock is unchanged.
 *
 * @example
 * extendClock(conclusion, 2, cn).deadline; //=> two working days after the old deadline
 */
export function extendClock(state: ClockState, workingDays: number, calendar: WorkCalendar, options: ExtendOptions = {}): ClockState {
  if (!Number.isInteger(workingDays) || workingDays < 1) throw invalid('workingDays', 'an extension is a whole number of working days, at least 1');
  if (state.status === 'idle' || state.status === 'stopped' || state.status === 'scheduled') return state;
  const perDay = state.unit === 'workingDays' ? 1 : state.unit === 'workingMinutes' ? options.workingDayMinutes ?? 420 : options.naturalDayMinutes ?? 1440;
  return refresh(
    { ...state, extension: state.extension + workingDays * perDay, extensionDays: state.extensionDays + workingDays },
    calendar,
    asOfOf(state),
  );
}

/** What a tier change may alter on a clock. */
export interface Retarget {
  target: number;
  redoTarget?: number;
  threshold?: number;
  overdueAfter?: Duration;
}

/**
 * A change of tier: the clock keeps its start, pauses and extension and is measured against the
 * new target from its original start, retroactively (a clock that was on time under the old
 * limit can be red under the new one at once, and the other way round).
 *
 * @example
 * retargetClock(conclusion, { target: 10 }, cn).deadline; // 10 working days after the start
 */
export function retargetClock(state: ClockState, retarget: Retarget, calendar: WorkCalendar): ClockState {
  if (!(retarget.target > 0) || (state.unit === 'workingDays' && !Number.isInteger(retarget.target))) {
    throw invalid('target', 'a target must be positive (and whole for working days)');
  }
  return refresh(
    {
      ...state,
      target: retarget.target,
      redoTarget: Math.min(retarget.redoTarget ?? retarget.target, retarget.target),
      threshold: retarget.threshold ?? state.threshold,
      overdueAfter: retarget.overdueAfter ?? state.overdueAfter,
    },
    calendar,
    asOfOf(state),
  );
}

/**
 * Recomputes budget, deadline and used time on `calendar`, e.g. after `calendar.addNotice` changed
 * its revision (a late holiday notice) or the owning unit's calendar changed. A stopped clock's
 * `concludedOverdue` and `finalLevel` stay as they were decided at its stop.
 *
 * @example
 * cn.addNotice(lateNotice);
 * recomputeClock(conclusion, cn).deadline; // moved past the new holidays
 */
export function recomputeClock(state: ClockState, calendar: WorkCalendar): ClockState {
  return refresh(state, calendar, asOfOf(state));
}

/**
 * Whether the clock's cached numbers were computed on another calendar or revision.
 *
 * @example
 * cn.addNotice(notice2027);
 * isStale(conclusion, cn); //=> true
 */
export function isStale(state: ClockState, calendar: WorkCalendar): boolean {
  return state.calendar !== null && (state.calendar.id !== calendar.id || state.calendar.revision !== calendar.revision);
}

function asOfOf(state: ClockState): number {
  return state.asOf === null ? lastInstant(state) ?? 0 : fromIso(state.asOf);
}
