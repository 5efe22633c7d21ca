/**
 * The reliability scenarios, parameterised by size: the tests run them small, scripts/stress.ts
 * runs them large and writes the figures into docs/reliability.md.
 */
import { readFileSync, rmSync } from 'node:fs';
import { verifyAuditChain } from '../../src/engine/audit.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { EngineEventOf } from '../../src/engine/events.js';
import type { Actor } from '../../src/engine/permissions.js';
import type { StoredCase, StoredEvent } from '../../src/store/case-store.js';
import { TICK_SLA, checkCase, freshBackend, openBackend, opBatch, prng, sleep, startWorker, tickEngine, type Backend } from './_harness.js';
import type { ContentionResult, CrashResult, KillPoint, TickStall, TickWorkerResult, TimersResult, WorkerTask } from './_worker.js';

const TENANT = 't-rel';
const who = (id: string, roles: Actor['roles'], unitIds: string[] = []): Actor => ({ id, roles, unitIds, tenantId: TENANT });

/** Registers `n` cases through the engine and signs them into `inProgress` (version 4). */
async function inProgressCases(backend: Backend, n: number): Promise<string[]> {
  const opened = openBackend(backend);
  let i = 0;
  const engine = createEngine({ store: opened.store, ids: { caseId: () => `c-${String(++i).padStart(4, '0')}` } });
  const ids: string[] = [];
  for (let k = 0; k < n; k++) {
    const { case: c } = await engine.register({
      tier: 'general', title: '小区路灯不亮', description: '3号楼前路灯一周不亮', category: 'municipal.lighting',
      requester: { name: '张三', phone: '13800138000' }, channel: 'hotline',
    }, { actor: who('p-intake', ['intake']) });
    await engine.execute(c.id, { type: 'accept' }, { actor: who('p-intake', ['intake']) });
    await engine.execute(c.id, { type: 'dispatch', lead: { unitId: 'u-water', duty: '修复路灯' }, cooperating: [] }, { actor: who('p-dispatch', ['dispatcher']) });
    await engine.execute(c.id, { type: 'sign', unitId: 'u-water', ownerId: 'p-handler' }, { actor: who('p-liaison', ['liaison'], ['u-water']) });
    ids.push(c.id);
  }
  await opened.close();
  return ids;
}

export interface ContentionReport {
  backend: 'pg' | 'sqlite';
  workers: number;
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  untyped: number;
  /** Accepted commands whose effect is missing from the final state. */
  lostUpdates: number;
  /** Versions or audit entries beyond the accepted commands (duplicate transitions). */
  duplicates: number;
  problems: string[];
  seconds: number;
}

/**
 * Several processes send `urge` to the same few cases. Each accepted urge must show up exactly once:
 * in the version, the audit log, the events, the outbox and the machine's own urge counter.
 */
