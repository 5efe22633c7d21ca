import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { pureInitialTransition, pureTransition } from '../machines/_pure-transition.js';
import { z } from 'zod';
import { cnMainland } from '../calendar/cn-mainland.js';
import type { WorkCalendar } from '../calendar/work-calendar.js';
import { systemClock, type Clock } from '../clock.js';
import { ConcurrencyError, JiaobanError, isJiaobanError, type FieldIssue } from '../errors.js';
import type { CaseContext, CaseEvent, EventMeta } from '../machines/case-context.js';
import { TIER_DEFINITIONS, type TierDefinition } from '../machines/tier-definitions.js';
import { migrateSnapshot } from '../machines/migrate-snapshot.js';
import type { RouterRanking } from '../routing/index.js';
import { createDispatchRouting, routingRequestFor, type EngineRoutingOptions, type ResolvedDispatch } from './dispatch-routing.js';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../sla/policy.js';
import type { SlaEvent } from '../sla/apply-sla-event.js';
import type { SlaTimer } from '../sla/evaluate-clocks.js';
import type { AuditEntry, CaseStore, ClaimedTimer, CommitBatch, OutboxRow, Page, StoredCase, StoredEvent, TimerRow } from '../store/case-store.js';
import { GENESIS_HASH, memoryStore } from '../store/memory-store.js';
import { canonicalJson, sameCanonical, sha256 } from './_canonical.js';
import {
  activeUnits, clampAt, emptyCaseSla, guardDeadline, reactiveEvents, resolveRecipient, slaContext, slaEventsFor, slaIsQuiet, slaStep, slaView, timerRow,
  type CaseSla, type EngineCalendars,
} from './_sla.js';
import { packSla, unpackSla } from './_sla-packing.js';
import { hashAuditEntry, verifyAuditChain, type AuditVerification } from './audit.js';
import { followTier } from './change-tier.js';
import { fullState, toCaseView, topState, type CaseView } from './case-view.js';
import {
  CommandSchema, RegisterInputSchema, type Command, type CommandInput, type RegisterData, type RegisterInput, type Tier,
} from './commands.js';
import { caseLevel, earliestDeadline } from '../sla/case-level.js';
import {
  COMMAND_EVENTS, type EngineEventBase, type EngineEventData, type EngineEvent, type EngineEventMap, type EngineEventName, type EngineEventOf,
} from './events.js';
import {
  ROLES, authorize, resolvePermissionTable, type Actor, type Decision, type Operation, type PermissionOptions,
} from './permissions.js';

/**
 * Options of `createEngine`. Every field is optional; the defaults run an embedded, in-memory engine.
 *
 * @example
 * const options: EngineOptions = {
 *   store: memoryStore(),
 *   clock: { now: () => new Date('2026-03-02T01:00:00Z') },
 *   permissions: { table: { urge: ['handler'] } },
 * };
 */
/**
 * What `engine.relay` needs.
 *
 * @example
 * await engine.relay({ tenantId: 'sz', handler: publish, batchSize: 50, leaseMs: 30_000, workerId: 'relay-node-1' });
 */
export interface RelayOptions {
  tenantId: string;
  handler: (event: StoredEvent) => void | Promise<void>;
  /** Rows claimed per batch (1–1000, default 100); relay keeps claiming until no free row is left. */
  batchSize?: number;
  /**
   * How long a claimed batch is this relay's, in ms (default 60,000). Other relays skip the rows until
   * then. While a handler runs, the relay renews the batch's unacknowledged rows every `leaseMs / 3`
   * (`store.renewOutboxLease`), so a slow handler keeps them; the lease runs out only when the relay
   * stops renewing (a crash, a stalled process, a database it cannot reach for a whole lease), and
   * then another relay may deliver them again. A short lease hands a dead relay's rows on sooner and
   * costs a renewal every third of it.
   */
  leaseMs?: number;
  /** Recorded as the lease owner, for diagnostics (default: the engine's own id). */
  workerId?: string;
  /**
   * When delivered rows are acknowledged. `'each'` (default): right after each handler returns, one
   * `ackOutbox` per event, so a crash redelivers at most the event in the handler. `'batch'`: once
   * per batch, after its last handler, one `ackOutbox` for the batch; a crash before it redelivers
   * the whole batch (same event ids). On a database store every ack is a round trip and a write:
   * `'batch'` costs one per batch instead of one per event (docs/benchmarks.md measures both). A
   * handler that throws gets the rows delivered before it acknowledged and the rest given back, in
   * both modes.
   */
  ack?: 'each' | 'batch';
}

export interface EngineOptions {
  /** Where cases live. Default: `memoryStore()`. */
  store?: CaseStore;
  /** Where "now" comes from. Default: `systemClock`. */
  clock?: Clock;
  /** Replace a tier's machine definition (same command vocabulary, own id/version). */
  tiers?: Partial<Record<Tier, TierDefinition>>;
  /**
   * Routing for `dispatch` / `acceptAndDispatch`: without a `lead` the policy decides; with one, the
   * units are checked against the directory. Every decision's reasons go into the audit entry.
   */
  routing?: EngineRoutingOptions;
  /** Override or extend the default role table, or add a last-word `decide` hook. */
  permissions?: PermissionOptions;
  /** Id generators. Default: `crypto.randomUUID()` for case ids. */
  ids?: {
    caseId?: () => string;
    /**
     * The id of the case a 回头看 rebound registers. It must be the same for the same original and
     * follow-up, so a retry after a crash finds the case instead of registering another. Default:
     * a UUID-shaped digest of tenant, original id and follow-up.
     */
    reboundCaseId?: (originalId: string, followUp: 'followUp30' | 'followUp90') => string;
  };
  /**
   * Overrides the deadline the "before the deadline" guards check (extension requests). Default:
   * the SLA clock's deadline — `conclusion` (general), `solution` (complex), `firstFeedback`
   * (immediate) — then the case's registered `dueAt`. Return `null` for none.
   */
  deadline?: (view: CaseView, command: Command) => Date | null;
  /** The SLA policy (`parseSlaPolicy`). Default: `DEFAULT_SLA_POLICY`. */
  sla?: SlaPolicy;
  /**
   * The calendars SLA clocks run on. `working`: the default working calendar (default
   * `cnMainland()`); `forUnit`: a unit's own calendar for its assignment clocks. Natural-minute
   * clocks run 24×7 in the working calendar's zone (`natural` is accepted for symmetry and reserved).
   */
  calendars?: { working?: WorkCalendar; natural?: WorkCalendar; forUnit?: (unitId: string) => WorkCalendar | undefined };
  /** The actor id system work (tick, recompute) is recorded under. Default `'system:sla'`. */
  systemActorId?: string;
  /** How many times a command without `expectedVersion` is retried on a version conflict. Default 3. */
  maxRetries?: number;
  /**
   * The lease `tick` claims due timers with, in ms (100–2,147,483,647; default 60,000). A tick still
   * working on its batch when half the lease has passed renews what it holds; a node that stalls
   * longer than the lease loses its timers to the next tick elsewhere (the case version fences the
   * effect, so nothing fires twice).
   */
  timerLeaseMs?: number;
  /**
   * Called when an event listener throws. Listeners run after the commit, so their failure must not
   * (and does not) undo or hide the committed command. Default: the error is dropped.
   */
  onListenerError?: (error: unknown, event: EngineEvent) => void;
}

/**
 * Who is acting, and the optional safety rails of one command.
 *
 * @example
 * const ctx: CommandContext = { actor, idempotencyKey: 'form-7f3a', expectedVersion: 4 };
 * await engine.execute(caseId, { type: 'urge' }, ctx);
 */
export interface CommandContext {
  actor: Actor;
  /** Same key + same command → the first result again (`replayed: true`); same key + other command → `IDEMPOTENCY_CONFLICT`. */
  idempotencyKey?: string;
  /** The version the caller read; a mismatch is `CONCURRENCY` and is not retried. */
  expectedVersion?: number;
}

/**
 * Context of a read.
 *
 * @example
 * const view = await engine.get(caseId, { actor } satisfies ReadContext);
 */
export interface ReadContext {
  actor: Actor;
}

/**
 * What a command returns.
 *
 * @example
 * const { case: view, events, replayed } = await engine.execute(caseId, { type: 'accept' }, { actor });
 * [view.state, events[0]?.name, replayed];
 * //=> ['pendingDispatch', 'case:accepted', false]
 */
export interface CommandResult {
  case: CaseView;
  events: EngineEvent[];
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
}

/**
 * The answer of `engine.can`: the error `execute` would throw, without writing anything.
 *
 * @example
 * const verdict: CanResult = await engine.can(caseId, { type: 'reply', ...reply }, { actor });
 * if (!verdict.allowed) console.log(verdict.error.code);
 * //=> 'INVALID_TRANSITION'
 */
export type CanResult = { allowed: true } | { allowed: false; error: JiaobanError };

