/**
 * Commands per second through `engine.execute` on each store, side by side: memory, SQLite (a file
 * in WAL mode, both `synchronous` settings), PostgreSQL with 1 and with 8 concurrent workers. The
 * 8 workers are 8 async loops in this one process over a `pg` Pool of 8 connections (the engine's
 * CPU share is one core; the server gets the other). Each command is timed alone for p50/p99. Then,
 * per store, how fast one outbox relay drains acknowledging each event or each batch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgresStore } from '../src/adapters/postgres/index.js';
import { sqliteStore } from '../src/adapters/sqlite/index.js';
import { createEngine, memoryStore, type Actor, type CaseStore, type CommandInput, type RegisterInput } from '../src/index.js';
import { commitBatch } from '../src/testing/conformance/index.js';
import { actorsOf } from '../examples/_story.js';
import { formatCount, markdownTable } from './_report.js';
import { processesCpuMicros } from './_proc-cpu.js';

export const name = 'stores';
export const title = 'Stores: engine commands per second on memory, SQLite and PostgreSQL';

const T = 'bench';
const who = actorsOf(T);
const intake = who('p-intake', ['intake']);
const registration: RegisterInput = {
  tier: 'general', title: '小区路灯不亮，夜间出行不便', description: '3号楼前路灯连续一周不亮，老人夜间出行不便，请尽快维修。',
  category: 'municipal.lighting', location: '福田区某街道某小区3号楼', tags: ['路灯'], requester: { name: '张三', phone: '13800138000' }, channel: 'hotline',
};
const lead = who('p-lead', ['liaison', 'handler', 'unitLeader'], ['u-lead']);
/** A general case's life after registration: 11 commands. */
const LIFE: Array<[CommandInput, Actor]> = [
  [{ type: 'accept' }, intake],
  [{ type: 'dispatch', lead: { unitId: 'u-lead', duty: '排查并修复路灯' }, cooperating: [] }, who('p-dispatch', ['dispatcher'])],
  [{ type: 'sign', unitId: 'u-lead', ownerId: 'p-lead' }, lead],
  [{ type: 'contactRequester', method: 'phone', reached: true }, lead],
  [{ type: 'urge' }, who('p-super', ['supervisor'])],
  [{ type: 'reportProgress', progress: '已派员勘察', percent: 50 }, lead],
  [{ type: 'reply', summary: '已更换灯具，恢复照明', resolved: true, signOff: { leaderId: 'p-leader', level: 'deputy' } }, lead],
  [{ type: 'approveReply' }, who('p-review', ['reviewer'])],
  [{ type: 'evaluate', result: 'satisfied' }, who('p-revisit', ['revisitAgent'])],
  [{ type: 'conclude' }, who('p-revisit', ['revisitAgent'])],
];

