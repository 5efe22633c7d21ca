/**
 * A worker process of the reliability tests, forked by `_harness.ts#startWorker` with one JSON task
 * in argv. It answers with one IPC message and exits — unless it is killed, which is the point.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createEngine } from '../../src/engine/create-engine.js';
import { isJiaobanError } from '../../src/errors.js';
import type { CaseStore, StoredCase } from '../../src/store/case-store.js';
import { maybeBroken } from './_broken-store.js';
import { openBackend, opBatch, prng, sleep, type Backend } from './_harness.js';

export type WorkerTask =
  | { mode: 'contention'; backend: Backend; tenantId: string; caseIds: string[]; commands: number; concurrency: number; seed: number }
  | {
      mode: 'crash'; backend: Backend; tenantId: string; caseIds: string[]; ops: number; seed: number; run: string;
      killPoint: KillPoint | 'none'; killAt: number; log: string; drain?: boolean;
    }
  | { mode: 'timers'; backend: Backend; tenantId: string; owner: string; leaseMs: number; batch: number; pauseMs: number; idleMs: number };

export type KillPoint = 'beforeCommit' | 'afterCommit' | 'duringRelay' | 'duringTimer';

export interface ContentionResult { accepted: Record<string, number>; errors: Record<string, number>; untyped: string[] }
export interface CrashResult { ops: number; replays: number; delivered: number; fired: number }
export interface TimersResult { fired: number; early: number; staleRejected: number; alreadyFired: number; conflicts: number; untyped: string[] }

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
    const rows = await store.readOutbox(tenant, 20);
    for (const r of rows) log(`deliver ${r.id}`);
    result.delivered += rows.length;
    at('duringRelay');
    await store.ackOutbox(tenant, rows.map((r) => r.id));
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

const run = task.mode === 'contention' ? contention(task) : task.mode === 'crash' ? crash(task) : timers(task);
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