export async function runContention(o: { kind: 'pg' | 'sqlite'; workers: number; commandsPerWorker: number; cases: number; concurrency: number; seed: number; env?: Record<string, string> }): Promise<ContentionReport> {
  const started = performance.now();
  const { backend, drop } = await freshBackend(o.kind, 'contention');
  try {
    const caseIds = await inProgressCases(backend, o.cases);
    const runs = Array.from({ length: o.workers }, (_, w) => startWorker<ContentionResult>({
      mode: 'contention', backend, tenantId: TENANT, caseIds, commands: o.commandsPerWorker, concurrency: o.concurrency, seed: o.seed + w,
    } satisfies WorkerTask, o.env));
    const results = await Promise.all(runs.map((r) => r.done));
    const accepted: Record<string, number> = {};
    const rejected: Record<string, number> = {};
    let untyped = 0;
    const problems: string[] = [];
    for (const { result, code } of results) {
      if (result === null || 'error' in (result as object)) {
        problems.push(`worker failed (exit ${code}): ${JSON.stringify(result)}`);
        continue;
      }
      for (const [id, k] of Object.entries(result.accepted)) accepted[id] = (accepted[id] ?? 0) + k;
      for (const [c, k] of Object.entries(result.errors)) rejected[c] = (rejected[c] ?? 0) + k;
      untyped += result.untyped.length;
    }
    const opened = openBackend(backend);
    let lostUpdates = 0;
    let duplicates = 0;
    // Outbox rows per case: claim and acknowledge page by page (a claim takes at most 1000).
    const outboxRows = new Map<string, number>();
    for (;;) {
      const rows = await opened.store.claimOutbox(TENANT, { now: new Date(), limit: 1000, leaseMs: 60_000, owner: 'checker' });
      if (rows.length === 0) break;
      for (const r of rows) outboxRows.set(r.caseId, (outboxRows.get(r.caseId) ?? 0) + 1);
      await opened.store.ackOutbox(TENANT, rows.map((r) => r.id), rows[0]?.lease.token ?? '');
    }
    for (const id of caseIds) {
      const row = (await opened.store.load(TENANT, id)) as StoredCase;
      const want = accepted[id] ?? 0;
      const urges = (row.snapshot as { context: { counters: { urge: number } } }).context.counters.urge;
      const audit = (await opened.store.audit(TENANT, id)).length;
      const outbox = outboxRows.get(id) ?? 0;
      const history = (await opened.store.history(TENANT, id)).length;
      lostUpdates += Math.max(0, want - urges) + Math.max(0, 4 + want - row.version);
      duplicates += Math.max(0, urges - want) + Math.max(0, row.version - 4 - want) + Math.max(0, audit - row.version);
      if (history !== row.version || outbox !== history) problems.push(`${id}: ${history} events, ${outbox} outbox rows, version ${row.version}`);
      problems.push(...(await checkCase(opened.store, TENANT, id)).problems);
    }
    await opened.close();
    const sent = o.workers * o.commandsPerWorker;
    const acceptedTotal = Object.values(accepted).reduce((a, b) => a + b, 0);
    return { backend: o.kind, workers: o.workers, sent, accepted: acceptedTotal, rejected, untyped, lostUpdates, duplicates, problems, seconds: (performance.now() - started) / 1000 };
  } finally {
    await drop();
  }
}

export interface CrashReport {
  backend: 'pg' | 'sqlite';
  runs: number;
  kills: Record<string, number>;
  ackedOps: number;
  lostOps: number;
  duplicatedOps: number;
  halfApplied: number;
  timersArmed: number;
  lostTimers: number;
  duplicateFires: number;
  events: number;
  lostEvents: number;
  redeliveries: number;
  /** Intents re-sent after a crash whose first send had committed: answered from the idempotency record. */
  replays: number;
  /** Intents re-sent after a crash whose first send had not committed: applied now, once. */
  resent: number;
  problems: string[];
  seconds: number;
}

/**
 * One worker at a time runs commands, relays the outbox and fires timers, and dies by SIGKILL —
 * at an instrumented point (before commit, after commit before emit, during relay, during a timer
 * claim) or at a random moment from outside. The next worker re-sends unacknowledged intents. A
 * final worker drains everything; then the store must hold every acknowledged op exactly once.
 */