interface Figures {
  label: string;
  workers: number;
  commands: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU this Node process spent per command (user + system, all its threads), in µs. */
  cpuUs: number;
  /** CPU the local database server's processes spent per command, in µs; null for an in-process store or a server not visible. */
  serverUs: number | null;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** One timed run: every command's latency (ms), the wall time (s), this process's CPU and the server's (µs). */
interface Run {
  latencies: number[];
  seconds: number;
  cpuUs: number;
  serverUs: number | null;
}

/** The database server's processes, by command name, for a store that runs out of process. */
type Server = 'postgres' | null;

/** Runs `fn` and returns its result with the CPU the server's local processes spent meanwhile (null: not visible). */
async function withServerCpu<T>(server: Server, fn: () => Promise<T>): Promise<[T, number | null]> {
  const before = server === null ? null : processesCpuMicros(server);
  const result = await fn();
  const after = server === null ? null : processesCpuMicros(server);
  return [result, before === null || after === null ? null : after - before];
}

/** Whether a connection URL names this machine (a loopback address, or a Unix socket directory). */
function isLocal(url: string): boolean {
  const { hostname, searchParams } = new URL(url);
  const host = searchParams.get('host') ?? hostname;
  return host === '' || host.startsWith('/') || host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
}

/** `workers` loops, each living whole cases (register + 10 commands) until `cases` cases are done. */
async function lives(label: string, store: CaseStore, workers: number, cases: number, server: Server = null): Promise<Run> {
  let n = 0;
  const engine = createEngine({ store, ids: { caseId: () => `c-${label.length}-${(++n).toString(36)}-${process.hrtime.bigint().toString(36)}` } });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const [, serverUs] = await withServerCpu(server, () => Promise.all(Array.from({ length: workers }, async () => {
    while (next++ < cases) {
      let t = performance.now();
      const { case: c } = await engine.register(registration, { actor: intake });
      latencies.push(performance.now() - t);
      for (const [command, actor] of LIFE) {
        t = performance.now();
        await engine.execute(c.id, command, { actor });
        latencies.push(performance.now() - t);
      }
    }
  })));
  const used = process.cpuUsage(cpu);
  return { latencies, seconds: (performance.now() - started) / 1000, cpuUs: used.user + used.system, serverUs };
}

/** The figures of one or more runs taken together: all their commands over all their time. */
function figures(label: string, workers: number, runs: readonly Run[]): Figures {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const cpuUs = runs.reduce((sum, r) => sum + r.cpuUs, 0);
  const serverUs = runs.some((r) => r.serverUs === null) ? null : runs.reduce((sum, r) => sum + (r.serverUs ?? 0), 0);
  return {
    label, workers, commands: latencies.length, perSecond: latencies.length / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99),
    cpuUs: cpuUs / latencies.length, serverUs: serverUs === null ? null : serverUs / latencies.length,
  };
}

async function measure(label: string, store: CaseStore, workers: number, cases: number, server: Server = null): Promise<Figures> {
  return figures(label, workers, [await lives(label, store, workers, cases, server)]);
}

/**
 * Variants that differ in one setting, measured in alternating rounds (A B A B …) and each summed
 * over its rounds: on a machine whose speed drifts, one run of each can differ by more than the
 * setting does.
 */
async function alternating(variants: ReadonlyArray<[string, CaseStore]>, workers: number, cases: number, rounds: number, server: Server = null): Promise<Figures[]> {
  const runs: Run[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, [label, store]] of variants.entries()) runs[i]?.push(await lives(label, store, workers, cases, server));
  }
  return variants.map(([label], i) => figures(label, workers, runs[i] ?? []));
}

/** What one relay drains, per acknowledgement mode (events per second, summed over rounds). */
interface RelayFigures {
  label: string;
  events: number;
  each: number;
  batch: number;
}

/**
 * One relay (batches of 100, a handler that does nothing) draining the outbox `cases` lives left
 * (one event per command), with `ack: 'each'` and `ack: 'batch'` in alternating rounds. The outbox is
 * emptied, untimed, before each round's cases are written.
 */
async function relayDrain(label: string, store: CaseStore, workers: number, cases: number, rounds: number): Promise<RelayFigures> {
  const engine = createEngine({ store });
  const totals = { each: { events: 0, seconds: 0 }, batch: { events: 0, seconds: 0 } };
  for (let r = 0; r < rounds; r++) {
    for (const ack of ['each', 'batch'] as const) {
      await engine.relay({ tenantId: T, handler: () => undefined, ack: 'batch' });
      await lives(`relay-${ack}`, store, workers, cases);
      const started = performance.now();
      const { delivered } = await engine.relay({ tenantId: T, handler: () => undefined, ack });
      totals[ack].seconds += (performance.now() - started) / 1000;
      totals[ack].events += delivered;
    }
  }
  return { label, events: totals.each.events, each: totals.each.events / totals.each.seconds, batch: totals.batch.events / totals.batch.seconds };
}

