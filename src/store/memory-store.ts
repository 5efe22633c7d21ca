import { randomUUID } from 'node:crypto';
import { ConcurrencyError, JiaobanError } from '../errors.js';
import { checkClaimOptions, checkHeldIds, checkRenewOptions } from './_lease.js';
import { compactJsonCodec } from './_compact-json.js';
import { MinHeap } from './_min-heap.js';
import type {
  AuditEntry, CaseQueryFilter, CaseStore, ClaimedOutboxRow, ClaimedTimer, CommitBatch, IdempotencyRecord, OutboxRow, Page, PageOptions, StoredCase,
  StoredEvent, TimerRow,
} from './case-store.js';

/**
 * The hash a case's first audit entry chains to.
 *
 * @example
 * GENESIS_HASH.length;
 * //=> 64
 */
export const GENESIS_HASH = '0'.repeat(64);

type IndexName = 'state' | 'tier' | 'leadUnitId' | 'ownerId' | 'level';
const INDEXES: readonly IndexName[] = ['state', 'tier', 'leadUnitId', 'ownerId', 'level'];
const DAY_MS = 86_400_000;

/**
 * Rows are kept as JSON strings: every read parses a fresh copy (so callers cannot corrupt the
 * store through a returned object), the store behaves like a database round-trip would, and a
 * flat one-byte string is the most compact thing V8 holds (see `packerOf`). Buffers were tried and
 * cost more: pooled slices pin whole 8 KB slabs, exact-size ones add an ArrayBuffer per row and
 * external-memory churn that slows every command. Encodings that keep 100,000 open cases small, all
 * lossless (a read gives back exactly the values that were written):
 * - unless the store is made with `compact: false`, every string is written by one compact JSON codec
 *   (`_compact-json.ts`): an object's keys once per layout for the whole process instead of once per
 *   object, instants as epoch ms, hashes in base64;
 * - the case row is stored without the fields the record already holds (id, tenant, version, the
 *   indexed keys, and the audit head, which commit checks equals the chain's last entry);
 * - one string per commit holds that commit's audit entries and events;
 * - an audit entry is an array without `prevHash`, which is by construction the previous entry's
 *   hash (commit refuses a batch that does not extend the chain);
 * - an event omits every base field equal to the case's or the commit's first audit entry's
 *   (`caseId`, `tenantId`, `tier`, canonical `eventId`, `version`, `at`, `actorId`, `command`,
 *   `fromState`, `toState`); a bit mask says which were omitted.
 * An outbox row is a pointer to its event, not a second copy.
 */
interface CaseRecord {
  /** The case id, one string instance shared by the case map and every index. */
  id: string;
  tenantId: string;
  /** The case row minus `ROW_FIELDS`, packed (see `packerOf`). */
  json: string;
  version: number;
  keys: Record<IndexName, string | null>;
  /** `unitIds` of the row (`null` when the row had none), indexed one entry per unit. */
  units: string[] | null;
  /** `dueAt` of the row (`undefined` when the row had none), indexed by UTC day bucket. */
  dueAt: string | null | undefined;
  /** One encoded string per commit: `[tier, version, audit entries, events]`. */
  commits: readonly string[];
  /** Ids of the case's timers (usually one or two: an array costs less than a set per case). */
  timerIds: readonly string[];
  auditCount: number;
  lastHash: string;
}

interface OutboxEntry {
  rec: CaseRecord;
  commit: number;
  index: number;
}

/**
 * What a relay's claims left on an outbox row: the lease (null once released) and the claim count.
 * Kept beside the outbox, not in its entries, so that rows nobody has claimed cost nothing more.
 */
interface OutboxClaim {
  lease: { token: string; owner: string; expiresMs: number } | null;
  attempts: number;
}

interface TimerEntry {
  /** The row minus id, tenant and case, packed (a copy goes out on every read). */
  json: string;
  caseId: string;
  dueMs: number;
  lease: ClaimedTimer['lease'] | null;
  attempts: number;
  /** Bumped on every change: a heap entry with an older generation is stale and skipped. */
  gen: number;
}

/** A heap entry: [instant the timer becomes claimable, its due instant, timer id, generation]. */
type HeapItem = [number, number, string, number];

