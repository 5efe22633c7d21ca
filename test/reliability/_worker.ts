/**
 * A worker process of the reliability tests, forked by `_harness.ts#startWorker` with one JSON task
 * in argv. It answers with one IPC message and exits — unless it is killed, which is the point.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createEngine } from '../../src/engine/create-engine.js';
import { isJiaobanError } from '../../src/errors.js';
import type { CaseStore, StoredCase } from '../../src/store/case-store.js';
import { maybeBroken } from './_broken-store.js';
import { openBackend, opBatch, prng, sleep, tickEngine, type Backend } from './_harness.js';

export type WorkerTask =
  | { mode: 'contention'; backend: Backend; tenantId: string; caseIds: string[]; commands: number; concurrency: number; seed: number }
  | {
      mode: 'crash'; backend: Backend; tenantId: string; caseIds: string[]; ops: number; seed: number; run: string;
      killPoint: KillPoint | 'none'; killAt: number; log: string; drain?: boolean;
    }
  | { mode: 'timers'; backend: Backend; tenantId: string; owner: string; leaseMs: number; batch: number; pauseMs: number; idleMs: number }
  | {
      mode: 'tick'; backend: Backend; tenantId: string; leaseMs: number; batch: number; stall: TickStall; stallMs: number;
      /** Up to this many ms (seeded, random) between the tick reading its `now` and its claim: a loaded node. */
      claimDelayMs: number; seed: number;
      /** Keep ticking until this epoch ms (every near deadline has passed), then until idle for `idleMs`. */
      until: number; idleMs: number;
    };

/** Where a tick worker stalls once: right after its first non-empty claim, or inside its first commit (state already read). */
export type TickStall = 'none' | 'afterClaim' | 'inCommit';

export type KillPoint = 'beforeCommit' | 'afterCommit' | 'duringRelay' | 'duringTimer';

export interface ContentionResult { accepted: Record<string, number>; errors: Record<string, number>; untyped: string[] }
export interface CrashResult { ops: number; replays: number; delivered: number; fired: number }
export interface TimersResult { fired: number; early: number; staleRejected: number; alreadyFired: number; conflicts: number; untyped: string[] }
export interface TickWorkerResult {
  ticks: number;
  claimed: number;
  processed: number;
  events: number;
  stalled: boolean;
  /** Renewals the store refused: another node had taken the timer over (a stale holder). */
  renewalsRefused: number;
  /**
   * Completions and releases refused. Mostly benign: the case's own commit re-armed or removed the
   * row it claimed; also a stale holder's.
   */
  completionsRefused: number;
  /** Commits that lost to another node's commit of the same case (the version fence). */
  conflicts: number;
  errors: Record<string, number>;
  untyped: string[];
}

const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
const reply = (m: unknown) => new Promise<void>((resolve) => process.send?.(m, () => resolve()));
const die = () => process.kill(process.pid, 'SIGKILL');

async function contention(t: Extract<WorkerTask, { mode: 'contention' }>): Promise<ContentionResult> {
  const opened = openBackend(t.backend, t.concurrency);
  const engine = createEngine({ store: maybeBroken(opened.store) });
  const actor = { id: 'p-super', roles: ['supervisor' as const], unitIds: [], tenantId: t.tenantId };
  const rnd = prng(t.seed);
  const accepted: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const untyped: string[] = [];
  let left = t.commands;
  await Promise.all(Array.from({ length: t.concurrency }, async () => {
    while (left-- > 0) {
      const caseId = t.caseIds[Math.floor(rnd() * t.caseIds.length)] as string;
      try {
        await engine.execute(caseId, { type: 'urge' }, { actor });
        accepted[caseId] = (accepted[caseId] ?? 0) + 1;
      } catch (error) {
        if (isJiaobanError(error)) errors[error.code] = (errors[error.code] ?? 0) + 1;
        else untyped.push(String(error));
      }
    }
  }));
  await opened.close();
  return { accepted, errors, untyped };
}