/**
 * The store alone, without the engine's CPU: per operation one `load` and one `commit` of a batch
 * shaped like a command's (case row with a 2 KB snapshot, one event, one audit entry, one outbox row).
 */
async function measureStore(label: string, store: CaseStore, workers: number, ops: number, server: Server = null): Promise<Figures> {
  const latencies: number[] = [];
  const tenant = `store-${process.hrtime.bigint().toString(36)}`;
  const snapshot = { value: 'inProgress', context: { title: '小区路灯不亮'.repeat(20), notes: 'x'.repeat(1500) } };
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const [, serverUs] = await withServerCpu(server, () => Promise.all(Array.from({ length: workers }, async (_, w) => {
    const id = `s-${w}`;
    await store.commit(commitBatch(tenant, id, null, { fields: { snapshot } }));
    while (next++ < ops) {
      const t = performance.now();
      const head = await store.load(tenant, id);
      await store.commit(commitBatch(tenant, id, head, { fields: { snapshot } }));
      latencies.push(performance.now() - t);
    }
  })));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    label: `${label} — store only`, workers, commands: latencies.length, perSecond: latencies.length / seconds, p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99), cpuUs: (used.user + used.system) / latencies.length,
    serverUs: serverUs === null ? null : serverUs / latencies.length,
  };
}