// The timer index is a binary min-heap on (instant, due, id) with lazy deletion: timers are never
// searched, only popped when due, so an upsert pushes a new generation, a removal just forgets the
// entry, and stale items are dropped when they reach the top (or by a rebuild when they pile up).
function less(a: HeapItem, b: HeapItem): boolean {
  // Among timers claimable at the same instant (leases that ran out together), the oldest due first.
  return a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));
}

interface TenantData {
  cases: Map<string, CaseRecord>;
  idempotency: Map<string, string>;
  outbox: Map<string, OutboxEntry>;
  /** Outbox rows claimed at least once (and not acknowledged since), by id. */
  outboxClaims: Map<string, OutboxClaim>;
  indexes: Record<IndexName, Map<string, Set<string>>>;
  /** unitId → case ids with an active assignment of that unit. */
  units: Map<string, Set<string>>;
  /** UTC day of `dueAt` → case ids, with the days kept sorted: a `dueBefore` range walks whole days. */
  dueDays: Map<number, Set<string>>;
  dueDayKeys: number[];
  timers: Map<string, TimerEntry>;
  heap: MinHeap<HeapItem>;
}

const ROW_FIELDS = ['tenantId', 'id', 'version', 'state', 'tier', 'leadUnitId', 'ownerId', 'auditHead', 'level', 'unitIds', 'dueAt'] as const;
const EVENT_BASE = ['caseId', 'tenantId', 'tier', 'version', 'eventId', 'at', 'actorId', 'command', 'fromState', 'toState'] as const;
const EVENT_BIT = new Map<string, number>(EVENT_BASE.map((key, i) => [key, 1 << i]));
type AuditTuple = [number, string, string, string, string | null, string, string, string];
type EncodedCommit = [string, number, AuditTuple[], Array<[number, Record<string, unknown>]>];

const NOT_ASCII = /[^\x00-\x7f]/;
/** How a store turns what it keeps into strings and back. */
interface Packer {
  pack(value: unknown): string;
  unpack<T>(packed: string): T;
}

interface TextCodec {
  encode(value: unknown): string;
  decode<T>(text: string): T;
}

const PLAIN_JSON: TextCodec = { encode: (value) => JSON.stringify(value), decode: <T>(text: string) => JSON.parse(text) as T };
// One compact codec for every compact memory store of the process: layouts are shared (a store's
// rows decode with layouts another store recorded), only ever added, and capped, so sharing costs
// nothing and saves each store from recording the same few dozen again.
const COMPACT_JSON: TextCodec = compactJsonCodec();

/**
 * Text packed as a one-byte string of its UTF-8 bytes. V8 stores a string with even one character
 * above Latin-1 at two bytes per character, so a Chinese title would double the size of a whole
 * row; packed, every row costs its UTF-8 length, and both directions are single native copies.
 */
function packerOf(codec: TextCodec): Packer {
  return {
    pack(value) {
      const json = codec.encode(value);
      // Pure ASCII is its own UTF-8: already one byte per character, nothing to repack.
      if (!NOT_ASCII.test(json)) return json;
      const n = scratchFor(json.length * 3).write(json, 0, 'utf8');
      return scratch.toString('latin1', 0, n);
    },
    unpack<T>(packed: string): T {
      if (!NOT_ASCII.test(packed)) return codec.decode<T>(packed);
      const n = scratchFor(packed.length).write(packed, 0, 'latin1');
      return codec.decode<T>(scratch.toString('utf8', 0, n));
    },
  };
}
const COMPACT_PACKER = packerOf(COMPACT_JSON);
const PLAIN_PACKER = packerOf(PLAIN_JSON);

/**
 * One reusable buffer for the UTF-8 ⇄ one-byte conversions: a fresh Buffer per row and direction
 * was a tenth of a command's time. Safe to share: packing and unpacking never yield.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);
function scratchFor(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, scratch.length * 2));
  return scratch;
}

function encodeRow(p: Packer, c: StoredCase): string {
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(c)) {
    if (!(ROW_FIELDS as readonly string[]).includes(key)) rest[key] = (c as unknown as Record<string, unknown>)[key];
  }
  return p.pack(rest);
}

// Arrays a record keeps are replaced, never grown in place, and built by `concat`, `slice` and
// `Array.from`, which allocate exactly the room they need: `push` and spreading reserve room for
// more (16 slots or so), which a record then carries for the rest of the case's life.
const NONE: readonly string[] = Object.freeze([]);

/** `list` without `item`, exactly sized. */
function without(list: readonly string[], item: string): readonly string[] {
  const i = list.indexOf(item);
  return i < 0 ? list : list.slice(0, i).concat(list.slice(i + 1));
}

