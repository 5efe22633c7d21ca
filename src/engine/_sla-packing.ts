/**
 * The stored form of a case's SLA state. The case row is serialised on every commit and parsed on
 * every load, and its clocks were half of its bytes, so they are stored compactly and losslessly
 * (reading gives back exactly the values that were written):
 *
 * - a clock is `[mask, ...values]`: the values of the fields in `CLOCK_FIELDS` order that differ
 *   from their default, with bit i of `mask` set when field i is present. The defaults are
 *   constants (null, false, 0, an empty list, green, round 1), taken from the clock itself (`name`
 *   from the key, `redoTarget` = `target`, `originalStartedAt` and `asOf` = `startedAt`, `calendar`
 *   = the previous clock's), or, from format 3 on, the clock's terms under the built-in policy of
 *   format 3 (`FORMAT_3_TERMS`: scope, unit, target, threshold, grace). That table is frozen with
 *   the format: a stored clock never depends on the policy the engine runs today;
 * - a clock of another shape (a newer SLA core) is stored as an object, never trimmed.
 *
 * Formats 1 (a positional array of every field) and 2 (no policy terms) are still read.
 */
import type { ClockState } from '../sla/clock-state.js';
import type { SlaClocks } from '../sla/apply-sla-event.js';
import type { CaseSla } from './_sla.js';

const CLOCK_FIELDS = [
  'key', 'name', 'scope', 'assignmentId', 'role', 'unitId', 'unit', 'target', 'redoTarget', 'extension', 'extensionDays', 'threshold',
  'overdueAfter', 'delay', 'status', 'cancelled', 'round', 'originalStartedAt', 'scheduledAt', 'startedAt', 'stoppedAt', 'pauses',
  'calendar', 'budgetMs', 'usedMs', 'asOf', 'deadline', 'level', 'warnedAt', 'breachedAt', 'overdueAt', 'firedSteps', 'concludedOverdue',
  'finalLevel',
] as const;
type ClockField = (typeof CLOCK_FIELDS)[number];
const FIELD_SET: ReadonlySet<string> = new Set(CLOCK_FIELDS);

/** The format `packSla` writes. */
const FORMAT = 3;

const LOG_FIELDS = ['type', 'at', 'assignmentId', 'role', 'unitId', 'workingDays', 'clock'] as const;

type Raw = Record<string, unknown>;

/**
 * A clock's terms under `DEFAULT_SLA_POLICY` as it stood when format 3 was defined, by scope and
 * name: [unit, target]. Frozen here rather than read from the policy, so a later change of the
 * built-in policy cannot change what a stored row means (a test checks the two still agree; when
 * they no longer do, the next format gets its own table). The threshold default is 2/3, the grace
 * one working day, or 60 natural minutes for a natural clock.
 */
export const FORMAT_3_TERMS: Readonly<Record<string, readonly [string, number]>> = {
  'assignment:sign': ['workingDays', 1],
  'assignment:response': ['workingMinutes', 240],
  'case:review': ['workingDays', 1],
  'case:revisit': ['workingDays', 1],
  'case:followUp30': ['workingDays', 5],
  'case:followUp90': ['workingDays', 5],
  'case:response': ['naturalMinutes', 120],
  'case:firstFeedback': ['naturalMinutes', 1440],
  'case:acceptance': ['workingMinutes', 240],
  'case:conclusion': ['workingDays', 3],
  'case:leadDesignation': ['workingDays', 1],
  'case:solution': ['workingDays', 10],
};
export const FORMAT_3_THRESHOLD = 2 / 3;
// Frozen: every clock read without a stored grace shares one of these objects.
export const FORMAT_3_GRACE = Object.freeze({ workingDays: 1 } as const);
export const FORMAT_3_NATURAL_GRACE = Object.freeze({ naturalMinutes: 60 } as const);

/** Fields whose default is a constant. */
const CONSTANT_DEFAULTS: Partial<Record<ClockField, unknown>> = {
  assignmentId: null, role: null, unitId: null, extension: 0, extensionDays: 0, delay: null, cancelled: false, round: 1,
  scheduledAt: null, startedAt: null, stoppedAt: null, budgetMs: 0, usedMs: 0, deadline: null, level: 'green', warnedAt: null,
  breachedAt: null, overdueAt: null, concludedOverdue: false, finalLevel: null,
};
const DEFAULTS: readonly unknown[] = CLOCK_FIELDS.map((f) => CONSTANT_DEFAULTS[f]);
const at = (f: ClockField): number => CLOCK_FIELDS.indexOf(f);
const KEY = at('key');
const NAME = at('name');
const ASSIGNMENT = at('assignmentId');
const SCOPE = at('scope');
const UNIT = at('unit');
const TARGET = at('target');
const THRESHOLD = at('threshold');
const OVERDUE_AFTER = at('overdueAfter');
const REDO_TARGET = at('redoTarget');
const STARTED = at('startedAt');
const ORIGINAL_START = at('originalStartedAt');
const AS_OF = at('asOf');
const CALENDAR = at('calendar');
const PAUSES = at('pauses');
const FIRED = at('firedSteps');