export async function runCrash(o: { kind: 'pg' | 'sqlite'; runs: number; opsPerRun: number; cases: number; seed: number }): Promise<CrashReport> {
  const started = performance.now();
  const { backend, drop } = await freshBackend(o.kind, 'crash');
  const log = `${backend.kind === 'sqlite' ? backend.file : `/tmp/jiaoban-crash-${process.pid}-${Date.now()}`}.log`;
  const rnd = prng(o.seed);
  const kills: Record<string, number> = {};
  const problems: string[] = [];
  try {
    const opened = openBackend(backend);
    const caseIds = Array.from({ length: o.cases }, (_, i) => `k-${i}`);
    for (const id of caseIds) await opened.store.commit(opBatch(TENANT, id, null, `create:${id}`));
    await opened.close();
    let replays = 0;
    const points: Array<KillPoint | 'external'> = ['beforeCommit', 'afterCommit', 'duringRelay', 'duringTimer', 'external'];
    for (let r = 0; r <= o.runs; r++) {
      const last = r === o.runs;
      const point = points[Math.floor(rnd() * points.length)] as KillPoint | 'external';
      const w = startWorker<CrashResult>({
        mode: 'crash', backend, tenantId: TENANT, caseIds, ops: last ? 10 : o.opsPerRun, seed: o.seed * 1000 + r, run: `r${r}`,
        killPoint: last || point === 'external' ? 'none' : point, killAt: 1 + Math.floor(rnd() * 6), log, drain: last,
      } satisfies WorkerTask);
      if (!last && point === 'external') {
        // Startup (tsx) takes a few hundred ms; the kill lands somewhere in the work after it.
        const delay = 400 + Math.floor(rnd() * 600);
        setTimeout(() => w.child.kill('SIGKILL'), delay);
      }
      const { result, signal } = await w.done;
      if (signal === 'SIGKILL') kills[point] = (kills[point] ?? 0) + 1;
      else if (result === null || 'error' in (result as object)) problems.push(`run ${r}: ${JSON.stringify(result)}`);
      else replays += result.replays;
    }
    // The checker.
    const check = openBackend(backend);
    const lines = readFileSync(log, 'utf8').split('\n');
    const acked = lines.filter((l) => l.startsWith('ack ')).map((l) => l.split(' ') as [string, string, string]);
    replays = lines.filter((l) => l.startsWith('replay ')).length;
    const resent = lines.filter((l) => l.startsWith('resent ')).length;
    const delivered = lines.filter((l) => l.startsWith('deliver ')).map((l) => l.split(' ')[1] as string);
    const deliveredSet = new Set(delivered);
    const opsByCase = new Map<string, string[]>();
    let halfApplied = 0;
    let duplicatedOps = 0;
    let events = 0;
    let lostEvents = 0;
    const armed: string[] = [];
    const fired: string[] = [];
    for (const id of caseIds) {
      const c = await checkCase(check.store, TENANT, id);
      halfApplied += c.problems.filter((p) => !p.includes('duplicated')).length;
      duplicatedOps += c.problems.filter((p) => p.includes('duplicated')).length;
      problems.push(...c.problems);
      opsByCase.set(id, c.ops);
      for (const e of await check.store.history(TENANT, id)) {
        events++;
        const data = e['data'] as { op: string; timer?: string };
        if (data.timer !== undefined && data.timer !== '-' && !data.op.startsWith('fire:')) armed.push(data.timer);
        if (data.op.startsWith('fire:')) fired.push(data.op.slice(5));
        if (!deliveredSet.has(e.eventId)) lostEvents++;
      }
    }
    const leftTimers = (await Promise.all(caseIds.map((id) => check.store.timers(TENANT, id)))).flat().map((t) => t.id);
    const outboxLeft = await check.store.readOutbox(TENANT, 1000);
    await check.close();
    const firedSet = new Set(fired);
    const lostTimers = armed.filter((t) => !firedSet.has(t) && !leftTimers.includes(t)).length + leftTimers.length;
    const lostOps = acked.filter(([, caseId, op]) => !(opsByCase.get(caseId) ?? []).includes(op)).length;
    if (outboxLeft.length > 0) problems.push(`${outboxLeft.length} outbox rows left after the drain`);
    return {
      backend: o.kind, runs: o.runs, kills, ackedOps: new Set(acked.map((a) => a[2])).size, lostOps, duplicatedOps, halfApplied,
      timersArmed: armed.length, lostTimers, duplicateFires: fired.length - firedSet.size, events, lostEvents,
      redeliveries: delivered.length - deliveredSet.size, replays, resent, problems, seconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(log, { force: true });
    await drop();
  }
}

export interface TimersReport {
  workers: number;
  timers: number;
  fired: number;
  lost: number;
  duplicates: number;
  early: number;
  staleRejected: number;
  alreadyFired: number;
  untyped: number;
  problems: string[];
  seconds: number;
}

/**
 * Several processes tick one PostgreSQL database holding `timers` timers (most due, some due a
 * moment later); the first worker stalls after its first claim for longer than the lease, then
 * resumes and tries to fire what it held. Every timer's effect must happen exactly once, never early.
 */
export async function runTimers(o: { workers: number; timers: number; cases: number; leaseMs: number; seed: number }): Promise<TimersReport> {
  const started = performance.now();
  const { backend, drop } = await freshBackend('pg', 'timers');
  try {
    const opened = openBackend(backend);
    const rnd = prng(o.seed);
    const perCase = Math.ceil(o.timers / o.cases);
    let made = 0;
    const base = Date.now();
    for (let c = 0; c < o.cases && made < o.timers; c++) {
      const timers = [];
      for (let k = 0; k < perCase && made < o.timers; k++, made++) {
        // A tenth are due up to 1.5 s after seeding: "never before due" has something to bite on.
        const offset = rnd() < 0.1 ? Math.floor(rnd() * 1500) : -Math.floor(rnd() * 60_000);
        timers.push({ id: `tm-${String(made).padStart(6, '0')}`, kind: 'k', dueAt: new Date(base + offset).toISOString() });
      }
      await opened.store.commit(opBatch(TENANT, `t-${c}`, null, `create:t-${c}`, { timers }));
    }
    await opened.close();
    const runs = Array.from({ length: o.workers }, (_, w) => startWorker<TimersResult>({
      mode: 'timers', backend, tenantId: TENANT, owner: `node-${w}`, leaseMs: o.leaseMs, batch: 50,
      pauseMs: w === 0 ? o.leaseMs * 3 : 0, idleMs: Math.max(2500, o.leaseMs * 4),
    } satisfies WorkerTask));
    const results = await Promise.all(runs.map((r) => r.done));
    const problems: string[] = [];
    const sum = { fired: 0, early: 0, staleRejected: 0, alreadyFired: 0, untyped: 0 };
    for (const { result, code } of results) {
      if (result === null || 'error' in (result as object)) {
        problems.push(`worker failed (exit ${code}): ${JSON.stringify(result)}`);
        continue;
      }
      sum.fired += result.fired;
      sum.early += result.early;
      sum.staleRejected += result.staleRejected;
      sum.alreadyFired += result.alreadyFired;
      sum.untyped += result.untyped.length;
      problems.push(...result.untyped.slice(0, 3));
    }
    const check = openBackend(backend);
    const firedIds: string[] = [];
    let left = 0;
    for (let c = 0; c < o.cases; c++) {
      const id = `t-${c}`;
      const r = await checkCase(check.store, TENANT, id);
      problems.push(...r.problems);
      for (const e of await check.store.history(TENANT, id)) {
        const data = e['data'] as { op: string; firedAt?: number; dueAt?: string };
        if (!data.op.startsWith('fire:')) continue;
        firedIds.push(data.op.slice(5));
        if (data.firedAt !== undefined && data.dueAt !== undefined && data.firedAt < Date.parse(data.dueAt)) sum.early++;
      }
      left += (await check.store.timers(TENANT, id)).length;
    }
    await check.close();
    const unique = new Set(firedIds).size;
    return {
      workers: o.workers, timers: o.timers, fired: firedIds.length, lost: o.timers - unique + 0 * left, duplicates: firedIds.length - unique,
      early: sum.early, staleRejected: sum.staleRejected, alreadyFired: sum.alreadyFired, untyped: sum.untyped, problems, seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await drop();
  }
}

export interface TickTimersReport {
  workers: number;
  cases: number;
  leaseMs: number;
  /** SLA effects that fell due before the check: level changes (`sla:warned`, `sla:breached`) and urges. */
  due: { levels: number; urges: number };
  /** Due effects found exactly once. */
  once: number;
  lost: number;
  duplicates: number;
  /** Effects recorded before their due instant, or recorded although not due yet. */
  early: number;
  /** Cases whose machine urge counter differs from the urges that fell due. */
  urgeCounterOff: number;
  /** Timer rows still due at the check (work no node did). */
  timersLeftDue: number;
  /** The stalled nodes: how long, and what the fences refused them afterwards (lease renewals, commits). */
  stalls: Array<{ kind: TickStall; stallMs: number; renewalsRefused: number; lostCommits: number }>;
  /** Per node: timers claimed, cases processed, renewals refused, commits lost to the version check. */
  nodes: Array<{ stall: TickStall; claimed: number; processed: number; renewalsRefused: number; lostCommits: number }>;
  claimed: number;
  errors: Record<string, number>;
  untyped: number;
  problems: string[];
  seedSeconds: number;
  seconds: number;
}

/**
 * Several processes run `engine.tick` against one PostgreSQL database holding `cases` cases whose
 * SLA clock (TICK_SLA) started in the past: most have both levels and both urges due, a quarter turn
 * red 3–5 s after seeding, a sixth turn yellow 1–3 s after seeding. Node 0 stalls inside its first
 * commit (its state already read) and node 1 right after its first claim, each for 3 leases. Every
 * due effect must be in the store exactly once, none before it was due, the urge counter must equal
 * the urges due, and no timer may be left due.
 */
export async function runTickTimers(o: { workers: number; cases: number; leaseMs: number; batch: number; seed: number; claimDelayMs?: number }): Promise<TickTimersReport> {
  const started = performance.now();
  const { backend, drop } = await freshBackend('pg', 'tick');
  try {
    const rnd = prng(o.seed);
    const plan = Array.from({ length: o.cases }, () => {
      const roll = rnd();
      return { kind: roll < 0.6 ? 'past' : roll < 0.85 ? 'nearRed' : 'nearYellow', jitter: rnd() } as const;
    });
    const seeded: Array<{ id: string; yellowAt: number; redAt: number }> = new Array(o.cases);
    const opened = openBackend(backend, 8);
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      let at = 0;
      let id = '';
      const engine = tickEngine(opened.store, { clock: { now: () => new Date(at) }, caseId: () => id });
      for (let i = next++; i < o.cases; i = next++) {
        const p = plan[i] as (typeof plan)[number];
        const now = Date.now();
        // The clock starts at 受理 (`accept`): place it so each due instant lands where the plan says.
        at = p.kind === 'past' ? now - TICK_SLA.redMs - Math.floor(p.jitter * 60_000)
          : p.kind === 'nearRed' ? now - TICK_SLA.redMs + 3000 + Math.floor(p.jitter * 2000)
            : now - TICK_SLA.yellowMs + 1000 + Math.floor(p.jitter * 2000);
        id = `tk-${String(i).padStart(5, '0')}`;
        await engine.register({
          tier: 'general', title: '小区路灯不亮', description: '3号楼前路灯一周不亮', category: 'municipal.lighting',
          requester: { name: '张三', phone: '13800138000' }, channel: 'hotline',
        }, { actor: who('p-intake', ['intake']) });
        await engine.execute(id, { type: 'accept' }, { actor: who('p-intake', ['intake']) });
        await engine.execute(id, { type: 'dispatch', lead: { unitId: 'u-water', duty: '修复路灯' }, cooperating: [] }, { actor: who('p-dispatch', ['dispatcher']) });
        await engine.execute(id, { type: 'sign', unitId: 'u-water', ownerId: 'p-handler' }, { actor: who('p-liaison', ['liaison'], ['u-water']) });
        seeded[i] = { id, yellowAt: at + TICK_SLA.yellowMs, redAt: at + TICK_SLA.redMs };
      }
    }));
    await opened.close();
    const seedSeconds = (performance.now() - started) / 1000;
    const now = Date.now();
    const until = Math.max(...seeded.flatMap((c) => [c.yellowAt, c.redAt].filter((x) => x < now + 60_000))) + 500;
    const stallMs = o.leaseMs * 3;
    const kinds: TickStall[] = Array.from({ length: o.workers }, (_, w) => (w === 0 ? 'inCommit' : w === 1 ? 'afterClaim' : 'none'));
    const runs = kinds.map((stall, w) => startWorker<TickWorkerResult>({
      mode: 'tick', backend, tenantId: TENANT, leaseMs: o.leaseMs, batch: o.batch, stall, stallMs, until, idleMs: Math.max(2500, o.leaseMs * 4),
      claimDelayMs: o.claimDelayMs ?? 30, seed: o.seed * 100 + w,
    } satisfies WorkerTask));
    const results = await Promise.all(runs.map((r) => r.done));
    const problems: string[] = [];
    const errors: Record<string, number> = {};
    const stalls: TickTimersReport['stalls'] = [];
    const nodes: TickTimersReport['nodes'] = [];
    let claimed = 0;
    let untyped = 0;
    results.forEach(({ result, code }, w) => {
      if (result === null || 'error' in (result as object)) {
        problems.push(`worker ${w} failed (exit ${code}): ${JSON.stringify(result)}`);
        return;
      }
      claimed += result.claimed;
      untyped += result.untyped.length;
      problems.push(...result.untyped.slice(0, 3));
      for (const [c, k] of Object.entries(result.errors)) errors[c] = (errors[c] ?? 0) + k;
      const kind = kinds[w] as TickStall;
      nodes.push({ stall: kind, claimed: result.claimed, processed: result.processed, renewalsRefused: result.renewalsRefused, lostCommits: result.conflicts });
      if (kind !== 'none') {
        if (!result.stalled) problems.push(`worker ${w} never stalled (${kind})`);
        stalls.push({ kind, stallMs, renewalsRefused: result.renewalsRefused, lostCommits: result.conflicts });
      }
    });

    // The checker.
    const check = openBackend(backend);
    const checkedAt = Date.now();
    const due = { levels: 0, urges: 0 };
    let once = 0;
    let lost = 0;
    let duplicates = 0;
    let early = 0;
    let urgeCounterOff = 0;
    let timersLeftDue = 0;
    for (const c of seeded) {
      const history = await check.store.history(TENANT, c.id);
      const sla = history.filter((e) => e.name === 'sla:warned' || e.name === 'sla:breached' || e.name === 'sla:escalated');
      const expect = (name: string, dueAt: number, match: (e: StoredEvent) => boolean, kind: 'levels' | 'urges') => {
        const found = sla.filter((e) => e.name === name && match(e));
        for (const e of found) if (Date.parse(e.at) < dueAt) early++;
        if (dueAt > checkedAt) {
          early += found.length;
          return;
        }
        due[kind]++;
        if (found.length === 0) {
          lost++;
          problems.push(`${c.id}: ${name}${kind === 'urges' ? ' (urge)' : ''} due ${new Date(dueAt).toISOString()} not recorded`);
        }
        else if (found.length === 1) once++;
        else duplicates += found.length - 1;
      };
      const data = <N extends 'sla:warned' | 'sla:escalated'>(e: StoredEvent) => (e as unknown as EngineEventOf<N>).data;
      expect('sla:warned', c.yellowAt, () => true, 'levels');
      expect('sla:breached', c.redAt, () => true, 'levels');
      expect('sla:escalated', c.yellowAt, (e) => data<'sla:escalated'>(e).stepId === 'urgeOnYellow', 'urges');
      expect('sla:escalated', c.redAt, (e) => data<'sla:escalated'>(e).stepId === 'urgeOnRed', 'urges');
      for (const e of sla) {
        if (e.name === 'sla:escalated' && Date.parse(e.at) < Date.parse(data<'sla:escalated'>(e).dueAt)) early++;
        if (e.name !== 'sla:escalated' && Date.parse(e.at) < Date.parse(data<'sla:warned'>(e).reachedAt)) early++;
      }
      const row = (await check.store.load(TENANT, c.id)) as StoredCase;
      const urges = (row.snapshot as { context: { counters: { urge: number } } }).context.counters.urge;
      const urgesDue = [c.yellowAt, c.redAt].filter((x) => x <= checkedAt).length;
      if (urges !== urgesDue) urgeCounterOff++;
      const audit = await check.store.audit(TENANT, c.id);
      const verdict = verifyAuditChain(audit);
      const last = audit[audit.length - 1];
      if (!verdict.ok || last === undefined || last.seq !== row.auditHead.seq || last.hash !== row.auditHead.hash) problems.push(`${c.id}: audit chain broken`);
      if (new Set(history.map((e) => e.eventId)).size !== history.length) problems.push(`${c.id}: duplicate event ids`);
      timersLeftDue += (await check.store.timers(TENANT, c.id)).filter((t) => Date.parse(t.dueAt) <= checkedAt).length;
    }
    await check.close();
    return {
      workers: o.workers, cases: o.cases, leaseMs: o.leaseMs, due, once, lost, duplicates, early, urgeCounterOff, timersLeftDue, stalls, nodes, claimed,
      errors, untyped, problems, seedSeconds, seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await drop();
  }
}

