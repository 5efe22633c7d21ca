/**
 * Shared by the reliability tests (CI size) and scripts/stress.ts (large size): where the store
 * lives, how workers are forked, and the checkers. Checker words after Jepsen: *lost* (acknowledged,
 * not stored), *duplicated* (applied twice), *half-applied* (a commit's rows not all there).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgresStore } from '../../src/adapters/postgres/index.js';
import { sqliteStore } from '../../src/adapters/sqlite/index.js';
import { always } from '../../src/calendar/index.js';
import type { Clock } from '../../src/clock.js';
import { createEngine, type Engine } from '../../src/engine/create-engine.js';
import { parseSlaPolicy } from '../../src/sla/policy.js';
import type { CaseStore, CommitBatch, StoredCase } from '../../src/store/case-store.js';
import { commitBatch, type BatchOptions } from '../../src/testing/conformance/index.js';
import { mulberry32 } from '../../bench/_random.js';

export const PG_URL = process.env['JIAOBAN_TEST_PG_URL'];
export const NO_PG_REASON = 'JIAOBAN_TEST_PG_URL is not set: this test needs a real PostgreSQL server (PGlite is one connection in one process)';

export type Backend = { kind: 'pg'; url: string; schema: string } | { kind: 'sqlite'; file: string };

export interface Opened {
  store: CaseStore & { migrate(): Promise<unknown> };
  close(): Promise<void>;
}

export function openBackend(backend: Backend, poolSize = 4): Opened {
  if (backend.kind === 'pg') {
    const pool = new pg.Pool({ connectionString: backend.url, max: poolSize });
    return { store: postgresStore(pool, { schema: backend.schema }), close: () => pool.end() };
  }
  const db = new Database(backend.file);
  return { store: sqliteStore(db, { synchronous: 'NORMAL', busyTimeoutMs: 10_000 }), close: async () => void db.close() };
}

let n = 0;
/** A fresh, migrated database for one scenario; `drop` removes it. */
export async function freshBackend(kind: 'pg' | 'sqlite', label: string): Promise<{ backend: Backend; drop(): Promise<void> }> {
  if (kind === 'pg') {
    if (PG_URL === undefined) throw new Error(NO_PG_REASON);
    const backend: Backend = { kind: 'pg', url: PG_URL, schema: `jb_rel_${label}_${process.pid}_${Date.now().toString(36)}_${++n}` };
    const o = openBackend(backend, 1);
    await o.store.migrate();
    await o.close();
    return {
      backend,
      drop: async () => {
        const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
        await pool.query(`DROP SCHEMA IF EXISTS "${backend.schema}" CASCADE`);
        await pool.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `jiaoban-rel-${label}-`));
  const backend: Backend = { kind: 'sqlite', file: join(dir, 'store.db') };
  const o = openBackend(backend);
  await o.store.migrate();
  await o.close();
  return { backend, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

const WORKER = fileURLToPath(new URL('./_worker.ts', import.meta.url));

export interface WorkerRun<R> {
  child: ReturnType<typeof fork>;
  /** The worker's final message, or null when it died (killed) before sending one. */
  done: Promise<{ result: R | null; code: number | null; signal: NodeJS.Signals | null }>;
}

/** Forks `_worker.ts` under tsx with one JSON task; the worker answers with one message and exits. */
export function startWorker<R>(task: unknown, env: Record<string, string> = {}): WorkerRun<R> {
  const child = fork(WORKER, [JSON.stringify(task)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let result: R | null = null;
  child.on('message', (m) => {
    result = m as R;
  });
  const done = new Promise<{ result: R | null; code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ result, code, signal }));
  });
  return { child, done };
}

/**
 * A store-level operation on a case: one commit that bumps the version and writes one event that
 * names the operation (`op`) and, for timer effects, the timer it fired. The idempotency key makes
 * a re-sent operation a conflict instead of a second effect.
 */
export function opBatch(tenantId: string, caseId: string, head: StoredCase | null, op: string, extra: BatchOptions & { data?: Record<string, unknown> } = {}): CommitBatch {
  const { data, ...options } = extra;
  const b = commitBatch(tenantId, caseId, head, { idempotencyKey: op, ...options });
  (b.events[0] as Record<string, unknown>)['data'] = { op, ...data };
  return b;
}

/** Per-case consistency: version, audit, events and outbox agree; returns the ops applied. */
export async function checkCase(store: CaseStore, tenantId: string, caseId: string): Promise<{ problems: string[]; ops: string[] }> {
  const problems: string[] = [];
  const row = await store.load(tenantId, caseId);
  if (row === null) return { problems: [`${caseId}: lost`], ops: [] };
  const audit = await store.audit(tenantId, caseId);
  const history = await store.history(tenantId, caseId);
  if (audit.length !== row.version) problems.push(`${caseId}: version ${row.version} but ${audit.length} audit entries`);
  audit.forEach((a, i) => {
    if (a.seq !== i + 1 || (i > 0 && a.prevHash !== audit[i - 1]?.hash)) problems.push(`${caseId}: audit chain broken at ${i + 1}`);
  });
  const versions = new Set(history.map((e) => e.version));
  if (versions.size !== row.version) problems.push(`${caseId}: events for ${versions.size} versions, case at ${row.version} (half-applied)`);
  if (row.auditHead.seq !== audit.length) problems.push(`${caseId}: audit head ${row.auditHead.seq} vs ${audit.length} entries`);
  const ops = history.map((e) => (e['data'] as { op?: string } | undefined)?.op).filter((x): x is string => typeof x === 'string');
  const dup = ops.filter((o, i) => ops.indexOf(o) !== i);
  if (dup.length > 0) problems.push(`${caseId}: duplicated ops ${[...new Set(dup)].slice(0, 5).join(', ')}`);
  return { problems, ops };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The benches' seeded PRNG in [0, 1): every run's random choices replay from its printed seed. */
export function prng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/**
 * The SLA of the engine-tick scenarios: one case clock of 30 natural minutes from 受理 on a 24×7
 * calendar, yellow at half time, red at the deadline, and an urge at each (never held for working
 * hours), so every due instant is a plain wall-clock instant the checker can recompute.
 */
export const TICK_SLA = { yellowMs: 15 * 60_000, redMs: 30 * 60_000 } as const;
const TICK_POLICY = parseSlaPolicy({
  tiers: { general: { clocks: [{ name: 'handle', scope: 'case', unit: 'naturalMinutes', target: 30, startOn: ['accept'], stopOn: ['reply'] }] } },
  levels: { threshold: 0.5, naturalOverdueAfter: { naturalMinutes: 24 * 60 } },
  escalation: [
    { id: 'urgeOnYellow', on: 'yellow', actions: [{ type: 'urge', to: 'primaryOwner' }], holdUntilWorkingHours: false },
    { id: 'urgeOnRed', on: 'red', actions: [{ type: 'urge', to: 'primaryOwner' }], holdUntilWorkingHours: false },
  ],
});

/** An engine with the tick scenarios' SLA policy (seeding uses a clock of its own; workers the system clock). */
export function tickEngine(store: CaseStore, options: { clock?: Clock; timerLeaseMs?: number; caseId?: () => string } = {}): Engine {
  return createEngine({
    store, sla: TICK_POLICY, calendars: { working: always() },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.timerLeaseMs === undefined ? {} : { timerLeaseMs: options.timerLeaseMs }),
    ...(options.caseId === undefined ? {} : { ids: { caseId: options.caseId } }),
  });
}