/** Store-level life: commands (some arm a timer), outbox relay, timer firing; SIGKILL at `killPoint`. */
async function crash(t: Extract<WorkerTask, { mode: 'crash' }>): Promise<CrashResult> {
  const opened = openBackend(t.backend, 2);
  let hits = 0;
  const at = (point: KillPoint) => {
    if (t.killPoint === point && ++hits === t.killAt) die();
  };
  const inner = opened.store;
  const store: CaseStore = {
    ...inner,
    async commit(batch) {
      at('beforeCommit');
      await inner.commit(batch);
      // The engine emits right after commit returns: dying here is "after commit, before emit".
      at('afterCommit');
    },
  };
  const log = (line: string) => appendFileSync(t.log, `${line}\n`);
  const rnd = prng(t.seed);
  const tenant = t.tenantId;
  const result: CrashResult = { ops: 0, replays: 0, delivered: 0, fired: 0 };

  /** Commits `op` on a case, re-reading the head on a version conflict; a used key means it already applied. */
  async function apply(caseId: string, op: string, extra: Parameters<typeof opBatch>[4] = {}): Promise<'applied' | 'replayed'> {
    for (let i = 0; ; i++) {
      if ((await store.findIdempotency(tenant, op)) !== null) return 'replayed';
      const head = (await store.load(tenant, caseId)) as StoredCase;
      try {
        await store.commit(opBatch(tenant, caseId, head, op, extra));
        return 'applied';
      } catch (error) {
        if (i < 5 && (isJiaobanError(error, 'CONCURRENCY') || isJiaobanError(error, 'IDEMPOTENCY_CONFLICT'))) continue;
        throw error;
      }
    }
  }

  // Idempotency after a crash: every intent without an ack is re-sent with the same key.
  if (existsSync(t.log)) {
    const lines = readFileSync(t.log, 'utf8').split('\n');
    const acked = new Set(lines.filter((l) => l.startsWith('ack ')).map((l) => l.split(' ')[2]));
    for (const line of lines.filter((l) => l.startsWith('intent '))) {
      const [, caseId, op, timer, dueAt] = line.split(' ') as [string, string, string, string, string];
      if (acked.has(op)) continue;
      const timers = timer === '-' ? [] : [{ id: timer, kind: 'k', dueAt }];
      if ((await apply(caseId, op, { timers, data: { timer } })) === 'replayed') {
        result.replays++;
        log(`replay ${op}`);
      } else log(`resent ${op}`);
      log(`ack ${caseId} ${op}`);
    }
  }

  const relay = async () => {
    // A killed relay's claim runs out after 300 ms; the next worker then delivers those rows again.
    const rows = await store.claimOutbox(tenant, { now: new Date(), limit: 20, leaseMs: 300, owner: `crash-${process.pid}` });
    for (const r of rows) log(`deliver ${r.id}`);
    result.delivered += rows.length;
    at('duringRelay');
    if (rows.length > 0) await store.ackOutbox(tenant, rows.map((r) => r.id), rows[0]?.lease.token ?? '');
    return rows.length;
  };
  const fire = async () => {
    const claimed = await store.claimDueTimers(tenant, { now: new Date(), limit: 5, leaseMs: 300, owner: `crash-${process.pid}` });
    at('duringTimer');
    for (const c of claimed) {
      await apply(c.caseId, `fire:${c.id}`, { removeTimers: [c.id], data: { timer: c.id, firedAt: Date.now() } });
      result.fired++;
    }
    return claimed.length;
  };

  for (let i = 0; i < t.ops; i++) {
    const roll = rnd();
    if (roll < 0.6) {
      const caseId = t.caseIds[Math.floor(rnd() * t.caseIds.length)] as string;
      const op = `${t.run}:${i}`;
      const withTimer = rnd() < 0.4;
      const timer = withTimer ? `tm:${op}` : '-';
      const dueAt = new Date(Date.now() + Math.floor(rnd() * 300)).toISOString();
      log(`intent ${caseId} ${op} ${timer} ${dueAt}`);
      await apply(caseId, op, { timers: withTimer ? [{ id: timer, kind: 'k', dueAt }] : [], data: { timer } });
      log(`ack ${caseId} ${op}`);
    } else if (roll < 0.8) await relay();
    else await fire();
    result.ops++;
  }
  if (t.drain === true) {
    // Everything due fires (leases of killed workers run out first), then the outbox empties.
    for (let idle = 0; idle < 6; ) {
      const n = (await fire()) + (await relay());
      if (n === 0) {
        idle++;
        await sleep(150);
      } else idle = 0;
    }
  }
  await opened.close();
  return result;
}