/** A timer row minus what its entry already holds (id, tenant, case). */
function encodeTimer(p: Packer, row: TimerRow): string {
  const { id: _id, tenantId: _tenant, caseId: _case, ...rest } = row;
  return p.pack(rest);
}

function decodeTimer(p: Packer, tenantId: string, id: string, e: TimerEntry): TimerRow {
  return { id, tenantId, caseId: e.caseId, ...p.unpack<Omit<TimerRow, 'id' | 'tenantId' | 'caseId'>>(e.json) };
}

function decodeRow(p: Packer, rec: CaseRecord): StoredCase {
  const k = rec.keys;
  const row = p.unpack<StoredCase>(rec.json);
  row.tenantId = rec.tenantId;
  row.id = rec.id;
  row.tier = k.tier as string;
  row.version = rec.version;
  row.state = k.state as string;
  row.leadUnitId = k.leadUnitId;
  row.ownerId = k.ownerId;
  row.auditHead = { seq: rec.auditCount, hash: rec.lastHash };
  if (k.level !== null) row.level = k.level as NonNullable<StoredCase['level']>;
  if (rec.units !== null) row.unitIds = [...rec.units];
  if (rec.dueAt !== undefined) row.dueAt = rec.dueAt;
  return row;
}

function eventBase(rec: CaseRecord, tier: string, version: number, first: AuditTuple | undefined, index: number): Record<string, unknown> {
  const base: Record<string, unknown> = { caseId: rec.id, tenantId: rec.tenantId, tier, version, eventId: `${rec.id}:${version}:${index}` };
  if (first !== undefined) {
    base['at'] = first[1];
    base['actorId'] = first[2];
    base['command'] = first[3];
    base['fromState'] = first[4];
    base['toState'] = first[5];
  }
  return base;
}

function encodeCommit(p: Packer, rec: CaseRecord, batch: CommitBatch): string {
  const { tier, version } = batch.case;
  const audit: AuditTuple[] = batch.audit.map((a) => [a.seq, a.at, a.actorId, a.command, a.fromState, a.toState, a.summary, a.hash]);
  const events = batch.events.map((e, i): [number, Record<string, unknown>] => {
    const base = eventBase(rec, tier, version, audit[0], i);
    // Built key by key (not spread-and-delete, which turns the object into a slow dictionary).
    const rest: Record<string, unknown> = {};
    let mask = 0;
    for (const key of Object.keys(e)) {
      const bit = EVENT_BIT.get(key);
      if (bit !== undefined && e[key] === base[key]) mask |= bit;
      else rest[key] = e[key];
    }
    return [mask, rest];
  });
  return p.pack([tier, version, audit, events] satisfies EncodedCommit);
}

function decodeEvents(p: Packer, rec: CaseRecord, json: string, only?: number): StoredEvent[] {
  const [tier, version, audit, events] = p.unpack<EncodedCommit>(json);
  const out: StoredEvent[] = [];
  events.forEach(([mask, rest], i) => {
    if (only !== undefined && i !== only) return;
    const base = eventBase(rec, tier, version, audit[0], i);
    const e: Record<string, unknown> = {};
    EVENT_BASE.forEach((key, bit) => {
      if (mask & (1 << bit)) e[key] = base[key];
    });
    out.push(Object.assign(e, rest) as StoredEvent);
  });
  return out;
}

function decodeAudit(p: Packer, commits: readonly string[]): AuditEntry[] {
  let prevHash = GENESIS_HASH;
  const out: AuditEntry[] = [];
  for (const json of commits) {
    const [, , audit] = p.unpack<EncodedCommit>(json);
    for (const [seq, at, actorId, command, fromState, toState, summary, hash] of audit) {
      out.push({ seq, at, actorId, command, fromState, toState, summary, prevHash, hash });
      prevHash = hash;
    }
  }
  return out;
}