export async function run(): Promise<string> {
  const rows: Figures[] = [];
  const relays: RelayFigures[] = [];
  const notes: string[] = [];
  await measure('warm-up', memoryStore(), 1, 200);
  rows.push(await measure('memory', memoryStore(), 1, 2000));
  relays.push(await relayDrain('memory', memoryStore(), 1, 300, 2));

  const dir = mkdtempSync(join(tmpdir(), 'jiaoban-bench-'));
  try {
    const sqliteRuns: Array<{ synchronous: 'NORMAL' | 'FULL'; walAutocheckpoint?: number }> = [
      { synchronous: 'NORMAL' }, { synchronous: 'NORMAL', walAutocheckpoint: 10_000 }, { synchronous: 'FULL' },
    ];
    for (const [i, options] of sqliteRuns.entries()) {
      const db = new Database(join(dir, `bench-${i}.db`));
      const store = sqliteStore(db, options);
      await store.migrate();
      const label = `SQLite file, WAL, synchronous=${options.synchronous}${options.walAutocheckpoint === undefined ? '' : `, wal_autocheckpoint=${formatCount(options.walAutocheckpoint)}`}`;
      rows.push(await measure(label, store, 1, options.synchronous === 'NORMAL' ? 1500 : 500));
      rows.push(await measureStore(label, store, 1, 5000));
      if (i === 0) relays.push(await relayDrain(label, store, 1, 300, 2));
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const url = process.env['JIAOBAN_TEST_PG_URL'] ?? process.env['JIAOBAN_BENCH_PG_URL'];
  if (url === undefined) {
    notes.push('PostgreSQL skipped: set `JIAOBAN_TEST_PG_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`).');
  } else {
    const pool = new pg.Pool({ connectionString: url, max: 8 });
    // The local `postgres` processes are this server's only when the URL points at this machine.
    const server: Server = isLocal(url) ? 'postgres' : null;
    const schema = `jb_bench_${process.pid}`;
    try {
      const store = postgresStore(pool, { schema });
      await store.migrate();
      await measure('pg warm-up', store, 8, 40);
      rows.push(await measure('PostgreSQL (pg Pool)', store, 1, 300, server));
      // The same schema and pool; only the commit statement's synchronous_commit differs.
      const asyncCommit = postgresStore(pool, { schema, synchronousCommit: 'off' });
      rows.push(...await alternating([['PostgreSQL (pg Pool)', store], ['PostgreSQL (pg Pool), synchronousCommit=off', asyncCommit]], 8, 400, 3, server));
      rows.push(await measureStore('PostgreSQL (pg Pool)', store, 1, 3000, server));
      rows.push(await measureStore('PostgreSQL (pg Pool)', store, 8, 12000, server));
      relays.push(await relayDrain('PostgreSQL (pg Pool)', store, 8, 300, 2));
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  }

  const cores = availableParallelism();
  // With the server on this machine, every command costs both processes' CPU out of `cores` cores.
  const ceiling = (r: Figures) => (r.serverUs === null ? '—' : formatCount((cores * 1e6) / (r.cpuUs + r.serverUs)));
  const table = markdownTable(
    ['store', 'workers', 'commands', 'commands/s', 'p50 ms', 'p99 ms', 'Node CPU µs/command', 'server CPU µs/command', `CPU ceiling on ${cores} cores, /s`],
    rows.map((r) => [
      r.label, String(r.workers), formatCount(r.commands), formatCount(r.perSecond), r.p50.toFixed(2), r.p99.toFixed(2), formatCount(r.cpuUs),
      r.serverUs === null ? '—' : formatCount(r.serverUs), ceiling(r),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  return [
    'Each case lives register + 10 commands (accept, dispatch, sign, contact, urge, progress, reply, approve, evaluate,',
    'conclude) through `engine.execute`: validation, load, authorization, xstate transition, one atomic commit with',
    'event, audit entry and outbox row. A command\'s latency is measured alone. PostgreSQL with 8 workers means 8',
    'async loops in one Node process over a `pg` Pool of 8 connections, on the same 2-core machine as the server.',
    'SQLite `synchronous=FULL` fsyncs every commit (durable across power loss); `NORMAL` is durable across a process',
    'crash but a power loss may roll back the last commits; `wal_autocheckpoint` (the store\'s `walAutocheckpoint`',
    'option, SQLite\'s default 1,000 pages) sets how often the WAL is copied back into the database file.',
    'PostgreSQL\'s `synchronousCommit: \'off\'` (the store option; the server default is `on`) returns from a commit before',
    'its WAL reaches the disk: a server crash may lose the last commits whole, a Node crash loses nothing. The two',
    '8-worker PostgreSQL rows are 3 alternating rounds of 400 cases each, summed, so drift of the machine hits both alike.',
    'Targets: SQLite ≥ 5,000 commands/s, PostgreSQL ≥ 2,000',
    'commands/s with 8 workers. Rows marked "store only" time one `load` + one `commit` of a command-shaped batch',
    'without the engine: what the adapter costs, apart from the engine\'s own CPU. "Node CPU" is what this process',
    'spent per command (user + system time of all its threads, `process.cpuUsage`): with 8 PostgreSQL workers the',
    'Node process is the limit when it nears 1,000,000 µs/s (one core), the server using the other core.',
    '"Server CPU" is what the local `postgres` processes spent meanwhile (user + system, read from /proc; "—" for an',
    `in-process store, or a server on another machine or one this machine cannot see). The CPU ceiling is ${cores} cores × 1,000,000 µs divided by`,
    'the two CPU figures: the most commands per second this machine could run at that cost, with every core busy.',
    '',
    table,
    '',
    'The outbox relay on the same stores: one `engine.relay` (batches of 100, a handler that does nothing) drains',
    'the events that 300 case lives wrote, acknowledging each event as its handler returns (`ack: \'each\'`, the',
    'default: a crash redelivers at most the event in hand) or each batch after its last handler (`ack: \'batch\'`:',
    'a crash redelivers up to the batch). 2 alternating rounds per mode, summed. On a database store an ack is a',
    'round trip and a write, so `each` costs the database about as many statements as the commands that wrote the events.',
    '',
    markdownTable(
      ['store', 'events', 'events/s, ack each', 'events/s, ack batch', 'batch / each'],
      relays.map((r) => [r.label, formatCount(r.events), formatCount(r.each), formatCount(r.batch), `${(r.batch / r.each).toFixed(1)}×`]),
      ['left', 'right', 'right', 'right', 'right'],
    ),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}