/**
 * A clock's policy terms as defaults: `null` in formats before 3 (no such defaults), `undefined` for
 * a clock the table does not know (every term stored).
 */
type Terms = readonly [string, number] | undefined | null;

/** The format-3 terms of a clock, found by its scope (an assignment id or none) and name. */
function termsOf(v: readonly unknown[]): Terms {
  const byScope = TERMS_BY_NAME.get(v[NAME] as string);
  return byScope === undefined ? undefined : v[ASSIGNMENT] === null ? byScope.case : byScope.assignment;
}

/** `FORMAT_3_TERMS` by name, then scope: asked for every clock packed or read, without building a key. */
const TERMS_BY_NAME = new Map<string, { case?: readonly [string, number]; assignment?: readonly [string, number] }>();
for (const [slot, terms] of Object.entries(FORMAT_3_TERMS)) {
  const [scope, name] = slot.split(':') as ['case' | 'assignment', string];
  const entry = TERMS_BY_NAME.get(name) ?? {};
  entry[scope] = terms;
  TERMS_BY_NAME.set(name, entry);
}

/** The default of field `i`, from the clock's other values (`v`) and terms where it is not a constant. */
function defaultOf(i: number, v: readonly unknown[], previousCalendar: unknown, terms: Terms): unknown {
  switch (i) {
    case NAME: {
      const key = v[KEY] as string;
      const a = v[ASSIGNMENT];
      return typeof a === 'string' && key.startsWith(`${a}.`) ? key.slice(a.length + 1) : key;
    }
    case REDO_TARGET:
      return v[TARGET];
    case ORIGINAL_START:
    case AS_OF:
      return v[STARTED];
    case CALENDAR:
      return previousCalendar;
    default:
      break;
  }
  if (terms === null) return DEFAULTS[i];
  switch (i) {
    case SCOPE:
      return terms === undefined ? undefined : v[ASSIGNMENT] === null ? 'case' : 'assignment';
    case UNIT:
      return terms?.[0];
    case TARGET:
      return terms?.[1];
    case THRESHOLD:
      return FORMAT_3_THRESHOLD;
    case OVERDUE_AFTER:
      return v[UNIT] === 'naturalMinutes' ? FORMAT_3_NATURAL_GRACE : FORMAT_3_GRACE;
    default:
      return DEFAULTS[i];
  }
}

/** Fields the defaults of others read, in the order they are restored: the terms' keys, then the terms. */
const IDENTITY: readonly number[] = [KEY, ASSIGNMENT, STARTED, NAME];
const TERMS: readonly number[] = [UNIT, TARGET];
const RESTORED_FIRST: readonly boolean[] = CLOCK_FIELDS.map((_, i) => IDENTITY.includes(i) || TERMS.includes(i));

/** Equal as JSON would write them (same keys in the same order, same values); no serialising. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !sameJson((a as Raw)[k], (b as Raw)[k])) return false;
  }
  return true;
}

/** Whether the clock has exactly the fields this format knows, so nothing can be dropped. */
function packable(o: Raw): boolean {
  let n = 0;
  for (const k in o) {
    if (!FIELD_SET.has(k)) return false;
    n++;
  }
  return n === CLOCK_FIELDS.length && typeof o['key'] === 'string';
}

// The presence mask has a bit per field (34): kept below 2^53 as one number, read as two 30-bit halves.
const HALF = 2 ** 30;

// Scratch rows for one clock's values and presence: packing and unpacking are synchronous and never
// re-enter, and a fresh pair per clock was most of what reading a case allocated.
const values: unknown[] = new Array<unknown>(CLOCK_FIELDS.length).fill(null);
const absent: boolean[] = new Array<boolean>(CLOCK_FIELDS.length).fill(false);

function packClock(o: Raw, previousCalendar: unknown): unknown[] {
  const v = values;
  for (let i = 0; i < CLOCK_FIELDS.length; i++) v[i] = o[CLOCK_FIELDS[i] as string];
  const out: unknown[] = [0, v[KEY]];
  const terms = termsOf(v);
  let mask = 0;
  for (let i = 1; i < CLOCK_FIELDS.length; i++) {
    const value = v[i];
    const omit = i === PAUSES || i === FIRED ? Array.isArray(value) && value.length === 0 : sameJson(value, defaultOf(i, v, previousCalendar, terms));
    if (omit) continue;
    mask += 2 ** i;
    out.push(value);
  }
  out[0] = mask;
  v.fill(null);
  return out;
}