async function timers(t: Extract<WorkerTask, { mode: 'timers' }>): Promise<TimersResult> {
  const opened = openBackend(t.backend, 2);
  const store = opened.store;
  const r: TimersResult = { fired: 0, early: 0, staleRejected: 0, alreadyFired: 0, conflicts: 0, untyped: [] };
  let paused = t.pauseMs === 0;
  let idleSince = Date.now();
  while (Date.now() - idleSince < t.idleMs) {
    const claimed = await store.claimDueTimers(t.tenantId, { now: new Date(), limit: t.batch, leaseMs: t.leaseMs, owner: t.owner });
    if (claimed.length === 0) {
      await sleep(20);
      continue;
    }
    idleSince = Date.now();
    if (!paused) {
      // The stalled node: it holds claims far past their lease (a GC pause, a frozen VM), then wakes up.
      paused = true;
      await sleep(t.pauseMs);
    }
    for (const c of claimed) {
      const firedAt = Date.now();
      if (firedAt < Date.parse(c.dueAt)) r.early++;
      try {
        for (let i = 0; ; i++) {
          const head = (await store.load(t.tenantId, c.caseId)) as StoredCase;
          try {
            await store.commit(opBatch(t.tenantId, c.caseId, head, `fire:${c.id}`, { removeTimers: [c.id], data: { timer: c.id, firedAt, dueAt: c.dueAt, owner: t.owner } }));
            r.fired++;
            break;
          } catch (error) {
            if (isJiaobanError(error, 'CONCURRENCY') && i < 20) {
              r.conflicts++;
              continue;
            }
            throw error;
          }
        }
      } catch (error) {
        if (isJiaobanError(error, 'IDEMPOTENCY_CONFLICT')) {
          r.alreadyFired++;
          // Someone else fired it while we held a stale claim: our completion must be refused.
          try {
            await store.completeTimer(t.tenantId, c.id, c.lease.token);
          } catch (e) {
            if (isJiaobanError(e, 'STORE')) r.staleRejected++;
            else r.untyped.push(String(e));
          }
        } else r.untyped.push(String(error));
      }
    }
  }
  await opened.close();
  return r;
}

/**
 * One node running `engine.tick` in a loop (system clock, the scenario's SLA policy). The store is
 * wrapped only to cap the claim batch (so several nodes share the work), to stall once, and to count
 * what the fences refused; the engine's own claim, renewal, commit and completion paths run as is.
 */
async function ticker(t: Extract<WorkerTask, { mode: 'tick' }>): Promise<TickWorkerResult> {
  const opened = openBackend(t.backend, 2);
  const inner = maybeBroken(opened.store);
  const r: TickWorkerResult = {
    ticks: 0, claimed: 0, processed: 0, events: 0, stalled: false, renewalsRefused: 0, completionsRefused: 0, conflicts: 0, errors: {}, untyped: [],
  };
  const fenced = <A extends unknown[], R>(counter: 'renewalsRefused' | 'completionsRefused', fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      if (isJiaobanError(error, 'STORE') && error.details.reason === 'leaseLost') r[counter]++;
      throw error;
    }
  };
  const stall = async (where: TickStall) => {
    if (t.stall !== where || r.stalled) return;
    r.stalled = true;
    await sleep(t.stallMs);
  };
  const rnd = prng(t.seed);
  const store: CaseStore = {
    ...inner,
    async claimDueTimers(tenantId, options) {
      // The database's now() at the claim is later than the tick's `now`: timers falling due in
      // between are handed out before the instant the tick evaluates at.
      await sleep(Math.floor(rnd() * t.claimDelayMs));
      const claimed = await inner.claimDueTimers(tenantId, { ...options, limit: Math.min(options.limit, t.batch) });
      r.claimed += claimed.length;
      if (claimed.length > 0) await stall('afterClaim');
      return claimed;
    },
    async commit(batch) {
      if (batch.events.length > 0) await stall('inCommit');
      try {
        await inner.commit(batch);
      } catch (error) {
        if (isJiaobanError(error, 'CONCURRENCY')) r.conflicts++;
        throw error;
      }
    },
    completeTimer: fenced('completionsRefused', inner.completeTimer),
    releaseTimer: fenced('completionsRefused', inner.releaseTimer),
    renewTimerLease: fenced('renewalsRefused', inner.renewTimerLease),
  };
  const engine = tickEngine(store, { timerLeaseMs: t.leaseMs });
  let idleSince = Date.now();
  while (Date.now() < t.until || Date.now() - idleSince < t.idleMs) {
    try {
      const res = await engine.tick({ tenantId: t.tenantId });
      r.ticks++;
      r.processed += res.casesProcessed;
      r.events += res.events.length;
      if (res.timersClaimed > 0) idleSince = Date.now();
      else await sleep(20);
    } catch (error) {
      if (isJiaobanError(error)) r.errors[error.code] = (r.errors[error.code] ?? 0) + 1;
      else r.untyped.push(String((error as Error)?.stack ?? error));
      await sleep(20);
    }
  }
  await opened.close();
  return r;
}

const run = task.mode === 'contention' ? contention(task) : task.mode === 'crash' ? crash(task) : task.mode === 'tick' ? ticker(task) : timers(task);
run.then(
  async (result) => {
    await reply(result);
    process.exit(0);
  },
  async (error: unknown) => {
    await reply({ error: String((error as Error)?.stack ?? error) });
    process.exit(1);
  },
);