/**
 * The engine's public surface.
 *
 * @example
 * const engine: Engine = createEngine();
 * engine.on('case:accepted', (e) => console.log(e.caseId, e.version));
 * const { case: c } = await engine.register(input, { actor: intake });
 * await engine.execute(c.id, { type: 'accept' }, { actor: intake });
 * (await engine.history(c.id, { actor: intake })).map((e) => e.name);
 * //=> ['case:registered', 'case:accepted']
 */
export interface Engine {
  /** 登记: creates a case in `pendingAcceptance`. */
  register(input: RegisterInput, ctx: CommandContext): Promise<CommandResult>;
  /** Runs one command through validate → load → authorize → transition → commit → emit. */
  execute(caseId: string, command: CommandInput, ctx: CommandContext): Promise<CommandResult>;
  get(caseId: string, ctx: ReadContext): Promise<CaseView>;
  /** Would this command be accepted now? Runs the same checks as `execute` and writes nothing. */
  can(caseId: string, command: CommandInput, ctx: CommandContext): Promise<CanResult>;
  /** The case's committed events, oldest first. */
  history(caseId: string, ctx: ReadContext): Promise<EngineEvent[]>;
  /** The case's audit entries, oldest first. */
  audit(caseId: string, ctx: ReadContext): Promise<AuditEntry[]>;
  /** Recomputes the audit hash chain and reports the first broken entry. */
  verifyAudit(caseId: string, ctx: ReadContext): Promise<AuditVerification>;
  /**
   * 回头看: records a follow-up of a concluded (or archived) case. `rebounded` registers a new case
   * linked to this one (same requester, category, location and tier) and marks this one rebounded.
   */
  recordFollowUp(caseId: string, input: FollowUpInput, ctx: CommandContext): Promise<FollowUpResult>;
  /**
   * Claims due timers and processes each case's due SLA work in one commit: level transitions,
   * escalations (urge counter, supervision, deemed consent, notifications as `sla:escalated`).
   */
  tick(options: TickOptions): Promise<TickResult>;
  /** Re-evaluates the tenant's cases with pending SLA work at `now` (after a holiday notice). */
  recompute(options: TickOptions, ctx?: ReadContext): Promise<TickResult>;
  /** Indexed case query (tenant from the actor), newest-id-last cursor pagination. */
  query(filter: EngineQuery, ctx: ReadContext, page?: { limit?: number; cursor?: string | null }): Promise<Page<CaseView>>;
  /** Runs `tick` for the tenants every `intervalMs` on the engine's clock; `stop()` waits for a running tick. */
  startScheduler(options: SchedulerOptions): Scheduler;
  /**
   * The ranked units a routing policy proposes for a case, with reasons, for a human dispatcher.
   * Needs `routing` in the engine options; the actor must be allowed to dispatch.
   */
  suggest(caseId: string, ctx: ReadContext): Promise<RouterRanking>;
  /**
   * Delivers the tenant's outbox at least once: claims a batch under a lease (`store.claimOutbox`,
   * so relays on several nodes take disjoint rows), hands each event to `handler` (awaited) and
   * acknowledges it with the lease token only after the handler resolves. Every third of the lease it
   * renews the rows not yet acknowledged (`store.renewOutboxLease`), so a handler slower than the
   * lease keeps its batch. A crash, a throw or a lease lost anyway (the relay could not renew it in
   * time and another relay claimed the rows) means redelivery with the same `eventId`, never a loss.
   * Stops at the first handler error, gives the unacknowledged rest of the batch back, and rethrows.
   * When an ack or a renewal comes back `leaseLost`, it delivers nothing more of that batch (the
   * rows are another relay's now) and claims afresh. `delivered` counts the acknowledged events.
   */
  relay(options: RelayOptions): Promise<{ delivered: number }>;
  /** Subscribes to one event; returns the unsubscribe function. */
  on<N extends EngineEventName>(name: N, handler: (event: EngineEventOf<N>) => void): () => void;
  readonly store: CaseStore;
}

/**
 * Input of `engine.recordFollowUp`.
 *
 * @example
 * const input: FollowUpInput = { clock: 'followUp30', outcome: 'resolved' };
 */
export interface FollowUpInput {
  clock: 'followUp30' | 'followUp90';
  outcome: 'resolved' | 'rebounded';
  note?: string;
}

/**
 * What `recordFollowUp` returns: the case, its events, and the new case a rebound registered.
 *
 * @example
 * const { rebound } = await engine.recordFollowUp(id, { clock: 'followUp30', outcome: 'rebounded' }, { actor: revisit });
 * rebound?.sla.reboundOf === id;
 * //=> true
 */
export interface FollowUpResult extends CommandResult {
  rebound: CaseView | null;
}

/**
 * Options of `engine.tick` / `engine.recompute`.
 *
 * @example
 * await engine.tick({ tenantId: 'sz', now: new Date('2026-02-27T01:00:00Z') });
 */
export interface TickOptions {
  tenantId: string;
  /**
   * Default: the database's clock when the engine runs on the system clock and the store keeps time
   * (`serverTime` and `store.now()`, as PostgreSQL does), else the engine's clock.
   */
  now?: Date;
}

/**
 * What a tick did.
 *
 * @example
 * const { casesProcessed, events } = await engine.tick({ tenantId: 'sz' });
 * events.filter((e) => e.name === 'sla:escalated').length;
 * //=> 3
 */
export interface TickResult {
  timersClaimed: number;
  casesProcessed: number;
  events: EngineEvent[];
}

/**
 * Filters of `engine.query`; every given field must match.
 *
 * @example
 * await engine.query({ level: 'red', unit: 'u-water' }, { actor }, { limit: 20 });
 */
export interface EngineQuery {
  level?: 'green' | 'yellow' | 'red' | 'overdue';
  tier?: Tier;
  /** An active assignment (lead or cooperating) of this unit. */
  unit?: string;
  /** The primary owner. */
  owner?: string;
  /** The earliest running deadline is at or before this instant. */
  dueBefore?: Date | string;
  /** Top-level state. */
  state?: string;
}

/**
 * Options of `engine.startScheduler`.
 *
 * @example
 * const scheduler = engine.startScheduler({ intervalMs: 60_000, tenantIds: ['sz'] });
 */
export interface SchedulerOptions {
  intervalMs: number;
  tenantIds: readonly string[];
  /** Called when a tick throws (the scheduler keeps running). */
  onError?: (error: unknown) => void;
}

/**
 * A running scheduler.
 *
 * @example
 * await scheduler.stop();
 */
export interface Scheduler {
  stop(): Promise<void>;
}

const ActorSchema = z.strictObject({
  id: z.string().min(1).max(128),
  roles: z.array(z.enum(ROLES)).max(32),
  unitIds: z.array(z.string().min(1).max(128)).max(256),
  tenantId: z.string().min(1).max(128),
});
const CommandContextSchema = z.object({
  actor: ActorSchema,
  idempotencyKey: z.string().min(1).max(256).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});
const ReadContextSchema = z.object({ actor: ActorSchema });
const FollowUpInputSchema = z.strictObject({
  clock: z.enum(['followUp30', 'followUp90']),
  outcome: z.enum(['resolved', 'rebounded']),
  note: z.string().trim().max(2000).optional(),
});
const TickOptionsSchema = z.strictObject({ tenantId: z.string().min(1).max(128), now: z.date().optional() });
const EngineQuerySchema = z.strictObject({
  level: z.enum(['green', 'yellow', 'red', 'overdue']).optional(),
  tier: z.enum(['immediate', 'general', 'complex']).optional(),
  unit: z.string().min(1).max(128).optional(),
  owner: z.string().min(1).max(128).optional(),
  dueBefore: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
  state: z.string().min(1).max(64).optional(),
});
const PageSchema = z.strictObject({ limit: z.number().int().min(1).max(1000).optional(), cursor: z.string().max(256).nullable().optional() });
const SchedulerSchema = z.object({ intervalMs: z.number().int().min(10), tenantIds: z.array(z.string().min(1)).min(1) });
const RelayOptionsSchema = z.strictObject({
  tenantId: z.string().min(1).max(128),
  handler: z.custom<RelayOptions['handler']>((v) => typeof v === 'function', 'a function'),
  batchSize: z.number().int().min(1).max(1000).optional(),
  leaseMs: z.number().int().min(1).max(2_147_483_647).optional(),
  workerId: z.string().min(1).max(200).optional(),
  ack: z.enum(['each', 'batch']).optional(),
});

/**
 * zod issues as field paths and messages. zod 4's messages name the expected type or the allowed
 * options, never the received value, so a malformed phone number is not echoed back.
 */
function issuesOf(error: z.ZodError, prefix: readonly string[]): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
  }));
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: readonly string[], what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new JiaobanError('VALIDATION', `invalid ${what}`, { issues: issuesOf(result.error, prefix) });
  }
  return result.data;
}