function unpackClock(row: readonly unknown[], previousCalendar: unknown, format: number): Raw {
  const mask = row[0] as number;
  const v = values;
  const missing = absent;
  let next = 2;
  v[KEY] = row[1];
  missing[KEY] = false;
  const low = mask % HALF;
  const high = Math.floor(mask / HALF);
  for (let i = 1; i < CLOCK_FIELDS.length; i++) {
    missing[i] = (i < 30 ? low & (1 << i) : high & (1 << (i - 30))) === 0;
    v[i] = missing[i] ? undefined : row[next++];
  }
  // Restored before the rest, each after what its own default reads.
  for (const i of IDENTITY) if (missing[i]) v[i] = defaultOf(i, v, previousCalendar, null);
  const terms = format >= 3 ? termsOf(v) : null;
  for (const i of TERMS) if (missing[i]) v[i] = defaultOf(i, v, previousCalendar, terms);
  for (let i = 0; i < CLOCK_FIELDS.length; i++) {
    if (missing[i] && !RESTORED_FIRST[i]) v[i] = i === PAUSES || i === FIRED ? [] : defaultOf(i, v, previousCalendar, terms);
  }
  const clock = clockOf(v);
  v.fill(null);
  return clock;
}

/**
 * The clock object of a values row, in `CLOCK_FIELDS` order, as one literal: one allocation with its
 * final shape, where adding 34 properties one by one grows the object several times over.
 */
function clockOf(v: readonly unknown[]): Raw {
  return {
    key: v[0], name: v[1], scope: v[2], assignmentId: v[3], role: v[4], unitId: v[5], unit: v[6], target: v[7], redoTarget: v[8],
    extension: v[9], extensionDays: v[10], threshold: v[11], overdueAfter: v[12], delay: v[13], status: v[14], cancelled: v[15],
    round: v[16], originalStartedAt: v[17], scheduledAt: v[18], startedAt: v[19], stoppedAt: v[20], pauses: v[21], calendar: v[22],
    budgetMs: v[23], usedMs: v[24], asOf: v[25], deadline: v[26], level: v[27], warnedAt: v[28], breachedAt: v[29], overdueAt: v[30],
    firedSteps: v[31], concludedOverdue: v[32], finalLevel: v[33],
  };
}

/** The stored form of `CaseSla`. */
interface PackedSla extends Omit<CaseSla, 'clocks'> {
  packed: 1 | 2 | 3;
  tier: string;
  clocks: Array<unknown[] | Raw>;
  log: unknown[][];
}

/**
 * `CaseSla` as the case row stores it.
 *
 * @example
 * unpackSla(packSla(sla), 'general'); // deep-equals sla
 */
export function packSla(sla: CaseSla): PackedSla {
  let calendar: unknown = null;
  const clocks: Array<unknown[] | Raw> = [];
  for (const key in sla.clocks.clocks) {
    const o = sla.clocks.clocks[key] as unknown as Raw;
    if (!packable(o)) {
      clocks.push(o);
      continue;
    }
    const read = readFrom.get(o);
    clocks.push(read !== undefined && sameJson(read.previousCalendar, calendar) ? read.row : packClock(o, calendar));
    calendar = o['calendar'];
  }
  const log = sla.clocks.log.map((e) => {
    const o = e as unknown as Raw;
    const read = logReadFrom.get(o);
    if (read !== undefined) return read;
    const row = LOG_FIELDS.map((f) => (o[f] === undefined ? null : o[f]));
    while (row.length > 2 && row[row.length - 1] === null) row.pop();
    return row;
  });
  return { ...sla, packed: FORMAT, tier: sla.clocks.tier, clocks, log };
}

/**
 * The stored rows clocks and log entries were read from (format 3 only), by the object read. Clock
 * states and log entries are immutable, and most of a case's clocks come through a command
 * untouched (the same object), so packing gives back the row they came from instead of packing
 * them again, as long as the calendar they were read after is still the one before them.
 */
const readFrom = new WeakMap<object, { row: unknown[]; previousCalendar: unknown }>();
const logReadFrom = new WeakMap<object, unknown[]>();

/** Reads what `packSla` wrote (format 1, 2 or 3), or an unpacked `CaseSla`, or nothing (a new case). */
export function unpackSla(stored: unknown, tier: string, empty: (tier: string) => CaseSla): CaseSla {
  if (stored === undefined || stored === null) return empty(tier);
  const p = stored as PackedSla | CaseSla;
  if (!('packed' in p)) return p;
  const clocks: Record<string, ClockState> = {};
  let calendar: unknown = null;
  for (const c of p.clocks) {
    let o: Raw;
    if (!Array.isArray(c)) {
      o = c;
    } else if (p.packed === 1) {
      o = {};
      for (let i = 0; i < CLOCK_FIELDS.length; i++) o[CLOCK_FIELDS[i] as string] = c[i];
    } else {
      o = unpackClock(c, calendar, p.packed);
      if (p.packed === FORMAT) readFrom.set(o, { row: c, previousCalendar: calendar });
      calendar = o['calendar'];
    }
    clocks[o['key'] as string] = o as unknown as ClockState;
  }
  const log = p.log.map((row) => {
    const e: Raw = {};
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (v !== undefined && v !== null) e[LOG_FIELDS[i] as string] = v;
    }
    if (p.packed === FORMAT) logReadFrom.set(e, row);
    return e as unknown as SlaClocks['log'][number];
  });
  const { packed: _p, tier: slaTier, clocks: _c, log: _l, ...rest } = p;
  return { ...rest, clocks: { version: 1, tier: slaTier, clocks, log } };
}
