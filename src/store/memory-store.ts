import { ConcurrencyError, JiaobanError } from '../errors.js';
import type {
  AuditEntry, CaseQueryFilter, CaseStore, CommitBatch, IdempotencyRecord, OutboxRow, Page, PageOptions, StoredCase, StoredEvent,
} from './case-store.js';

/**
 * The hash a case's first audit entry chains to.
 *
 * @example
 * GENESIS_HASH.length;
 * //=> 64
 */
export const GENESIS_HASH = '0'.repeat(64);

type IndexName = 'state' | 'tier' | 'leadUnitId' | 'ownerId';
const INDEXES: readonly IndexName[] = ['state', 'tier', 'leadUnitId', 'ownerId'];

/**
 * Rows are kept as JSON strings: every read parses a fresh copy (so callers cannot corrupt the
 * store through a returned object), the store behaves like a database round-trip would, and a
 * flat one-byte string is the most compact thing V8 holds (see `packJson`). Buffers were tried and
 * cost more: pooled slices pin whole 8 KB slabs, exact-size ones add an ArrayBuffer per row and
 * external-memory churn that slows every command. Encodings that keep 100,000 open cases small, all
 * lossless (a read gives back exactly the values that were written):
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
  /** The case row minus `ROW_FIELDS`, packed (see `packJson`). */
  json: string;
  version: number;
  keys: Record<IndexName, string | null>;
  /** One encoded string per commit: `[tier, version, audit entries, events]`. */
  commits: string[];
  auditCount: number;
  lastHash: string;
}

interface OutboxEntry {
  rec: CaseRecord;
  commit: number;
  index: number;
}

interface TenantData {
  cases: Map<string, CaseRecord>;
  idempotency: Map<string, string>;
  outbox: Map<string, OutboxEntry>;
  indexes: Record<IndexName, Map<string, Set<string>>>;
}

const ROW_FIELDS = ['tenantId', 'id', 'version', 'state', 'tier', 'leadUnitId', 'ownerId', 'auditHead'] as const;
const EVENT_BASE = ['caseId', 'tenantId', 'tier', 'version', 'eventId', 'at', 'actorId', 'command', 'fromState', 'toState'] as const;
const EVENT_BIT = new Map<string, number>(EVENT_BASE.map((key, i) => [key, 1 << i]));
type AuditTuple = [number, string, string, string, string | null, string, string, string];
type EncodedCommit = [string, number, AuditTuple[], Array<[number, Record<string, unknown>]>];

const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * JSON packed as a one-byte string of its UTF-8 bytes. V8 stores a string with even one character
 * above Latin-1 at two bytes per character, so a Chinese title would double the size of a whole
 * row; packed, every row costs its UTF-8 length, and both directions are single native copies.
 */
function packJson(value: unknown): string {
  const json = JSON.stringify(value);
  // Pure ASCII is its own UTF-8: already one byte per character, nothing to repack.
  return NOT_ASCII.test(json) ? Buffer.from(json, 'utf8').toString('latin1') : json;
}


function unpackJson<T>(packed: string): T {
  return JSON.parse(Buffer.from(packed, 'latin1').toString('utf8')) as T;
}

function encodeRow(c: StoredCase): string {
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(c)) {
    if (!(ROW_FIELDS as readonly string[]).includes(key)) rest[key] = (c as unknown as Record<string, unknown>)[key];
  }
  return packJson(rest);
}