/** Short, personal-data-free description of a command for the audit log (`tier`: the case's before it). */
function summarize(command: Command, tier: Tier): string {
  const parts: string[] = [command.type];
  const c = command as Record<string, unknown>;
  switch (command.type) {
    case 'dispatch':
    case 'acceptAndDispatch':
      parts.push(`lead=${command.lead?.unitId ?? '(routed)'}`);
      if (command.cooperating.length > 0) parts.push(`cooperating=${command.cooperating.map((u) => u.unitId).join(',')}`);
      break;
    case 'redispatch':
      parts.push(`lead=${command.lead.unitId}`);
      break;
    case 'changeTier':
      parts.push(`from=${tier} to=${command.tier}`);
      break;
    case 'decline':
    case 'requestReturn':
    case 'requestSuspension':
    case 'cancel':
      parts.push(`reason=${command.reason}`);
      break;
    default:
      break;
  }
  for (const key of ['unitId', 'toUnitId', 'ownerId', 'primaryOwnerId', 'level', 'result', 'aspect', 'passed', 'decision', 'upheld', 'consent', 'workingDays', 'resolved', 'countersignMode']) {
    const v = c[key];
    if (v !== undefined && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) parts.push(`${key}=${String(v)}`);
  }
  return parts.join(' ');
}

/**
 * xstate's persisted-snapshot shape for our machines, built directly. `getPersistedSnapshot` also
 * deep-copies the context to swap actor references for ids; tier machines spawn no actors and use
 * no history states (a test pins both facts and that the two shapes are equal), and the store
 * serialises the row at once, so that copy would be work thrown away on every command.
 */
function persist(snapshot: { status: string; value: unknown; context: CaseContext }): unknown {
  return { status: snapshot.status, value: snapshot.value, historyValue: {}, context: snapshot.context, children: {} };
}

interface Loaded {
  stored: StoredCase;
  def: TierDefinition;
  snapshot: ReturnType<TierDefinition['machine']['resolveState']>;
  sla: CaseSla;
  /** Built on first use: most commands never need the loaded case's view. */
  view(): CaseView;
}

/** What one case's system work (tick, recompute) committed: its events and the timer ids it rewrote. */
interface SystemWork {
  events: EngineEvent[];
  rewritten: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/** The timer row a commit leaves the case with: its id and due instant. */
type TimerKept = Pick<TimerRow, 'id' | 'dueAt'>;

/** What a commit does to the case's timer row. */
interface TimerPlan {
  row: TimerKept | null;
  batch: CommitBatch['timers'];
}

interface Planned {
  batch: CommitBatch;
  result: CommandResult;
}

type Snapshot = Loaded['snapshot'];

/** A case being changed inside one commit: the machine snapshot, the SLA state and the events so far. */
interface Work {
  snapshot: Snapshot;
  sla: CaseSla;
  events: EngineEvent[];
  at: string;
  /** The SLA state as loaded: while `sla` is still this object, the row's stored form can be kept. */
  loadedSla?: CaseSla;
}

/**
 * Creates an engine. One path per command: validate (zod) → load (tenant-scoped) → authorize →
 * pure machine transition → SLA clocks react (pure) → one atomic store commit (case, events, audit
 * entry, outbox rows, timer row, idempotency record) → emit events after the commit.
 *
 * @example
 * const engine = createEngine();
 * const intake = { id: 'p-intake', roles: ['intake'], unitIds: [], tenantId: 'sz' } satisfies Actor;
 * const { case: c } = await engine.register({
 *   tier: 'general', title: '路灯不亮', description: '3号楼前路灯一周不亮', category: 'municipal.lighting',
 *   requester: { name: '张三', phone: '13800138000' }, channel: 'hotline',
 * }, { actor: intake });
 * const { case: accepted } = await engine.execute(c.id, { type: 'accept' }, { actor: intake });
 * accepted.state;
 * //=> 'pendingDispatch'
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const store = options.store ?? memoryStore();
  const clock = options.clock ?? systemClock;
  const tiers: Record<Tier, TierDefinition> = { ...TIER_DEFINITIONS, ...options.tiers } as Record<Tier, TierDefinition>;
  const table = resolvePermissionTable(options.permissions);
  const decideHook = options.permissions?.decide;
  const newCaseId = options.ids?.caseId ?? (() => randomUUID());
  const maxRetries = options.maxRetries ?? 3;
  const routing = createDispatchRouting(options.routing);
  const emitter = new EventEmitter<EngineEventMap>();
  const policy = options.sla ?? DEFAULT_SLA_POLICY;
  const calendars: EngineCalendars = { working: options.calendars?.working ?? cnMainland() };
  if (options.calendars?.natural !== undefined) calendars.natural = options.calendars.natural;
  if (options.calendars?.forUnit !== undefined) calendars.forUnit = options.calendars.forUnit;
  const systemActor = options.systemActorId ?? 'system:sla';
  const workerId = `engine-${randomUUID()}`;
  const timerLeaseMs = options.timerLeaseMs ?? 60_000;
  if (!Number.isInteger(timerLeaseMs) || timerLeaseMs < 100 || timerLeaseMs > 2_147_483_647) {
    throw new JiaobanError('VALIDATION', 'invalid engine options', { issues: [{ path: ['timerLeaseMs'], message: 'an integer number of ms from 100 to 2147483647' }] });
  }
  /** The working calendar's revision the open cases were last evaluated on, per tenant. */
  const seenRevision = new Map<string, number>();

  /**
   * The table decides from the case's facts (the machine context has them all); the full view is
   * built for the host's `decide` hook only when there is one.
   */
  function check(actor: Actor, operation: Operation, command: Command | null, loaded: Loaded | null): void {
    const facts = loaded === null ? null : loaded.snapshot.context;
    let decision: Decision = authorize(table, { actor, operation, command, case: facts });
    if (decideHook !== undefined) decision = decideHook({ actor, operation, command, case: loaded === null ? null : loaded.view() }, decision);
    if (!decision.allowed) {
      throw new JiaobanError('PERMISSION', `${actor.id} may not ${operation}`, {
        command: operation, actorId: actor.id, reason: decision.reason,
      });
    }
  }

  async function load(tenantId: string, caseId: string): Promise<Loaded> {
    return toLoaded(caseId, tenantId, await store.load(tenantId, caseId));
  }

  function readSla(stored: StoredCase): CaseSla {
    return unpackSla(stored.sla, stored.tier, emptyCaseSla);
  }

  function viewOf(stored: StoredCase, context: CaseContext, value: unknown, sla: CaseSla, at: string): CaseView {
    return toCaseView(stored, context, value, slaView(sla, at, calendars));
  }

  function toLoaded(caseId: string, tenantId: string, stored: StoredCase | null): Loaded {
    // Another tenant's case is indistinguishable from a missing one: no existence oracle.
    if (stored === null || stored.tenantId !== tenantId) {
      throw new JiaobanError('NOT_FOUND', `case ${caseId} not found`, { entity: 'case', id: caseId });
    }
    const def = tiers[stored.tier as Tier];
    if (def === undefined) {
      throw new JiaobanError('INCOMPATIBLE_DEFINITION', `case ${caseId} was stored by ${stored.machine.id}@${stored.machine.version}`, {
        machineId: stored.machine.id, storedVersion: stored.machine.version, currentVersion: 0,
      });
    }
    if (def.id !== stored.machine.id || def.version !== stored.machine.version) {
      // A path through the host's registered migrations, or a typed refusal: never a silent mis-restore.
      // The next commit writes the migrated snapshot with the current machine version.
      const migrated = migrateSnapshot(stored.machine, stored.snapshot as { value: unknown; context: unknown }, def);
      stored = { ...stored, snapshot: migrated, machine: { id: def.id, version: def.version } };
    }
    const persisted = stored.snapshot as { value: unknown; context: CaseContext } | null;
    let snapshot: Loaded['snapshot'];
    try {
      // A stored snapshot is untrusted input: a state the machine does not have must not restore.
      snapshot = def.machine.resolveState({ value: persisted?.value as never, context: persisted?.context as CaseContext });
    } catch (cause) {
      throw new JiaobanError('INCOMPATIBLE_DEFINITION', `case ${caseId} holds a snapshot ${def.id}@${def.version} cannot restore`, {
        machineId: stored.machine.id, storedVersion: stored.machine.version, currentVersion: def.version,
      }, { cause });
    }
    const sla = readSla(stored);
    let view: CaseView | undefined;
    return { stored, def, snapshot, sla, view: () => (view ??= viewOf(stored, snapshot.context, snapshot.value, sla, clock.now().toISOString())) };
  }

  function eventRow<N extends EngineEventName>(base: EventBase, index: number, name: N, data: EngineEventData[N]): EngineEvent {
    return {
      eventId: `${base.caseId}:${base.version}:${index}`, name, caseId: base.caseId, tenantId: base.tenantId, tier: base.tier,
      version: base.version, at: base.at, actorId: base.actorId, command: base.command, fromState: base.fromState, toState: base.toState, data,
    } as unknown as EngineEvent;
  }

