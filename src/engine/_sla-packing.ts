/**
 * The stored form of a case's SLA state. The case row is serialised on every commit and parsed on
 * every load, and its clocks were half of its bytes, so they are stored compactly and losslessly
 * (reading gives back exactly the values that were written):
 *
 * - a clock is `[mask, ...values]`: the values of the fields in `CLOCK_FIELDS` order that differ
 *   from their default, with bit i of `mask` set when field i is present. The defaults are
 *   policy-independent (null, false, 0, an empty list, green, round 1) or taken from the clock
 *   itself (`name` from the key, `redoTarget` = `target`, `originalStartedAt` and `asOf` =
 *   `startedAt`, `calendar` = the previous clock's): a stored clock never depends on today's policy;
 * - a clock of another shape (a newer SLA core) is stored as an object, never trimmed.
 *
 * Format 1 (a positional array of every field) is still read.
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

const LOG_FIELDS = ['type', 'at', 'assignmentId', 'role', 'unitId', 'workingDays', 'clock'] as const;

type Raw = Record<string, unknown>;

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
const TARGET = at('target');
const REDO_TARGET = at('redoTarget');
const STARTED = at('startedAt');
const ORIGINAL_START = at('originalStartedAt');
const AS_OF = at('asOf');
const CALENDAR = at('calendar');
const PAUSES = at('pauses');
const FIRED = at('firedSteps');

/** The default of field `i`, from the clock's other values (`v`) where it is not a constant. */
function defaultOf(i: number, v: readonly unknown[], previousCalendar: unknown): unknown {
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
      return DEFAULTS[i];
  }
}

/** Fields the defaults of others read are restored first. */
const DEPENDED_ON: readonly number[] = [KEY, ASSIGNMENT, TARGET, STARTED];

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
const present = (mask: number, i: number): boolean => (i < 30 ? (mask % HALF) & (1 << i) : Math.floor(mask / HALF) & (1 << (i - 30))) !== 0;

function packClock(o: Raw, previousCalendar: unknown): unknown[] {
  const v: unknown[] = new Array(CLOCK_FIELDS.length);
  for (let i = 0; i < CLOCK_FIELDS.length; i++) v[i] = o[CLOCK_FIELDS[i] as string];
  const out: unknown[] = [0, v[KEY]];
  let mask = 0;
  for (let i = 1; i < CLOCK_FIELDS.length; i++) {
    const value = v[i];
    const omit = i === PAUSES || i === FIRED ? Array.isArray(value) && value.length === 0 : sameJson(value, defaultOf(i, v, previousCalendar));
    if (omit) continue;
    mask += 2 ** i;
    out.push(value);
  }
  out[0] = mask;
  return out;
}

function unpackClock(row: readonly unknown[], previousCalendar: unknown): Raw {
  const mask = row[0] as number;
  const v: unknown[] = new Array(CLOCK_FIELDS.length);
  const missing: boolean[] = new Array(CLOCK_FIELDS.length);
  let next = 2;
  v[KEY] = row[1];
  missing[KEY] = false;
  for (let i = 1; i < CLOCK_FIELDS.length; i++) {
    missing[i] = !present(mask, i);
    if (!missing[i]) v[i] = row[next++];
  }
  for (const i of DEPENDED_ON) if (missing[i]) v[i] = DEFAULTS[i];
  const o: Raw = {};
  for (let i = 0; i < CLOCK_FIELDS.length; i++) {
    let value = v[i];
    if (missing[i]) value = i === PAUSES || i === FIRED ? [] : defaultOf(i, v, previousCalendar);
    o[CLOCK_FIELDS[i] as string] = value;
  }
  return o;
}

/** The stored form of `CaseSla`. */
interface PackedSla extends Omit<CaseSla, 'clocks'> {
  packed: 1 | 2;
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
    clocks.push(packClock(o, calendar));
    calendar = o['calendar'];
  }
  const log = sla.clocks.log.map((e) => {
    const o = e as unknown as Raw;
    const row = LOG_FIELDS.map((f) => (o[f] === undefined ? null : o[f]));
    while (row.length > 2 && row[row.length - 1] === null) row.pop();
    return row;
  });
  return { ...sla, packed: 2, tier: sla.clocks.tier, clocks, log };
}

/** Reads what `packSla` wrote (format 1 or 2), or an unpacked `CaseSla`, or nothing (a new case). */
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
      o = unpackClock(c, calendar);
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
    return e as unknown as SlaClocks['log'][number];
  });
  const { packed: _p, tier: slaTier, clocks: _c, log: _l, ...rest } = p;
  return { ...rest, clocks: { version: 1, tier: slaTier, clocks, log } };
}