function decodeRow(rec: CaseRecord): StoredCase {
  const k = rec.keys;
  const row = unpackJson<StoredCase>(rec.json);
  row.tenantId = rec.tenantId;
  row.id = rec.id;
  row.tier = k.tier as string;
  row.version = rec.version;
  row.state = k.state as string;
  row.leadUnitId = k.leadUnitId;
  row.ownerId = k.ownerId;
  row.auditHead = { seq: rec.auditCount, hash: rec.lastHash };
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

function encodeCommit(rec: CaseRecord, batch: CommitBatch): string {
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
  return packJson([tier, version, audit, events] satisfies EncodedCommit);
}

function decodeEvents(rec: CaseRecord, json: string, only?: number): StoredEvent[] {
  const [tier, version, audit, events] = unpackJson<EncodedCommit>(json);
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

function decodeAudit(commits: readonly string[]): AuditEntry[] {
  let prevHash = GENESIS_HASH;
  const out: AuditEntry[] = [];
  for (const json of commits) {
    const [, , audit] = unpackJson<EncodedCommit>(json);
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
}

const storeError = (operation: string, message: string) => new JiaobanError('STORE', message, { operation, outcome: 'failed' });

/**
 * The embedded default store: everything in process memory, atomic because a commit validates the
 * whole batch and then applies it without an `await` in between. No durability: a restart loses
 * everything. Queries are served from per-tenant indexes (state, tier, lead unit, owner).
 *
 * @example
 * const engine = createEngine({ store: memoryStore() });
 * const page = await memoryStore().query('tenant-a', { state: 'inProgress' }, { limit: 20 });
 * page.items;
 * //=> []
 */
export function memoryStore(options: MemoryStoreOptions = {}): CaseStore {
  const keepOutbox = options.outbox ?? true;
  const tenants = new Map<string, TenantData>();

  const tenant = (tenantId: string, create: boolean): TenantData | undefined => {
    let t = tenants.get(tenantId);
    if (t === undefined && create) {
      t = {
        cases: new Map(),
        idempotency: new Map(),
        outbox: new Map(),
        indexes: { state: new Map(), tier: new Map(), leadUnitId: new Map(), ownerId: new Map() },
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

  function validate(batch: CommitBatch, t: TenantData | undefined): void {
    const c = batch.case;
    if (c.tenantId !== batch.tenantId) throw storeError('commit', 'case tenant does not match batch tenant');
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
      return rec === undefined ? null : decodeRow(rec);
    },

    async commit(batch) {
      const existingTenant = tenant(batch.tenantId, false);
      validate(batch, existingTenant);
      // Validated: from here on nothing throws, so the batch applies whole.
      const t = tenant(batch.tenantId, true) as TenantData;
      const c = batch.case;
      const keys: Record<IndexName, string | null> = { state: c.state, tier: c.tier, leadUnitId: c.leadUnitId, ownerId: c.ownerId };
      let rec = t.cases.get(c.id);
      if (rec === undefined) {
        rec = { id: c.id, tenantId: c.tenantId, json: '', version: 0, keys, commits: [], auditCount: 0, lastHash: GENESIS_HASH };
        t.cases.set(rec.id, rec);
        index(t, rec.id, keys, null);
      } else {
        index(t, rec.id, keys, rec.keys);
      }
      rec.json = encodeRow(c);
      rec.version = c.version;
      rec.keys = keys;
      const commit = rec.commits.length;
      rec.commits.push(encodeCommit(rec, batch));
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
      if (batch.idempotency !== undefined) t.idempotency.set(batch.idempotency.key, JSON.stringify(batch.idempotency));
    },

    async findIdempotency(tenantId, key) {
      const json = tenants.get(tenantId)?.idempotency.get(key);
      return json === undefined ? null : (JSON.parse(json) as IdempotencyRecord);
    },

    async history(tenantId, caseId) {
      const rec = tenants.get(tenantId)?.cases.get(caseId);
      return rec === undefined ? [] : rec.commits.flatMap((json) => decodeEvents(rec, json));
    },

    async audit(tenantId, caseId) {
      const rec = tenants.get(tenantId)?.cases.get(caseId);
      return rec === undefined ? [] : decodeAudit(rec.commits);
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
        ids.push(id);
      }
      ids.sort();
      const pageIds = ids.slice(0, limit);
      const items = pageIds.map((id) => decodeRow(t.cases.get(id) as CaseRecord));
      const last = pageIds[pageIds.length - 1];
      return { items, nextCursor: ids.length > limit && last !== undefined ? last : null };
    },

    async readOutbox(tenantId, limit = 100) {
      const t = tenants.get(tenantId);
      const rows: OutboxRow[] = [];
      if (t === undefined) return rows;
      for (const [id, o] of t.outbox) {
        if (rows.length >= limit) break;
        const payload = decodeEvents(o.rec, o.rec.commits[o.commit] as string, o.index)[0] as StoredEvent;
        rows.push({ id, tenantId, caseId: o.rec.id, name: payload.name, createdAt: payload.at, payload });
      }
      return rows;
    },

    async ackOutbox(tenantId, ids) {
      const t = tenants.get(tenantId);
      if (t === undefined) return;
      for (const id of ids) t.outbox.delete(id);
    },
  };
}