  function buildBatch(
    stored: StoredCase, expectedVersion: number | null, events: EngineEvent[], audit: AuditEntry | null, idem: CommitBatch['idempotency'],
    result: CommandResult, timers: CommitBatch['timers'],
  ): CommitBatch {
    const outbox: OutboxRow[] = events.map((e) => ({
      id: e.eventId, tenantId: e.tenantId, caseId: e.caseId, name: e.name, payload: e as unknown as StoredEvent, createdAt: e.at,
    }));
    const batch: CommitBatch = {
      tenantId: stored.tenantId, case: stored, expectedVersion, events: events as unknown as StoredEvent[], audit: audit === null ? [] : [audit], outbox,
      timers,
    };
    if (idem !== undefined) batch.idempotency = { ...idem, response: { case: result.case, events: result.events } };
    return batch;
  }

  function auditEntry(head: StoredCase['auditHead'], fields: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>): AuditEntry {
    const body = {
      seq: head.seq + 1, at: fields.at, actorId: fields.actorId, command: fields.command, fromState: fields.fromState, toState: fields.toState,
      summary: fields.summary, prevHash: head.hash,
    };
    return { ...body, hash: hashAuditEntry(body) };
  }

  /**
   * Runs SLA events through the clocks and acts on what falls due, inside the commit being built:
   * level transitions become `sla:*` events; an escalation becomes `sla:escalated` with its
   * recipients, and its `urge` / `supervise` / `deemConsent` actions run the machine's own commands
   * (so the counters, the supervision level and the deemed opinion are the machine's, as if a person
   * had done it). A deemed consent is itself an SLA event; the loop runs until nothing more is due.
   */
  function runSla(work: Work, def: TierDefinition, slaEvents: SlaEvent[], base: () => EventBase): SlaTimer[] {
    let pending = slaEvents;
    let timers: SlaTimer[] = [];
    for (let round = 0; round < 8; round++) {
      const hadGap = work.sla.gap !== null;
      const step = slaStep(work.sla, pending, work.at, slaContext(policy, calendars, work.snapshot.context.tier));
      work.sla = step.sla;
      // Escalation actions change the machine, not the clocks (a deemed consent comes back as an
      // SLA event for the next round), so the last round's timers are the case's timers.
      timers = step.timers;
      pending = [];
      if (step.gap !== null && !hadGap) {
        work.events.push(eventRow(base(), work.events.length, 'sla:calendarGap', {
          date: step.gap.date, covered: step.gap.covered, during: step.gap.during, pendingEvents: step.sla.gap?.pending.length ?? 0,
        }));
      }
      const unitOf = (key: string): string | null => work.sla.clocks.clocks[key]?.unitId ?? null;
      for (const t of step.transitions) {
        work.events.push(eventRow(base(), work.events.length, t.event, {
          clockKey: t.clockKey, name: t.name, assignmentId: t.assignmentId, unitId: unitOf(t.clockKey), from: t.from, to: t.to, reachedAt: t.at, deadline: t.deadline,
        }));
      }
      for (const e of step.escalations) {
        const ctx0 = work.snapshot.context;
        const recipients = e.actions.flatMap((a) => (a.type === 'urge' || a.type === 'notify' ? [resolveRecipient(a.to, e.assignmentId, ctx0)] : []));
        work.events.push(eventRow(base(), work.events.length, 'sla:escalated', {
          clockKey: e.clockKey, name: e.name, assignmentId: e.assignmentId, unitId: unitOf(e.clockKey), stepId: e.stepId, on: e.on,
          actions: e.actions, recipients, dueAt: e.dueAt,
        }));
        for (const action of e.actions) {
          let command: Command | null = null;
          if (action.type === 'urge') command = { type: 'urge', note: `sla:${e.stepId}` } as Command;
          else if (action.type === 'supervise') command = { type: 'raiseSupervision', level: action.level, note: `sla:${e.stepId}` } as Command;
          else if (action.type === 'deemConsent') {
            const unitId = unitOf(e.clockKey);
            if (unitId !== null) command = { type: 'deemConsent', unitId, note: `sla:${e.stepId}` } as Command;
          }
          if (command === null) continue;
          const before = work.snapshot;
          const event = Object.assign({ meta: { actorId: systemActor, at: work.at, deadline: null } }, command) as unknown as CaseEvent;
          const next = pureTransition(def.machine, before, event);
          // A guard said no (supervision already higher, opinion already given): nothing to do.
          if (next === before) continue;
          work.snapshot = next;
          // The machine's own event (`case:urged`, `supervision:raised`, `opinion:deemed`), with the
          // step in its note: KPIs that count urges or supervision see the system's like a person's.
          const { type: _t, ...data } = command;
          work.events.push(eventRow(base(), work.events.length, COMMAND_EVENTS[command.type], data as never));
          if (command.type === 'deemConsent') pending.push(...slaEventsFor(command, before.context, next.context, work.at));
        }
      }
      if (pending.length === 0) return timers;
    }
    return timers;
  }

  type EventBase = Omit<EngineEventBase, 'eventId' | 'name'>;

  /** The case row after a commit: snapshot, SLA state and the index keys (state, lead, owner, units, level, dueAt). */
  function nextRow(stored: StoredCase, work: Work, version: number, timer: TimerKept | null): StoredCase {
    const c = work.snapshot.context;
    const lead = c.assignments.find((a) => a.role === 'lead' && a.state !== 'withdrawn' && a.state !== 'replaced');
    const sla: CaseSla = { ...work.sla, timerId: timer?.id ?? null, wakeAt: timer?.dueAt ?? null };
    // Clocks untouched (the quiet path) and the same timer: the stored form is already what packing gives.
    const unchanged = work.sla === work.loadedSla && stored.sla !== undefined && work.sla.timerId === sla.timerId && work.sla.wakeAt === sla.wakeAt;
    return {
      tenantId: stored.tenantId,
      id: stored.id,
      tier: stored.tier,
      machine: stored.machine,
      snapshot: persist(work.snapshot),
      version,
      createdAt: stored.createdAt,
      updatedAt: work.at,
      state: topState(work.snapshot.value),
      leadUnitId: lead?.unitId ?? null,
      ownerId: c.primaryOwnerId,
      unitIds: activeUnits(c),
      level: caseLevelOf(sla),
      dueAt: earliestDueOf(sla),
      sla: unchanged ? stored.sla : packSla(sla),
      auditHead: stored.auditHead,
    };
  }

  /**
   * The case's SLA work for a commit: the events that can move a clock are applied and the clocks
   * evaluated at `work.at` (`runSla`), and the timer row replaced; or, when that would change
   * nothing (`slaIsQuiet`: the hot path of most commands), the clocks and the timer row stay as
   * they are. `old`: the loaded case's SLA state, `null` for a new case.
   */
  function slaWork(work: Work, def: TierDefinition, events: SlaEvent[], base: () => EventBase, old: CaseSla | null, tenantId: string, caseId: string): TimerPlan {
    const tier = work.snapshot.context.tier;
    // After a change of tier every event goes in: the clocks are re-tiered on the first one applied.
    const reactive = tier === work.sla.clocks.tier ? reactiveEvents(events, policy) : events;
    if (old !== null && slaIsQuiet(work.sla, reactive, work.at, slaContext(policy, calendars, tier))) {
      const kept = old.timerId === null || old.wakeAt === undefined || old.wakeAt === null ? null : { id: old.timerId, dueAt: old.wakeAt };
      return { row: kept, batch: { upsert: [], remove: [] } };
    }
    const timers = runSla(work, def, reactive, base);
    const row = work.sla.gap === null ? timerRow(tenantId, caseId, timers) : null;
    const oldId = old === null ? null : old.timerId;
    return { row, batch: { upsert: row === null ? [] : [row], remove: oldId !== null && oldId !== row?.id ? [oldId] : [] } };
  }

