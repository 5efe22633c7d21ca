import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { initialTransition, transition } from 'xstate';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { ConcurrencyError, JiaobanError, isJiaobanError, type FieldIssue } from '../errors.js';
import type { CaseContext, CaseEvent, EventMeta } from '../machines/case-context.js';
import { TIER_DEFINITIONS, type TierDefinition } from '../machines/tier-definitions.js';
import type { AuditEntry, CaseStore, CommitBatch, OutboxRow, StoredCase, StoredEvent } from '../store/case-store.js';
import { GENESIS_HASH, memoryStore } from '../store/memory-store.js';
import { canonicalJson, sha256 } from './_canonical.js';
import { hashAuditEntry, verifyAuditChain, type AuditVerification } from './audit.js';
import { fullState, toCaseView, topState, type CaseView } from './case-view.js';
import {
  CommandSchema, RegisterInputSchema, type Command, type CommandInput, type RegisterData, type RegisterInput, type Tier,
} from './commands.js';
import {
  COMMAND_EVENTS, type EngineEvent, type EngineEventMap, type EngineEventName, type EngineEventOf,
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
export interface EngineOptions {
  /** Where cases live. Default: `memoryStore()`. */
  store?: CaseStore;
  /** Where "now" comes from. Default: `systemClock`. */
  clock?: Clock;
  /** Replace a tier's machine definition (same command vocabulary, own id/version). */
  tiers?: Partial<Record<Tier, TierDefinition>>;
  /** Override or extend the default role table, or add a last-word `decide` hook. */
  permissions?: PermissionOptions;
  /** Id generators. Default: `crypto.randomUUID()` for case ids. */
  ids?: { caseId?: () => string };
  /**
   * The deadline the "before the deadline" guards check (extension requests). Until the SLA module
   * supplies it, the engine uses this hook, then the case's `dueAt`. Return `null` for none.
   */
  deadline?: (view: CaseView, command: Command) => Date | null;
  /** How many times a command without `expectedVersion` is retried on a version conflict. Default 3. */
  maxRetries?: number;
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
  /** Subscribes to one event; returns the unsubscribe function. */
  on<N extends EngineEventName>(name: N, handler: (event: EngineEventOf<N>) => void): () => void;
  readonly store: CaseStore;
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

/** Short, personal-data-free description of a command for the audit log. */
function summarize(command: Command): string {
  const parts: string[] = [command.type];
  const c = command as Record<string, unknown>;
  switch (command.type) {
    case 'dispatch':
    case 'acceptAndDispatch':
      parts.push(`lead=${command.lead.unitId}`);
      if (command.cooperating.length > 0) parts.push(`cooperating=${command.cooperating.map((u) => u.unitId).join(',')}`);
      break;
    case 'redispatch':
      parts.push(`lead=${command.lead.unitId}`);
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
  /** Built on first use: most commands never need the loaded case's view. */
  view(): CaseView;
}

interface Planned {
  batch: CommitBatch;
  result: CommandResult;
}

/**
 * Creates an engine. One path per command: validate (zod) → load (tenant-scoped) → authorize →
 * pure machine transition → one atomic store commit (case, events, audit entry, outbox rows,
 * idempotency record) → emit events after the commit.
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
  const emitter = new EventEmitter<EngineEventMap>();

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

  function toLoaded(caseId: string, tenantId: string, stored: StoredCase | null): Loaded {
    // Another tenant's case is indistinguishable from a missing one: no existence oracle.
    if (stored === null || stored.tenantId !== tenantId) {
      throw new JiaobanError('NOT_FOUND', `case ${caseId} not found`, { entity: 'case', id: caseId });
    }
    const def = tiers[stored.tier as Tier];
    if (def === undefined || def.id !== stored.machine.id || def.version !== stored.machine.version) {
      throw new JiaobanError('INCOMPATIBLE_DEFINITION', `case ${caseId} was stored by ${stored.machine.id}@${stored.machine.version}`, {
        machineId: stored.machine.id, storedVersion: stored.machine.version, currentVersion: def?.version ?? 0,
      });
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
    let view: CaseView | undefined;
    return { stored, def, snapshot, view: () => (view ??= toCaseView(stored, snapshot.context, snapshot.value)) };
  }

  function eventRow<N extends EngineEventName>(
    base: Omit<EngineEventOf<N>, 'eventId' | 'name' | 'data'>, index: number, name: N, data: EngineEventOf<N>['data'],
  ): EngineEventOf<N> {
    return {
      eventId: `${base.caseId}:${base.version}:${index}`, name, caseId: base.caseId, tenantId: base.tenantId, tier: base.tier,
      version: base.version, at: base.at, actorId: base.actorId, command: base.command, fromState: base.fromState, toState: base.toState, data,
    } as EngineEventOf<N>;
  }

  function buildBatch(stored: StoredCase, expectedVersion: number | null, events: EngineEvent[], audit: AuditEntry, idem: CommitBatch['idempotency'], result: CommandResult): CommitBatch {
    const outbox: OutboxRow[] = events.map((e) => ({
      id: e.eventId, tenantId: e.tenantId, caseId: e.caseId, name: e.name, payload: e as unknown as StoredEvent, createdAt: e.at,
    }));
    const batch: CommitBatch = {
      tenantId: stored.tenantId, case: stored, expectedVersion, events: events as unknown as StoredEvent[], audit: [audit], outbox,
      timers: { upsert: [], remove: [] },
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

  /** The pure middle of the path: authorize and transition a loaded case, build the commit batch. */
  function plan(loaded: Loaded, command: Command, ctx: CommandContext, idem: CommitBatch['idempotency']): Planned {
    const { stored, def, snapshot } = loaded;
    const actor = ctx.actor;
    check(actor, command.type, command, loaded);

    const at = clock.now().toISOString();
    const deadline = options.deadline?.(loaded.view(), command) ?? null;
    const meta: EventMeta = { actorId: actor.id, at, deadline: deadline === null ? null : deadline.toISOString() };
    // Object.assign, not `{ ...command, meta }`: adding a field after a spread is V8's slow path.
    const event = Object.assign({ meta }, command) as unknown as CaseEvent;
    const [next] = transition(def.machine, snapshot, event);
    const from = fullState(snapshot.value);
    if (next === snapshot) {
      throw new JiaobanError('INVALID_TRANSITION', `${command.type} is not possible in ${from}`, {
        command: command.type, state: from, caseId: stored.id,
      });
    }
    const to = fullState(next.value);
    const version = stored.version + 1;
    const ctxNext = next.context;
    const lead = ctxNext.assignments.find((a) => a.role === 'lead' && a.state !== 'withdrawn' && a.state !== 'replaced');
    const nextStored: StoredCase = {
      tenantId: stored.tenantId,
      id: stored.id,
      tier: stored.tier,
      machine: stored.machine,
      snapshot: persist(next),
      version,
      createdAt: stored.createdAt,
      updatedAt: at,
      state: topState(next.value),
      leadUnitId: lead?.unitId ?? null,
      ownerId: ctxNext.primaryOwnerId,
      auditHead: stored.auditHead,
    };
    const base = {
      caseId: stored.id, tenantId: stored.tenantId, tier: ctxNext.tier, version, at, actorId: actor.id,
      command: command.type, fromState: from, toState: to,
    };
    const { type: _type, ...data } = command;
    const events: EngineEvent[] = [];
    if (command.type === 'acceptAndDispatch') {
      events.push(eventRow(base, 0, 'case:accepted', command.note === undefined ? {} : { note: command.note }));
    }
    events.push(eventRow(base, events.length, COMMAND_EVENTS[command.type], data as never) as EngineEvent);

    const audit = auditEntry(stored.auditHead, {
      at, actorId: actor.id, command: command.type, fromState: from, toState: to, summary: summarize(command),
    });
    nextStored.auditHead = { seq: audit.seq, hash: audit.hash };
    const result: CommandResult = { case: toCaseView(nextStored, ctxNext, next.value), events, replayed: false };
    return { batch: buildBatch(nextStored, stored.version, events, audit, idem, result), result };
  }

  function emit(events: readonly EngineEvent[]): void {
    for (const e of events) (emitter.emit as (name: string, event: EngineEvent) => boolean)(e.name, e);
  }

  async function replayOrConflict(tenantId: string, key: string, fingerprint: string): Promise<CommandResult | null> {
    const record = await store.findIdempotency(tenantId, key);
    if (record === null) return null;
    if (record.fingerprint !== fingerprint) {
      throw new JiaobanError('IDEMPOTENCY_CONFLICT', 'idempotency key was used for another command', { idempotencyKey: key });
    }
    const response = record.response as Omit<CommandResult, 'replayed'>;
    return { case: response.case, events: response.events, replayed: true };
  }

  /** Commits with bounded retries; `attempt` re-runs load + plan against fresh state. */
  async function commitWithRetry(
    tenantId: string, ctx: CommandContext, fingerprint: string | null, attempt: () => Promise<Planned>,
  ): Promise<CommandResult> {
    for (let tries = 0; ; tries++) {
      if (ctx.idempotencyKey !== undefined && fingerprint !== null) {
        const replay = await replayOrConflict(tenantId, ctx.idempotencyKey, fingerprint);
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

  const engine: Engine = {
    store,

    async register(input, rawCtx) {
      const ctx = parseOrThrow(CommandContextSchema, rawCtx, ['ctx'], 'command context') as CommandContext;
      const data: RegisterData = parseOrThrow(RegisterInputSchema, input, ['input'], 'registration');
      const actor = ctx.actor;
      check(actor, 'register', null, null);
      const fingerprint = ctx.idempotencyKey === undefined ? null : sha256(canonicalJson({ op: 'register', actorId: actor.id, data }));
      const def = tiers[data.tier];
      const { expectedVersion: _ignored, ...registerCtx } = ctx;
      return commitWithRetry(actor.tenantId, registerCtx, fingerprint, async () => {
        const at = clock.now().toISOString();
        const [snapshot] = initialTransition(def.machine, { data, meta: { actorId: actor.id, at, deadline: null } });
        const stored: StoredCase = {
          tenantId: actor.tenantId, id: newCaseId(), tier: data.tier, machine: { id: def.id, version: def.version },
          snapshot: persist(snapshot), version: 1, createdAt: at, updatedAt: at,
          state: topState(snapshot.value), leadUnitId: null, ownerId: null, auditHead: { seq: 0, hash: GENESIS_HASH },
        };
        const to = fullState(snapshot.value);
        const base = {
          caseId: stored.id, tenantId: stored.tenantId, tier: data.tier, version: 1, at, actorId: actor.id,
          command: 'register' as const, fromState: null, toState: to,
        };
        const events: EngineEvent[] = [eventRow(base, 0, 'case:registered', {
          tier: data.tier, title: data.title, category: data.category, channel: data.channel, receivedAt: snapshot.context.receivedAt,
        })];
        const audit = auditEntry(stored.auditHead, { at, actorId: actor.id, command: 'register', fromState: null, toState: to, summary: `register ${data.tier} ${data.category}` });
        stored.auditHead = { seq: audit.seq, hash: audit.hash };
        const result: CommandResult = { case: toCaseView(stored, snapshot.context, snapshot.value), events, replayed: false };
        const idem = ctx.idempotencyKey === undefined || fingerprint === null ? undefined : { key: ctx.idempotencyKey, fingerprint, response: null };
        return { batch: buildBatch(stored, null, events, audit, idem, result), result };
      });
    },

    async execute(caseId, rawCommand, rawCtx) {
      const { command, ctx } = validateCommand(rawCommand, rawCtx);
      const tenantId = ctx.actor.tenantId;
      const fingerprint = ctx.idempotencyKey === undefined ? null : sha256(canonicalJson({ caseId, actorId: ctx.actor.id, command }));
      const idem = ctx.idempotencyKey === undefined || fingerprint === null ? undefined : { key: ctx.idempotencyKey, fingerprint, response: null };
      return commitWithRetry(tenantId, ctx, fingerprint, async () => plan(await loadChecked(caseId, ctx), command, ctx, idem));
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

export type { Operation };