/**
 * Options of `memoryStore`.
 *
 * @example
 * const store = memoryStore({ outbox: false });
 */
export interface MemoryStoreOptions {
  /** Keep outbox rows (default true). A host with no relay can turn them off to save memory. */
  outbox?: boolean;
  /**
   * Keep rows in the compact form (default true): about 30% less memory per open case, for about 4–19%
   * more CPU per command (docs/adapters.md). `false` keeps plain JSON text, for a run that wants speed over memory
   * (a large simulation on a machine with room). Reads give back the same values either way.
   */
  compact?: boolean;
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const storeError = (operation: string, message: string) => new JiaobanError('STORE', message, { operation, outcome: 'failed' });

/**
 * The embedded default store: everything in process memory, atomic because a commit validates the
 * whole batch and then applies it without an `await` in between. No durability: a restart loses
 * everything. Queries are served from per-tenant indexes (state, tier, lead unit, owner, unit, level,
 * and a day-bucketed range index on `dueAt`); due timers from a min-heap on their instant.
 *
 * @example
 * const engine = createEngine({ store: memoryStore() });
 * const page = await memoryStore().query('tenant-a', { state: 'inProgress' }, { limit: 20 });
 * page.items;
 * //=> []
 */
export function memoryStore(options: MemoryStoreOptions = {}): CaseStore {
  const keepOutbox = options.outbox ?? true;
  const packer = options.compact === false ? PLAIN_PACKER : COMPACT_PACKER;
  const tenants = new Map<string, TenantData>();

  const tenant = (tenantId: string, create: boolean): TenantData | undefined => {
    let t = tenants.get(tenantId);
    if (t === undefined && create) {
      t = {
        cases: new Map(),
        idempotency: new Map(),
        outbox: new Map(),
        outboxClaims: new Map(),
        indexes: { state: new Map(), tier: new Map(), leadUnitId: new Map(), ownerId: new Map(), level: new Map() },
        units: new Map(),
        dueDays: new Map(),
        dueDayKeys: [],
        timers: new Map(),
        heap: new MinHeap<HeapItem>(less),
      };
      tenants.set(tenantId, t);
    }
    return t;
  };

  /** Moves the case between index entries, touching only the keys that changed. */
  const index = (t: TenantData, id: string, keys: Record<IndexName, string | null>, old: Record<IndexName, string | null> | null) => {
    for (const name of INDEXES) {
      const k = keys[name];
      const was = old === null ? null : old[name];
      if (old !== null && k === was) continue;
      if (was !== null) {
        const set = t.indexes[name].get(was);
        set?.delete(id);
        if (set?.size === 0) t.indexes[name].delete(was);
      }
      if (k === null) continue;
      let set = t.indexes[name].get(k);
      if (set === undefined) t.indexes[name].set(k, (set = new Set()));
      set.add(id);
    }
  };

  const addTo = <K>(map: Map<K, Set<string>>, key: K, id: string): boolean => {
    let set = map.get(key);
    const created = set === undefined;
    if (set === undefined) map.set(key, (set = new Set()));
    set.add(id);
    return created;
  };
  const removeFrom = <K>(map: Map<K, Set<string>>, key: K, id: string): boolean => {
    const set = map.get(key);
    set?.delete(id);
    if (set?.size === 0) {
      map.delete(key);
      return true;
    }
    return false;
  };
  const dayOf = (iso: string): number => Math.floor(Date.parse(iso) / DAY_MS);

  /** The multi-valued unit index and the `dueAt` range index. */
  const indexExtra = (t: TenantData, id: string, units: string[] | null, dueAt: string | null | undefined, rec: CaseRecord | null) => {
    const oldUnits = rec?.units ?? [];
    const newUnits = units ?? [];
    for (const u of oldUnits) if (!newUnits.includes(u)) removeFrom(t.units, u, id);
    for (const u of newUnits) if (!oldUnits.includes(u)) addTo(t.units, u, id);
    const oldDue = rec?.dueAt ?? null;
    const newDue = dueAt ?? null;
    if (oldDue === newDue) return;
    if (oldDue !== null) {
      const day = dayOf(oldDue);
      if (removeFrom(t.dueDays, day, id)) t.dueDayKeys.splice(t.dueDayKeys.indexOf(day), 1);
    }
    if (newDue !== null) {
      const day = dayOf(newDue);
      if (addTo(t.dueDays, day, id)) t.dueDayKeys.splice(lowerBound(t.dueDayKeys, day), 0, day);
    }
  };

  // One counter for the store: a timer removed and re-created never reuses a generation.
  let generation = 0;
  const pushTimer = (t: TenantData, id: string, e: TimerEntry) => {
    e.gen = ++generation;
    t.heap.push([e.lease === null ? e.dueMs : Date.parse(e.lease.expiresAt), e.dueMs, id, e.gen]);
    // Lazy deletion leaves stale items; rebuild once they outnumber live timers (amortised O(1)).
    if (t.heap.items.length > 1024 && t.heap.items.length > 3 * t.timers.size) {
      t.heap.rebuild(t.heap.items.filter(([, , tid, gen]) => t.timers.get(tid)?.gen === gen));
    }
  };

  const dropTimer = (t: TenantData, id: string) => {
    const e = t.timers.get(id);
    if (e === undefined) return;
    t.timers.delete(id);
    const rec = t.cases.get(e.caseId);
    if (rec !== undefined) rec.timerIds = without(rec.timerIds, id);
  };

  /** The distinct ids, if `token` holds every one of them; else `leaseLost`, and nothing may change. */
  const heldOutbox = (t: TenantData | undefined, ids: readonly string[], token: string, operation: string): string[] => {
    const wanted = checkHeldIds(operation, ids, token);
    const held = wanted.filter((id) => t?.outboxClaims.get(id)?.lease?.token === token).length;
    if (held !== wanted.length) {
      throw new JiaobanError('STORE', `${wanted.length - held} of ${wanted.length} outbox rows are not held by this lease token; nothing was changed`, {
        operation, outcome: 'failed', reason: 'leaseLost',
      });
    }
    return wanted;
  };

  const leased = (t: TenantData | undefined, timerId: string, token: string, operation: string): TimerEntry => {
    const e = t?.timers.get(timerId);
    if (e === undefined || e.lease === null || e.lease.token !== token) {
      throw new JiaobanError('STORE', `timer ${timerId} is not held by this lease`, { operation, outcome: 'failed', reason: 'leaseLost' });
    }
    return e;
  };

  function validate(batch: CommitBatch, t: TenantData | undefined): void {
    const c = batch.case;
    if (c.tenantId !== batch.tenantId) throw storeError('commit', 'case tenant does not match batch tenant');
    for (const row of batch.timers.upsert) {
      if (row.tenantId !== batch.tenantId || row.caseId !== c.id) throw storeError('commit', 'timer does not belong to the case');
      if (Number.isNaN(Date.parse(row.dueAt))) throw storeError('commit', 'timer dueAt is not an ISO instant');
      const owner = t?.timers.get(row.id)?.caseId;
      if (owner !== undefined && owner !== c.id) throw storeError('commit', 'timer id belongs to another case');
    }
    for (const id of batch.timers.remove) {
      const owner = t?.timers.get(id)?.caseId;
      if (owner !== undefined && owner !== c.id) throw storeError('commit', 'timer id belongs to another case');
    }
    for (const row of [...batch.events, ...batch.outbox]) {
      if (row.tenantId !== batch.tenantId || row.caseId !== c.id) throw storeError('commit', 'row does not belong to the case');
    }
    const existing = t?.cases.get(c.id);
    if (batch.expectedVersion === null) {
      if (existing !== undefined) throw new ConcurrencyError(c.id, 0, existing.version);
    } else if (existing === undefined) {
      throw new ConcurrencyError(c.id, batch.expectedVersion, null);
    } else if (existing.version !== batch.expectedVersion) {
      throw new ConcurrencyError(c.id, batch.expectedVersion, existing.version);
    }
    if (c.version !== (batch.expectedVersion ?? 0) + 1) throw storeError('commit', 'case version must advance by one');
    // The row's audit head must name the chain's last entry (kept on the record, not in the row).
    const tail = batch.audit[batch.audit.length - 1];
    const head = tail === undefined ? { seq: existing?.auditCount ?? 0, hash: existing?.lastHash ?? GENESIS_HASH } : tail;
    if (c.auditHead.seq !== head.seq || c.auditHead.hash !== head.hash) {
      throw storeError('commit', 'case audit head does not match the last audit entry');
    }
    let seq = existing?.auditCount ?? 0;
    let prev = existing?.lastHash ?? GENESIS_HASH;
    for (const entry of batch.audit) {
      if (entry.seq !== seq + 1 || entry.prevHash !== prev) throw storeError('commit', 'audit entry does not extend the chain');
      seq = entry.seq;
      prev = entry.hash;
    }
    if (batch.idempotency !== undefined && t?.idempotency.has(batch.idempotency.key)) {
      throw new JiaobanError('IDEMPOTENCY_CONFLICT', 'idempotency key already used', { idempotencyKey: batch.idempotency.key });
    }
  }

  return {
    async load(tenantId, caseId) {
      const rec = tenants.get(tenantId)?.cases.get(caseId);
      return rec === undefined ? null : decodeRow(packer, rec);
    },

    async commit(batch) {
      const existingTenant = tenant(batch.tenantId, false);
      validate(batch, existingTenant);
      // Validated: from here on nothing throws, so the batch applies whole.
      const t = tenant(batch.tenantId, true) as TenantData;
      const c = batch.case;
      const keys: Record<IndexName, string | null> = {
        state: c.state, tier: c.tier, leadUnitId: c.leadUnitId, ownerId: c.ownerId, level: c.level ?? null,
      };
      const units = c.unitIds === undefined ? null : Array.from(new Set(c.unitIds));
      let rec = t.cases.get(c.id);
      if (rec === undefined) {
        rec = {
          id: c.id, tenantId: c.tenantId, json: '', version: 0, keys, units: null, dueAt: undefined, commits: NONE, timerIds: NONE, auditCount: 0, lastHash: GENESIS_HASH,
        };
        t.cases.set(rec.id, rec);
        index(t, rec.id, keys, null);
      } else {
        index(t, rec.id, keys, rec.keys);
      }
      indexExtra(t, rec.id, units, c.dueAt, rec);
      rec.units = units;
      rec.dueAt = c.dueAt;
      for (const id of batch.timers.remove) dropTimer(t, id);
      for (const row of batch.timers.upsert) {
        // An upsert is a new timer: any lease on the old row ends, so a worker still holding it
        // cannot complete (delete) the rescheduled one.
        const e: TimerEntry = { json: encodeTimer(packer, row), caseId: c.id, dueMs: Date.parse(row.dueAt), lease: null, attempts: 0, gen: 0 };
        if (!t.timers.has(row.id)) rec.timerIds = rec.timerIds.concat(row.id);
        t.timers.set(row.id, e);
        pushTimer(t, row.id, e);
      }
      rec.json = encodeRow(packer, c);
      rec.version = c.version;
      rec.keys = keys;
      const commit = rec.commits.length;
      rec.commits = rec.commits.concat(encodeCommit(packer, rec, batch));
      for (const a of batch.audit) {
        rec.auditCount += 1;
        rec.lastHash = a.hash;
      }
      if (keepOutbox) {
        for (const o of batch.outbox) {
          const i = batch.events.findIndex((e) => e.eventId === o.payload.eventId);
          if (i >= 0) t.outbox.set(o.id, { rec, commit, index: i });
        }
      }
      if (batch.idempotency !== undefined) t.idempotency.set(batch.idempotency.key, packer.pack(batch.idempotency));
    },

    async findIdempotency(tenantId, key) {
      const json = tenants.get(tenantId)?.idempotency.get(key);
      return json === undefined ? null : packer.unpack<IdempotencyRecord>(json);
    },

    async history(tenantId, caseId) {
      const rec = tenants.get(tenantId)?.cases.get(caseId);
      return rec === undefined ? [] : rec.commits.flatMap((json) => decodeEvents(packer, rec, json));
    },

    async audit(tenantId, caseId) {
      const rec = tenants.get(tenantId)?.cases.get(caseId);
      return rec === undefined ? [] : decodeAudit(packer, rec.commits);
    },

    async query(tenantId: string, filter: CaseQueryFilter, page: PageOptions = {}): Promise<Page<StoredCase>> {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 1000);
      const t = tenants.get(tenantId);
      if (t === undefined) return { items: [], nextCursor: null };
      // Start from the smallest index set the filter names; only with no filter at all do we walk
      // the tenant's whole case map.
      let candidates: Iterable<string> = t.cases.keys();
      let smallest = Number.POSITIVE_INFINITY;
      const wanted: Array<[IndexName, string]> = [];
      if (filter.unitId !== undefined) {
        const set = t.units.get(filter.unitId);
        if (set === undefined) return { items: [], nextCursor: null };
        smallest = set.size;
        candidates = set;
      }
      const dueBefore = filter.dueBefore;
      const dueLimit = dueBefore === undefined ? null : Date.parse(dueBefore);
      if (dueLimit !== null) {
        if (Number.isNaN(dueLimit)) throw new JiaobanError('VALIDATION', 'dueBefore must be an ISO instant', { issues: [{ path: ['dueBefore'], message: 'expected an ISO instant' }] });
        // Whole days up to the limit's day, from the sorted day index: never a walk of all cases.
        const lastDay = Math.floor(dueLimit / DAY_MS);
        let size = 0;
        const days: Set<string>[] = [];
        for (const day of t.dueDayKeys) {
          if (day > lastDay) break;
          const set = t.dueDays.get(day) as Set<string>;
          days.push(set);
          size += set.size;
        }
        if (size < smallest) {
          smallest = size;
          candidates = (function* () {
            for (const set of days) yield* set;
          })();
        }
      }
      for (const name of INDEXES) {
        const v = filter[name];
        if (v === undefined) continue;
        wanted.push([name, v]);
        const set = t.indexes[name].get(v);
        if (set === undefined) return { items: [], nextCursor: null };
        if (set.size < smallest) {
          smallest = set.size;
          candidates = set;
        }
      }
      const cursor = page.cursor ?? null;
      const ids: string[] = [];
      for (const id of candidates) {
        if (cursor !== null && id <= cursor) continue;
        const rec = t.cases.get(id);
        if (rec === undefined || !wanted.every(([name, v]) => rec.keys[name] === v)) continue;
        if (filter.unitId !== undefined && !(rec.units ?? []).includes(filter.unitId)) continue;
        if (dueLimit !== null && (rec.dueAt == null || Date.parse(rec.dueAt) > dueLimit)) continue;
        ids.push(id);
      }
      ids.sort();
      const pageIds = ids.slice(0, limit);
      const items = pageIds.map((id) => decodeRow(packer, t.cases.get(id) as CaseRecord));
      const last = pageIds[pageIds.length - 1];
      return { items, nextCursor: ids.length > limit && last !== undefined ? last : null };
    },

    async readOutbox(tenantId, limit = 100) {
      const t = tenants.get(tenantId);
      const rows: OutboxRow[] = [];
      if (t === undefined) return rows;
      for (const [id, o] of t.outbox) {
        if (rows.length >= limit) break;
        const payload = decodeEvents(packer, o.rec, o.rec.commits[o.commit] as string, o.index)[0] as StoredEvent;
        rows.push({ id, tenantId, caseId: o.rec.id, name: payload.name, createdAt: payload.at, payload });
      }
      return rows;
    },

    async claimOutbox(tenantId, claim) {
      checkClaimOptions('claimOutbox', claim);
      const t = tenants.get(tenantId);
      const rows: ClaimedOutboxRow[] = [];
      if (t === undefined) return rows;
      const now = claim.now.getTime();
      const lease = { token: randomUUID(), owner: claim.owner, expiresMs: now + claim.leaseMs };
      const expiresAt = new Date(lease.expiresMs).toISOString();
      // Map order is commit order: the oldest free rows first. Rows under a live lease are skipped.
      for (const [id, o] of t.outbox) {
        if (rows.length >= claim.limit) break;
        let c = t.outboxClaims.get(id);
        if (c?.lease != null && c.lease.expiresMs > now) continue;
        if (c === undefined) t.outboxClaims.set(id, (c = { lease: null, attempts: 0 }));
        c.lease = lease;
        c.attempts += 1;
        const payload = decodeEvents(packer, o.rec, o.rec.commits[o.commit] as string, o.index)[0] as StoredEvent;
        rows.push({
          id, tenantId, caseId: o.rec.id, name: payload.name, createdAt: payload.at, payload,
          lease: { token: lease.token, owner: lease.owner, expiresAt }, attempts: c.attempts,
        });
      }
      return rows;
    },

    async ackOutbox(tenantId, ids, token) {
      const t = tenants.get(tenantId);
      for (const id of heldOutbox(t, ids, token, 'ackOutbox')) {
        t?.outbox.delete(id);
        t?.outboxClaims.delete(id);
      }
    },

    async releaseOutbox(tenantId, ids, token) {
      const t = tenants.get(tenantId);
      for (const id of heldOutbox(t, ids, token, 'releaseOutbox')) (t?.outboxClaims.get(id) as OutboxClaim).lease = null;
    },

    async renewOutboxLease(tenantId, ids, token, renew) {
      checkRenewOptions('renewOutboxLease', renew);
      const t = tenants.get(tenantId);
      const held = heldOutbox(t, ids, token, 'renewOutboxLease');
      const expiresMs = renew.now.getTime() + renew.leaseMs;
      const first = held[0] === undefined ? undefined : t?.outboxClaims.get(held[0]);
      const owner = first?.lease?.owner ?? '';
      // A new lease object, not a change to the claim's: every row of a claim shares one object, and
      // the rows not named here keep their old end.
      const lease = { token, owner, expiresMs };
      for (const id of held) (t?.outboxClaims.get(id) as OutboxClaim).lease = lease;
      return { token, owner, expiresAt: new Date(expiresMs).toISOString() };
    },

    async claimDueTimers(tenantId, claim) {
      checkClaimOptions('claimDueTimers', claim);
      const t = tenants.get(tenantId);
      const out: ClaimedTimer[] = [];
      if (t === undefined) return out;
      const now = claim.now.getTime();
      const expiresAt = new Date(now + claim.leaseMs).toISOString();
      // Pops only due items: the cost is the claimed timers (plus stale items), not the open cases.
      while (out.length < claim.limit) {
        const top = t.heap.peek();
        if (top === undefined || top[0] > now) break;
        t.heap.pop();
        const [, , id, gen] = top;
        const e = t.timers.get(id);
        if (e === undefined || e.gen !== gen) continue;
        e.lease = { token: randomUUID(), owner: claim.owner, expiresAt };
        e.attempts += 1;
        pushTimer(t, id, e);
        out.push({ ...decodeTimer(packer, tenantId, id, e), lease: { ...e.lease }, attempts: e.attempts });
      }
      return out;
    },

    async completeTimer(tenantId, timerId, token) {
      const t = tenants.get(tenantId);
      leased(t, timerId, token, 'completeTimer');
      dropTimer(t as TenantData, timerId);
    },

    async releaseTimer(tenantId, timerId, token) {
      const t = tenants.get(tenantId);
      const e = leased(t, timerId, token, 'releaseTimer');
      e.lease = null;
      pushTimer(t as TenantData, timerId, e);
    },

    async renewTimerLease(tenantId, timerId, token, renew) {
      checkRenewOptions('renewTimerLease', renew);
      const t = tenants.get(tenantId);
      const e = leased(t, timerId, token, 'renewTimerLease');
      e.lease = { token, owner: (e.lease as ClaimedTimer['lease']).owner, expiresAt: new Date(renew.now.getTime() + renew.leaseMs).toISOString() };
      // A new heap entry at the new expiry; the old one is now stale (older generation).
      pushTimer(t as TenantData, timerId, e);
      return { ...e.lease };
    },

    async timers(tenantId, caseId) {
      const t = tenants.get(tenantId);
      const ids = t?.cases.get(caseId)?.timerIds;
      if (t === undefined || ids === undefined) return [];
      return ids.map((id) => decodeTimer(packer, tenantId, id, t.timers.get(id) as TimerEntry)).sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : 1));
    },
  };
}