  /**
   * The pure middle of the path: authorize and transition a loaded case, run its clocks, build the
   * commit batch. `authorized`: the caller already ran `check` for this command (a routed dispatch
   * does, before routing).
   */
  function plan(loaded: Loaded, command: Command, ctx: CommandContext, idem: CommitBatch['idempotency'], note = '', authorized = false): Planned {
    const { stored, def, snapshot } = loaded;
    const actor = ctx.actor;
    if (!authorized) check(actor, command.type, command, loaded);

    // Time never goes backwards within a case: a clock behind the case's last SLA event is clamped to it.
    const at = clampAt(loaded.sla, clock.now().toISOString());
    const hook = options.deadline?.(loaded.view(), command);
    const deadline = hook !== undefined ? hook?.toISOString() ?? null : guardDeadline(loaded.sla, snapshot.context.tier) ?? snapshot.context.dueAt;
    const meta: EventMeta = { actorId: actor.id, at, deadline };
    // Object.assign, not `{ ...command, meta }`: adding a field after a spread is V8's slow path.
    const event = Object.assign({ meta }, command) as unknown as CaseEvent;
    const next = pureTransition(def.machine, snapshot, event);
    const from = fullState(snapshot.value);
    if (next === snapshot) {
      throw new JiaobanError('INVALID_TRANSITION', `${command.type} is not possible in ${from}`, {
        command: command.type, state: from, caseId: stored.id,
      });
    }
    const version = stored.version + 1;
    // 改变办理类别 moves the case to the new tier's machine (change-tier.ts); other commands keep theirs.
    const moved = followTier(tiers, def, snapshot.context, next, command);
    const work: Work = { snapshot: moved.snapshot, sla: loaded.sla, loadedSla: loaded.sla, events: [], at };
    const base = (): EventBase => ({
      caseId: stored.id, tenantId: stored.tenantId, tier: work.snapshot.context.tier, version, at, actorId: actor.id,
      command: command.type, fromState: from, toState: fullState(work.snapshot.value),
    });
    const { type: _type, ...data } = command;
    if (command.type === 'acceptAndDispatch') {
      work.events.push(eventRow(base(), 0, 'case:accepted', command.note === undefined ? {} : { note: command.note }));
    }
    work.events.push(eventRow(base(), work.events.length, COMMAND_EVENTS[command.type], (moved.change ?? data) as never) as EngineEvent);
    const timers = slaWork(work, moved.def, slaEventsFor(command, snapshot.context, next.context, at), base, loaded.sla, stored.tenantId, stored.id);
    const nextStored = nextRow(stored, work, version, timers.row);
    if (moved.row !== null) Object.assign(nextStored, moved.row);
    const to = fullState(work.snapshot.value);
    const audit = auditEntry(stored.auditHead, {
      at, actorId: actor.id, command: command.type, fromState: from, toState: to, summary: summarize(command, snapshot.context.tier) + note + slaSummary(work.events),
    });
    nextStored.auditHead = { seq: audit.seq, hash: audit.hash };
    const result: CommandResult = { case: viewOf(nextStored, work.snapshot.context, work.snapshot.value, work.sla, at), events: work.events, replayed: false };
    return { batch: buildBatch(nextStored, stored.version, work.events, audit, idem, result, timers.batch), result };
  }

  function emit(events: readonly EngineEvent[]): void {
    for (const e of events) (emitter.emit as (name: string, event: EngineEvent) => boolean)(e.name, e);
  }

  /**
   * The idempotency record a keyed request's commit carries (its response filled in by `buildBatch`),
   * or undefined without a key. `request` is what makes two requests the same one; its canonical
   * hash is the fingerprint stored with the key, so it must never change shape for a given operation.
   */
  function keyed(ctx: CommandContext, request: object): CommitBatch['idempotency'] {
    if (ctx.idempotencyKey === undefined) return undefined;
    return { key: ctx.idempotencyKey, fingerprint: sha256(canonicalJson(request)), response: null };
  }

  async function replayOrConflict(tenantId: string, idem: NonNullable<CommitBatch['idempotency']>): Promise<CommandResult | null> {
    const record = await store.findIdempotency(tenantId, idem.key);
    if (record === null) return null;
    if (record.fingerprint !== idem.fingerprint) {
      throw new JiaobanError('IDEMPOTENCY_CONFLICT', 'idempotency key was used for another command', { idempotencyKey: idem.key });
    }
    const response = record.response as Omit<CommandResult, 'replayed'>;
    return { case: response.case, events: response.events, replayed: true };
  }

  /** Commits with bounded retries; `attempt` re-runs load + plan against fresh state. */
  async function commitWithRetry(
    tenantId: string, ctx: CommandContext, idem: CommitBatch['idempotency'], attempt: () => Promise<Planned>,
  ): Promise<CommandResult> {
    for (let tries = 0; ; tries++) {
      if (idem !== undefined) {
        const replay = await replayOrConflict(tenantId, idem);
        if (replay !== null) return replay;
      }
      const planned = await attempt();
      try {
        await store.commit(planned.batch);
      } catch (error) {
        const retriable =
          (isJiaobanError(error, 'CONCURRENCY') && ctx.expectedVersion === undefined) ||
          // Someone committed the same key between our check and our commit: loop to replay it.
          isJiaobanError(error, 'IDEMPOTENCY_CONFLICT');
        if (retriable && tries < maxRetries) continue;
        throw error;
      }
      emit(planned.result.events);
      return planned.result;
    }
  }

  /** Fills in the units of a dispatch without a lead from the routing policy, or checks explicit ones. */
  async function routeDispatch(loaded: Loaded, command: Extract<Command, { type: 'dispatch' | 'acceptAndDispatch' }>, actorId: string): Promise<ResolvedDispatch> {
    const request = routingRequestFor(loaded.stored.id, loaded.stored.tenantId, loaded.snapshot.context);
    if (command.lead === undefined) return routing.decide(request, clock.now());
    return routing.check(request, { lead: command.lead, cooperating: command.cooperating }, actorId, clock.now());
  }

  function routingNote(routed: ResolvedDispatch): string {
    const score = routed.routing.score === null ? '' : ` score=${routed.routing.score.toFixed(3)}`;
    return ` routing=${routed.routing.mode}:${routed.routing.policy}${score} [${routed.routing.reasons.join('; ')}]`;
  }

  function validateCommand(command: unknown, ctx: unknown): { command: Command; ctx: CommandContext } {
    const c = parseOrThrow(CommandContextSchema, ctx, ['ctx'], 'command context') as CommandContext;
    const cmd = parseOrThrow(CommandSchema, command, ['command'], 'command');
    return { command: cmd, ctx: c };
  }

  async function loadChecked(caseId: string, ctx: CommandContext): Promise<Loaded> {
    const loaded = toLoaded(caseId, ctx.actor.tenantId, await store.load(ctx.actor.tenantId, caseId));
    if (ctx.expectedVersion !== undefined && loaded.stored.version !== ctx.expectedVersion) {
      throw new ConcurrencyError(caseId, ctx.expectedVersion, loaded.stored.version);
    }
    return loaded;
  }

  /** Registration, shared by `register` and a 回头看 rebound. */
  function planRegister(data: RegisterData, actor: Actor, idem: CommitBatch['idempotency'], reboundOf: string | null, id: string = newCaseId()): Planned {
    const def = tiers[data.tier];
    const at = clock.now().toISOString();
    const snapshot = pureInitialTransition(def.machine, { data, meta: { actorId: actor.id, at, deadline: null } });
    const stored: StoredCase = {
      tenantId: actor.tenantId, id, tier: data.tier, machine: { id: def.id, version: def.version },
      snapshot: null, version: 1, createdAt: at, updatedAt: at,
      state: topState(snapshot.value), leadUnitId: null, ownerId: null, auditHead: { seq: 0, hash: GENESIS_HASH },
    };
    const to = fullState(snapshot.value);
    const work: Work = { snapshot, sla: { ...emptyCaseSla(data.tier), reboundOf }, events: [], at };
    const base = (): EventBase => ({
      caseId: stored.id, tenantId: stored.tenantId, tier: data.tier, version: 1, at, actorId: actor.id,
      command: 'register', fromState: null, toState: to,
    });
    work.events.push(eventRow(base(), 0, 'case:registered', {
      tier: data.tier, title: data.title, category: data.category, channel: data.channel, receivedAt: snapshot.context.receivedAt,
      ...(reboundOf === null ? {} : { reboundOf }),
    }));
    const t = slaWork(work, def, [{ type: 'register', at }], base, null, stored.tenantId, stored.id);
    const row = nextRow(stored, work, 1, t.row);
    const audit = auditEntry(row.auditHead, {
      at, actorId: actor.id, command: 'register', fromState: null, toState: to,
      summary: `register ${data.tier} ${data.category}${reboundOf === null ? '' : ` reboundOf=${reboundOf}`}`,
    });
    row.auditHead = { seq: audit.seq, hash: audit.hash };
    const result: CommandResult = { case: viewOf(row, work.snapshot.context, work.snapshot.value, work.sla, at), events: work.events, replayed: false };
    return { batch: buildBatch(row, null, work.events, audit, idem, result, t.batch), result };
  }

  /**
   * System work on one case at `now` (tick and recompute): evaluate the clocks (after applying the
   * events a calendar gap parked), act on what fell due. `null` when nothing changed.
   */
  function planSystem(loaded: Loaded, now: string, command: 'tick' | 'recompute'): Planned | null {
    const { stored, def, snapshot } = loaded;
    const at = clampAt(loaded.sla, now);
    const version = stored.version + 1;
    const from = fullState(snapshot.value);
    const work: Work = { snapshot, sla: loaded.sla, loadedSla: loaded.sla, events: [], at };
    const base = (): EventBase => ({
      caseId: stored.id, tenantId: stored.tenantId, tier: work.snapshot.context.tier, version, at, actorId: systemActor,
      command, fromState: from, toState: fullState(work.snapshot.value),
    });
    const t = slaWork(work, def, [], base, loaded.sla, stored.tenantId, stored.id);
    // The quiet path left the clocks and the timer row as they were: nothing to write or compare.
    if (work.sla === loaded.sla && work.events.length === 0 && t.batch.upsert.length === 0 && t.batch.remove.length === 0) return null;
    const row = nextRow(stored, work, version, t.row);
    const unchanged = work.events.length === 0 && sameCanonical(row.sla, stored.sla ?? null) && t.batch.remove.length === 0;
    if (unchanged) return null;
    let audit: AuditEntry | null = null;
    if (work.events.length > 0) {
      audit = auditEntry(stored.auditHead, {
        at, actorId: systemActor, command, fromState: from, toState: fullState(work.snapshot.value), summary: command + slaSummary(work.events),
      });
      row.auditHead = { seq: audit.seq, hash: audit.hash };
    }
    const result: CommandResult = { case: viewOf(row, work.snapshot.context, work.snapshot.value, work.sla, at), events: work.events, replayed: false };
    return { batch: buildBatch(row, stored.version, work.events, audit, undefined, result, t.batch), result };
  }