export interface FaultsReport {
  backend: 'pg' | 'sqlite';
  commands: number;
  injected: { failed: number; unknown: number; timeouts: number };
  typedErrors: number;
  untyped: number;
  resolvedByReplay: number;
  lost: number;
  duplicates: number;
  timers: number;
  timersFired: number;
  timerDuplicates: number;
  leftClaimed: number;
  problems: string[];
  seconds: number;
}

/**
 * Engine commands and timer firing through `faultyStore`: every failure must be a typed error, a
 * client that re-sends with the same idempotency key must end with each command applied exactly
 * once, and after two lease lengths nothing may still be claimed.
 */
export async function runFaults(o: { kind: 'pg' | 'sqlite'; commands: number; cases: number; timers: number; seed: number; leaseMs: number }): Promise<FaultsReport> {
  const { faultyStore } = await import('./_fault-store.js');
  const { isJiaobanError } = await import('../../src/errors.js');
  const started = performance.now();
  const { backend, drop } = await freshBackend(o.kind, 'faults');
  try {
    const caseIds = await inProgressCases(backend, o.cases);
    const opened = openBackend(backend, 4);
    // Timers live on cases of their own, so firing them does not race the engine's urges.
    const due = Date.now() - 1000;
    for (let c = 0; c < o.cases; c++) {
      const timers = Array.from({ length: Math.ceil(o.timers / o.cases) }, (_, k) => ({ id: `ft-${c}-${k}`, kind: 'k', dueAt: new Date(due).toISOString() }));
      await opened.store.commit(opBatch(TENANT, `f-${c}`, null, `create:f-${c}`, { timers }));
    }
    const timerTotal = Math.ceil(o.timers / o.cases) * o.cases;
    const faulty = faultyStore(opened.store, { seed: o.seed, failRate: 0.05, unknownRate: 0.03, timeoutRate: 0.02, timeoutMs: 5 });
    const engine = createEngine({ store: faulty.store });
    const supervisor = who('p-super', ['supervisor']);
    let typedErrors = 0;
    let untyped = 0;
    let resolvedByReplay = 0;
    const problems: string[] = [];
    const rnd = prng(o.seed);
    const appliedPerCase = new Map<string, number>();
    for (let i = 0; i < o.commands; i++) {
      const caseId = caseIds[Math.floor(rnd() * caseIds.length)] as string;
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await engine.execute(caseId, { type: 'urge' }, { actor: supervisor, idempotencyKey: `cmd-${i}` });
          if (r.replayed) resolvedByReplay++;
          appliedPerCase.set(caseId, (appliedPerCase.get(caseId) ?? 0) + 1);
          break;
        } catch (error) {
          if (!isJiaobanError(error)) {
            untyped++;
            problems.push(String(error));
            break;
          }
          typedErrors++;
          if (attempt > 50) {
            problems.push(`cmd-${i} gave up: ${error.code}`);
            break;
          }
        }
      }
    }
    // Timers: claim and fire through the faulty store until every timer has fired.
    let fired = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      let claimed: Awaited<ReturnType<typeof faulty.store.claimDueTimers>> = [];
      try {
        claimed = await faulty.store.claimDueTimers(TENANT, { now: new Date(), limit: 20, leaseMs: o.leaseMs, owner: 'faulty' });
      } catch (error) {
        if (isJiaobanError(error)) typedErrors++;
        else untyped++;
        continue;
      }
      if (claimed.length === 0) {
        const left = (await Promise.all(Array.from({ length: o.cases }, (_, c) => opened.store.timers(TENANT, `f-${c}`)))).flat().length;
        if (left === 0) break;
        await sleep(o.leaseMs / 4);
        continue;
      }
      for (const t of claimed) {
        try {
          const head = await faulty.store.load(TENANT, t.caseId);
          if (head === null) throw new Error('case vanished');
          await faulty.store.commit(opBatch(TENANT, t.caseId, head, `fire:${t.id}`, { removeTimers: [t.id], data: { timer: t.id } }));
          fired++;
        } catch (error) {
          // A failed or unknown fire: the lease runs out and the timer is claimed again; the
          // idempotency key turns an already-applied fire into a conflict, never a second effect.
          if (isJiaobanError(error)) typedErrors++;
          else {
            untyped++;
            problems.push(String(error));
          }
        }
      }
    }
    await sleep(o.leaseMs * 2);
    const check = openBackend(backend);
    let lost = 0;
    let duplicates = 0;
    for (const id of caseIds) {
      const row = (await check.store.load(TENANT, id)) as StoredCase;
      const urges = (row.snapshot as { context: { counters: { urge: number } } }).context.counters.urge;
      const want = appliedPerCase.get(id) ?? 0;
      lost += Math.max(0, want - urges);
      duplicates += Math.max(0, urges - want);
      problems.push(...(await checkCase(check.store, TENANT, id)).problems);
    }
    const fires: string[] = [];
    let leftClaimed = 0;
    for (let c = 0; c < o.cases; c++) {
      const r = await checkCase(check.store, TENANT, `f-${c}`);
      problems.push(...r.problems);
      fires.push(...r.ops.filter((op) => op.startsWith('fire:')));
      leftClaimed += (await check.store.timers(TENANT, `f-${c}`)).length;
    }
    // Anything still present after two leases must be claimable now: nothing stays claimed.
    const reclaim = await check.store.claimDueTimers(TENANT, { now: new Date(), limit: 1000, leaseMs: 1000, owner: 'check' });
    leftClaimed -= reclaim.length;
    await check.close();
    await opened.close();
    return {
      backend: o.kind, commands: o.commands, injected: { ...faulty.counts }, typedErrors, untyped, resolvedByReplay, lost, duplicates,
      timers: timerTotal, timersFired: new Set(fires).size, timerDuplicates: fires.length - new Set(fires).size, leftClaimed,
      problems, seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await drop();
  }
}