  /** One case's system work, retried against fresh state when a user command got there first. */
  async function processCase(tenantId: string, caseId: string, now: string, command: 'tick' | 'recompute'): Promise<SystemWork | null> {
    for (let tries = 0; ; tries++) {
      const stored = await store.load(tenantId, caseId);
      if (stored === null) return { events: [], rewritten: NONE };
      const planned = planSystem(toLoaded(caseId, tenantId, stored), now, command);
      if (planned === null) return { events: [], rewritten: NONE };
      try {
        await store.commit(planned.batch);
      } catch (error) {
        if (isJiaobanError(error, 'CONCURRENCY') && tries < maxRetries + 2) continue;
        if (isJiaobanError(error, 'CONCURRENCY')) return null;
        throw error;
      }
      emit(planned.result.events);
      const { upsert, remove } = planned.batch.timers;
      return { events: planned.result.events, rewritten: new Set([...remove, ...upsert.map((r) => r.id)]) };
    }
  }

  async function finishTimer(tenantId: string, timer: ClaimedTimer, done: boolean, rewritten: ReadonlySet<string> = NONE): Promise<void> {
    // The commit removed the row or wrote it anew (which ended the lease): nothing is left to
    // complete or release, and asking would only be refused.
    if (rewritten.has(timer.id)) return;
    try {
      if (done) await store.completeTimer(tenantId, timer.id, timer.lease.token);
      else await store.releaseTimer(tenantId, timer.id, timer.lease.token);
    } catch (error) {
      // The commit replaced or removed the row (a rescheduled timer), or the lease ran out and another
      // worker holds it: either way the case version fenced the effect, so there is nothing to undo.
      if (!isJiaobanError(error, 'STORE')) throw error;
    }
  }

  /**
   * Renews the leases of a tick's batch from `fromCase` on (the cases not processed yet). A timer
   * whose lease another worker took meanwhile is dropped from its list: it is that worker's now.
   */
  async function renewLeases(tenantId: string, byCase: Map<string, ClaimedTimer[]>, fromCase: string, at: Date): Promise<void> {
    let reached = false;
    for (const [caseId, timers] of byCase) {
      reached ||= caseId === fromCase;
      if (!reached) continue;
      for (let i = timers.length - 1; i >= 0; i--) {
        const t = timers[i] as ClaimedTimer;
        try {
          t.lease = await store.renewTimerLease(tenantId, t.id, t.lease.token, { now: at, leaseMs: timerLeaseMs });
        } catch (error) {
          if (!isJiaobanError(error, 'STORE') || error.details.reason !== 'leaseLost') throw error;
          timers.splice(i, 1);
        }
      }
    }
  }

  /** Whether system work without an explicit instant reads "now" from the store (see `systemNow`). */
  function usesStoreTime(): boolean {
    return clock === systemClock && store.capabilities?.serverTime === true && store.now !== undefined;
  }

  /**
   * "Now" for system work without an explicit instant: the database's clock when the engine runs on
   * the system clock and the store keeps time (`serverTime` with `now()`), so a tick evaluates by the
   * clock its claims use; otherwise the engine's `Clock` (a simulated one stays in charge).
   */
  async function systemNow(): Promise<Date> {
    // Called as a method: a store written as a class reads its connection through `this`.
    return usesStoreTime() && store.now !== undefined ? store.now() : clock.now();
  }

  async function tick(raw: TickOptions): Promise<TickResult> {
    const opts = parseOrThrow(TickOptionsSchema, raw, ['options'], 'tick options');
    // Read only when there is work: a store that keeps time claims by its own clock anyway, so a tick
    // that finds nothing due costs the claim alone, not a round trip for the time first. Read after
    // the claim, the instant is no earlier than the one the claim used.
    const storeTime = opts.now === undefined && usesStoreTime();
    let now: string | null = storeTime ? null : (opts.now ?? clock.now()).toISOString();
    const evaluationNow = async (): Promise<string> => (now ??= (await systemNow()).toISOString());
    const result: TickResult = { timersClaimed: 0, casesProcessed: 0, events: [] };
    // A holiday notice added since the last tick can move deadlines earlier: re-evaluate first.
    const revision = calendars.working.revision;
    const seen = seenRevision.get(opts.tenantId);
    if (seen !== undefined && seen !== revision) {
      const r = await recomputeAll(opts.tenantId, await evaluationNow());
      result.casesProcessed += r.casesProcessed;
      result.events.push(...r.events);
    }
    seenRevision.set(opts.tenantId, revision);
    let returned = false;
    for (;;) {
      // Elapsed time on the engine's clock, from before the claim: the lease cannot have started earlier.
      const claimedAt = clock.now().getTime();
      let heldSince = claimedAt;
      // A store that keeps time ignores `now` here and claims by its own clock.
      const claimed = await store.claimDueTimers(opts.tenantId, { now: new Date(now ?? claimedAt), limit: 500, leaseMs: timerLeaseMs, owner: workerId });
      if (claimed.length === 0) break;
      let evaluatedAt: string;
      try {
        evaluatedAt = await evaluationNow();
      } catch (error) {
        // No time to evaluate at: hand the batch back now rather than hold it until the lease ends.
        for (const t of claimed) await finishTimer(opts.tenantId, t, false);
        throw error;
      }
      result.timersClaimed += claimed.length;
      const byCase = new Map<string, ClaimedTimer[]>();
      for (const t of claimed) {
        const list = byCase.get(t.caseId);
        if (list === undefined) byCase.set(t.caseId, [t]);
        else list.push(t);
      }
      for (const [caseId, timers] of byCase) {
        // A batch still running at half its lease renews the rest, so a slow batch does not hand its
        // timers to another node midway (which would only cost work: the case version fences effects).
        const at = clock.now().getTime();
        if (at - heldSince > timerLeaseMs / 2) {
          heldSince = at;
          await renewLeases(opts.tenantId, byCase, caseId, new Date(Date.parse(evaluatedAt) + (at - claimedAt)));
        }
        if (timers.length === 0) continue;
        let work: SystemWork | null;
        try {
          work = await processCase(opts.tenantId, caseId, evaluatedAt, 'tick');
        } catch (error) {
          for (const t of timers) await finishTimer(opts.tenantId, t, false);
          throw error;
        }
        // A row not yet due at `now` goes back rather than away: a database clock ahead of ours (or the
        // time since `now` was read) handed it out early, and deleting it would drop its work for good.
        // It is the next tick's (a fresh `now`), not this loop's, which would only claim it again.
        const early = timers.filter((t) => Date.parse(t.dueAt) > Date.parse(evaluatedAt));
        if (early.length > 0) returned = true;
        for (const t of timers) await finishTimer(opts.tenantId, t, work !== null && !early.includes(t), work?.rewritten);
        if (work === null) continue;
        result.casesProcessed += 1;
        result.events.push(...work.events);
      }
      if (claimed.length < 500 || returned) break;
    }
    return result;
  }

  /** Every case of the tenant with pending SLA work (open clocks, a calendar gap), re-evaluated at `now`. */
  async function recomputeAll(tenantId: string, now: string): Promise<TickResult> {
    const result: TickResult = { timersClaimed: 0, casesProcessed: 0, events: [] };
    let cursor: string | null = null;
    // A walk of the tenant's cases: recompute is rare (a notice, a unit calendar change) and must
    // reach clocks whose old timers lie far in the future.
    do {
      const page: Page<StoredCase> = await store.query(tenantId, {}, { limit: 1000, cursor });
      for (const row of page.items) {
        if (row.sla === undefined) continue;
        const sla = unpackSla(row.sla, row.tier, emptyCaseSla);
        const open = sla.gap !== null || Object.values(sla.clocks.clocks).some((c) => c.status === 'running' || c.status === 'paused' || c.status === 'scheduled');
        if (!open) continue;
        const work = await processCase(tenantId, row.id, now, 'recompute');
        if (work === null || work.events.length === 0) continue;
        result.casesProcessed += 1;
        result.events.push(...work.events);
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    return result;
  }

  /** The id of the case a rebound registers: derived, so a retry finds the same one. */
  function reboundCaseId(tenantId: string, caseId: string, followUp: FollowUpInput['clock']): string {
    if (options.ids?.reboundCaseId !== undefined) return options.ids.reboundCaseId(caseId, followUp);
    const h = sha256(`jiaoban:rebound:${tenantId}:${caseId}:${followUp}`);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  /** Concluded and archived cases both accept a 回头看 (archiving files the case, it does not end the follow-ups); the clock must be open (its day came) and not yet recorded. */
  function assertFollowUpOpen(loaded: Loaded, input: FollowUpInput, caseId: string): void {
    const state = topState(loaded.snapshot.value);
    const followUp = loaded.sla.clocks.clocks[input.clock];
    if ((state !== 'concluded' && state !== 'archived') || followUp === undefined || (followUp.status !== 'running' && followUp.status !== 'paused')) {
      throw new JiaobanError('INVALID_TRANSITION', `recordFollowUp(${input.clock}) is not possible now`, {
        command: 'recordFollowUp', state: fullState(loaded.snapshot.value), caseId,
      });
    }
  }

  /** The rebound case: registered now, or found from an earlier attempt that got no further. */
  async function ensureRebound(original: Loaded, reboundId: string, actor: Actor): Promise<CaseView> {
    const c = original.snapshot.context;
    const data = {
      tier: c.tier, title: c.title, description: c.description, category: c.category, tags: c.tags, requester: c.requester, channel: c.channel,
      ...(c.location === null ? {} : { location: c.location }),
    } as RegisterData;
    const planned = planRegister(data, actor, undefined, original.stored.id, reboundId);
    try {
      await store.commit(planned.batch);
    } catch (error) {
      if (!isJiaobanError(error, 'CONCURRENCY')) throw error;
      const existing = await reboundView(actor.tenantId, original.stored.id, reboundId);
      if (existing === null) {
        throw new JiaobanError('VALIDATION', `the rebound case id ${reboundId} is taken by another case`, {
          issues: [{ path: ['ids', 'reboundCaseId'], message: 'the id of a rebound case must be unique to its original and follow-up' }],
        });
      }
      return existing;
    }
    emit(planned.result.events);
    return planned.result.case;
  }

  /** The rebound case's view, when a case with that id exists and was registered from `originalId`. */
  async function reboundView(tenantId: string, originalId: string, reboundId: string): Promise<CaseView | null> {
    const stored = await store.load(tenantId, reboundId);
    if (stored === null || stored.tenantId !== tenantId) return null;
    const loaded = toLoaded(reboundId, tenantId, stored);
    return loaded.sla.reboundOf === originalId ? loaded.view() : null;
  }

  const engine: Engine = {
    store,

    async register(input, rawCtx) {
      const ctx = parseOrThrow(CommandContextSchema, rawCtx, ['ctx'], 'command context') as CommandContext;
      const data: RegisterData = parseOrThrow(RegisterInputSchema, input, ['input'], 'registration');
      const actor = ctx.actor;
      check(actor, 'register', null, null);
      const idem = keyed(ctx, { op: 'register', actorId: actor.id, data });
      const { expectedVersion: _ignored, ...registerCtx } = ctx;
      return commitWithRetry(actor.tenantId, registerCtx, idem, async () => planRegister(data, actor, idem, null));
    },

    async execute(caseId, rawCommand, rawCtx) {
      const { command, ctx } = validateCommand(rawCommand, rawCtx);
      const tenantId = ctx.actor.tenantId;
      const idem = keyed(ctx, { caseId, actorId: ctx.actor.id, command });
      return commitWithRetry(tenantId, ctx, idem, async () => {
        const loaded = await loadChecked(caseId, ctx);
        if (command.type !== 'dispatch' && command.type !== 'acceptAndDispatch') return plan(loaded, command, ctx, idem);
        // Authorize before routing, so a caller who may not dispatch learns nothing about candidates.
        check(ctx.actor, command.type, command, loaded);
        const routed = await routeDispatch(loaded, command, ctx.actor.id);
        return plan(loaded, { ...command, lead: routed.lead, cooperating: routed.cooperating }, ctx, idem, routingNote(routed), true);
      });
    },

    async recordFollowUp(caseId, rawInput, rawCtx) {
      const ctx = parseOrThrow(CommandContextSchema, rawCtx, ['ctx'], 'command context') as CommandContext;
      const input = parseOrThrow(FollowUpInputSchema, rawInput, ['input'], 'follow-up') as FollowUpInput;
      const actor = ctx.actor;
      const idem = keyed(ctx, { caseId, actorId: actor.id, followUp: input });
      const reboundId = input.outcome === 'rebounded' ? reboundCaseId(actor.tenantId, caseId, input.clock) : null;
      let rebound: CaseView | null = null;
      // The rebound's commit does not touch the original, so its load serves the first attempt too.
      let firstLoad: Loaded | null = null;
      if (reboundId !== null) {
        if (idem !== undefined) {
          const replay = await replayOrConflict(actor.tenantId, idem);
          if (replay !== null) return { ...replay, rebound: await reboundView(actor.tenantId, caseId, reboundId) };
        }
        // Two cases, two commits, made convergent rather than atomic: the new case goes first, under
        // an id derived from the original and the follow-up, so a crash between the commits leaves a
        // new case a retry finds and reuses (never a second one), and never an original that names
        // a case that does not exist.
        const loaded = await loadChecked(caseId, ctx);
        check(actor, 'recordFollowUp', null, loaded);
        assertFollowUpOpen(loaded, input, caseId);
        rebound = await ensureRebound(loaded, reboundId, actor);
        firstLoad = loaded;
      }
      const result = await commitWithRetry(actor.tenantId, ctx, idem, async () => {
        const reused = firstLoad;
        firstLoad = null;
        const loaded = reused ?? (await loadChecked(caseId, ctx));
        if (reused === null) {
          check(actor, 'recordFollowUp', null, loaded);
          assertFollowUpOpen(loaded, input, caseId);
        }
        const { stored, def, snapshot } = loaded;
        const at = clampAt(loaded.sla, clock.now().toISOString());
        const version = stored.version + 1;
        const from = fullState(snapshot.value);
        const work: Work = {
          snapshot, at, events: [],
          sla: {
            ...loaded.sla,
            rebounded: loaded.sla.rebounded || input.outcome === 'rebounded',
            followUps: [...loaded.sla.followUps, { clock: input.clock, outcome: input.outcome, at, by: actor.id, reboundCaseId: reboundId }],
          },
        };
        const base = (): EventBase => ({
          caseId, tenantId: stored.tenantId, tier: snapshot.context.tier, version, at, actorId: actor.id, command: 'recordFollowUp', fromState: from, toState: from,
        });
        work.events.push(eventRow(base(), 0, 'followUp:recorded', {
          clock: input.clock, outcome: input.outcome, reboundCaseId: reboundId, ...(input.note === undefined ? {} : { note: input.note }),
        }));
        const t = slaWork(work, def, [{ type: 'recordFollowUp', at, clock: input.clock }], base, loaded.sla, stored.tenantId, caseId);
        const row = nextRow(stored, work, version, t.row);
        const audit = auditEntry(stored.auditHead, {
          at, actorId: actor.id, command: 'recordFollowUp', fromState: from, toState: from,
          summary: `recordFollowUp clock=${input.clock} outcome=${input.outcome}${reboundId === null ? '' : ` rebound=${reboundId}`}`,
        });
        row.auditHead = { seq: audit.seq, hash: audit.hash };
        const res: CommandResult = { case: viewOf(row, snapshot.context, snapshot.value, work.sla, at), events: work.events, replayed: false };
        return { batch: buildBatch(row, stored.version, work.events, audit, idem, res, t.batch), result: res };
      });
      return { ...result, rebound };
    },

    tick,

    async recompute(raw, rawCtx) {
      const opts = parseOrThrow(TickOptionsSchema, raw, ['options'], 'recompute options');
      if (rawCtx !== undefined) {
        const { actor } = parseOrThrow(ReadContextSchema, rawCtx, ['ctx'], 'read context') as ReadContext;
        if (actor.tenantId !== opts.tenantId) throw new JiaobanError('PERMISSION', `${actor.id} may not recompute another tenant`, { command: 'recompute', actorId: actor.id, reason: 'tenant' });
        check(actor, 'recompute', null, null);
      }
      const now = (opts.now ?? (await systemNow())).toISOString();
      seenRevision.set(opts.tenantId, calendars.working.revision);
      return recomputeAll(opts.tenantId, now);
    },

    async query(rawFilter, rawCtx, rawPage = {}) {
      const { actor } = parseOrThrow(ReadContextSchema, rawCtx, ['ctx'], 'read context') as ReadContext;
      const filter = parseOrThrow(EngineQuerySchema, rawFilter, ['filter'], 'query');
      const page = parseOrThrow(PageSchema, rawPage, ['page'], 'page');
      check(actor, 'read', null, null);
      const f: Parameters<CaseStore['query']>[1] = {};
      if (filter.level !== undefined) f.level = filter.level;
      if (filter.tier !== undefined) f.tier = filter.tier;
      if (filter.unit !== undefined) f.unitId = filter.unit;
      if (filter.owner !== undefined) f.ownerId = filter.owner;
      if (filter.state !== undefined) f.state = filter.state;
      if (filter.dueBefore !== undefined) f.dueBefore = new Date(filter.dueBefore).toISOString();
      const rows = await store.query(actor.tenantId, f, { limit: page.limit ?? 50, cursor: page.cursor ?? null });
      const items: CaseView[] = [];
      for (const row of rows.items) {
        const loaded = toLoaded(row.id, actor.tenantId, row);
        try {
          check(actor, 'read', null, loaded);
        } catch (error) {
          // A unit's people see their own units' cases only; the rest of the page is filtered out.
          if (isJiaobanError(error, 'PERMISSION')) continue;
          throw error;
        }
        items.push(loaded.view());
      }
      return { items, nextCursor: rows.nextCursor };
    },

    startScheduler(raw) {
      const opts = parseOrThrow(SchedulerSchema, raw, ['options'], 'scheduler options');
      let running: Promise<void> | null = null;
      let stopped = false;
      const run = (): void => {
        if (running !== null || stopped) return;
        running = (async () => {
          for (const tenantId of opts.tenantIds) {
            try {
              await tick({ tenantId });
            } catch (error) {
              raw.onError?.(error);
            }
          }
        })().finally(() => {
          running = null;
        });
      };
      const handle = setInterval(run, opts.intervalMs);
      handle.unref?.();
      return {
        async stop() {
          stopped = true;
          clearInterval(handle);
          if (running !== null) await running;
        },
      };
    },

    async can(caseId, rawCommand, rawCtx) {
      try {
        const { command, ctx } = validateCommand(rawCommand, rawCtx);
        plan(await loadChecked(caseId, ctx), command, ctx, undefined);
        return { allowed: true };
      } catch (error) {
        if (isJiaobanError(error)) return { allowed: false, error };
        throw error;
      }
    },

    async get(caseId, rawCtx) {
      const { actor } = parseOrThrow(ReadContextSchema, rawCtx, ['ctx'], 'read context') as ReadContext;
      const loaded = await load(actor.tenantId, caseId);
      check(actor, 'read', null, loaded);
      return loaded.view();
    },

    async history(caseId, rawCtx) {
      const { actor } = parseOrThrow(ReadContextSchema, rawCtx, ['ctx'], 'read context') as ReadContext;
      const loaded = await load(actor.tenantId, caseId);
      check(actor, 'read', null, loaded);
      return (await store.history(actor.tenantId, caseId)) as unknown as EngineEvent[];
    },

    async audit(caseId, rawCtx) {
      const { actor } = parseOrThrow(ReadContextSchema, rawCtx, ['ctx'], 'read context') as ReadContext;
      const loaded = await load(actor.tenantId, caseId);
      check(actor, 'readAudit', null, loaded);
      return store.audit(actor.tenantId, caseId);
    },

    async verifyAudit(caseId, rawCtx) {
      const { actor } = parseOrThrow(ReadContextSchema, rawCtx, ['ctx'], 'read context') as ReadContext;
      const loaded = await load(actor.tenantId, caseId);
      check(actor, 'readAudit', null, loaded);
      const entries = await store.audit(actor.tenantId, caseId);
      const verdict = verifyAuditChain(entries);
      if (!verdict.ok) return verdict;
      // The case row remembers the chain's head: a log cut short (or a forged tail) shows here.
      const head = loaded.stored.auditHead;
      const last = entries[entries.length - 1];
      if (last === undefined || last.seq !== head.seq || last.hash !== head.hash) {
        return { ok: false, brokenAt: Math.min(entries.length, head.seq) + 1, reason: 'head' };
      }
      return verdict;
    },

    async suggest(caseId, rawCtx) {
      const ctx = parseOrThrow(CommandContextSchema, rawCtx, ['ctx'], 'read context') as CommandContext;
      const loaded = toLoaded(caseId, ctx.actor.tenantId, await store.load(ctx.actor.tenantId, caseId));
      check(ctx.actor, 'dispatch', null, loaded);
      return routing.suggest(routingRequestFor(loaded.stored.id, loaded.stored.tenantId, loaded.snapshot.context), clock.now());
    },

    async relay(raw) {
      const o = parseOrThrow(RelayOptionsSchema, raw, ['options'], 'relay options');
      const claim = { limit: o.batchSize ?? 100, leaseMs: o.leaseMs ?? 60_000, owner: o.workerId ?? workerId };
      const isLeaseLost = (error: unknown) => isJiaobanError(error, 'STORE') && error.details.reason === 'leaseLost';
      let delivered = 0;
      for (;;) {
        const rows = await store.claimOutbox(o.tenantId, { ...claim, now: clock.now() });
        // One claim, one token: every row of the batch carries it.
        const token = rows[0]?.lease.token;
        if (token === undefined) return { delivered };
        // Heartbeat: every third of the lease, the rows not yet acknowledged (the one in the handler
        // included) are renewed, so a handler slower than the lease does not hand the batch to another
        // relay midway. One renewal at a time, and none while an ack runs: a renewal naming a row that
        // an ack just deleted would come back leaseLost although nothing was lost.
        let next = 0;
        let lost = false;
        let settling = false;
        let renewing: Promise<void> | null = null;
        const renew = async (): Promise<void> => {
          try {
            await store.renewOutboxLease(o.tenantId, rows.slice(next).map((r) => r.id), token, { now: clock.now(), leaseMs: claim.leaseMs });
          } catch (error) {
            // leaseLost: another relay claimed rows of this batch, which are its now. Any other failure
            // (the database briefly away) is retried at the next beat; should the lease run out
            // meanwhile, the ack says so. Never rethrown: nothing awaits a beat.
            if (isLeaseLost(error)) lost = true;
          }
        };
        const beat = setInterval(() => {
          if (lost || settling || renewing !== null || next >= rows.length) return;
          renewing = renew().finally(() => {
            renewing = null;
          });
        }, Math.max(1, Math.floor(claim.leaseMs / 3)));
        beat.unref?.();
        /** Acknowledges `ids` with the batch's token: 'lost' when another relay holds one of them now. */
        const acknowledge = async (ids: string[]): Promise<'done' | 'lost'> => {
          settling = true;
          try {
            await renewing;
            await store.ackOutbox(o.tenantId, ids, token);
            return 'done';
          } catch (error) {
            if (isLeaseLost(error)) return 'lost';
            throw error;
          } finally {
            settling = false;
          }
        };
        /**
         * Batch mode: one ack for every row delivered so far. The ack is all or nothing, so when one
         * row went to another relay, the others (still this relay's) are acknowledged one by one
         * rather than left to come back when the lease ends.
         */
        const acknowledgeDelivered = async (count: number): Promise<void> => {
          if (count === 0) return;
          const ids = rows.slice(0, count).map((r) => r.id);
          if ((await acknowledge(ids)) === 'done') delivered += count;
          else for (const id of ids) if ((await acknowledge([id])) === 'done') delivered += 1;
          next = count;
        };
        try {
          for (const [i, row] of rows.entries()) {
            try {
              await o.handler(row.payload);
            } catch (error) {
              // Batch mode acknowledges the rows delivered before this one first. Then this row and the rest
              // of the batch go back, so the next relay need not wait out the lease.
              if (o.ack === 'batch') await acknowledgeDelivered(i).catch(() => undefined);
              await store.releaseOutbox(o.tenantId, rows.slice(i).map((r) => r.id), token).catch(() => undefined);
              throw error;
            }
            if (o.ack === 'batch') {
              // A beat found rows of the batch taken: deliver no more of it, acknowledge what was delivered.
              if (lost || i === rows.length - 1) {
                await acknowledgeDelivered(i + 1);
                break;
              }
              continue;
            }
            // Acknowledged one by one after the handler: a crash between the two redelivers this row only.
            // A lost ack: the lease ran out and another relay took the row (it delivers it again, same
            // id); the rest of this batch may be its too, so claim afresh rather than deliver them twice.
            if ((await acknowledge([row.id])) === 'lost') break;
            next = i + 1;
            delivered += 1;
            // A beat found rows of the batch taken while the handler ran. This row was still ours (the
            // ack held); the rest may not be: claim afresh, as after a lost ack.
            if (lost) break;
          }
        } finally {
          clearInterval(beat);
          // A renewal still in flight settles before the next claim or the return, never after.
          await renewing;
        }
      }
    },

    on(name, handler) {
      const wrapped = ((event: EngineEvent) => {
        try {
          (handler as (e: EngineEvent) => void)(event);
        } catch (error) {
          options.onListenerError?.(error, event);
        }
      }) as never;
      emitter.on(name, wrapped);
      return () => {
        emitter.off(name, wrapped);
      };
    },
  };
  return engine;
}

function slaSummary(events: readonly EngineEvent[]): string {
  const parts = events.filter((e) => e.name.startsWith('sla:')).map((e) => {
    const d = e.data as { clockKey?: string; stepId?: string };
    return `${e.name}(${d.clockKey ?? ''}${d.stepId === undefined ? '' : `/${d.stepId}`})`;
  });
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

function caseLevelOf(sla: CaseSla): NonNullable<StoredCase['level']> {
  return caseLevel(sla.clocks);
}

function earliestDueOf(sla: CaseSla): string | null {
  return sla.gap !== null ? null : earliestDeadline(sla.clocks);
}

export type { Operation };
