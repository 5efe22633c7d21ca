/**
 * `npm run stress`: the reliability scenarios of test/reliability at full size, figures written into
 * docs/reliability.md between the `stress:start` / `stress:end` markers. Needs PostgreSQL at
 * `JIAOBAN_TEST_PG_URL` for the PostgreSQL rows (SQLite rows run anyway).
 *
 *   JIAOBAN_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test npm run stress
 *   npm run stress -- --quick      # a smaller run, same scenarios
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PG_URL } from '../test/reliability/_harness.js';
import { runContention, runCrash, runFaults, runTickTimers, runTimers } from '../test/reliability/_scenarios.js';

const quick = process.argv.includes('--quick');
const scale = (full: number, small: number) => (quick ? small : full);
const kinds = (PG_URL === undefined ? ['sqlite'] : ['pg', 'sqlite']) as Array<'pg' | 'sqlite'>;
const lines: string[] = [];
const out = (s: string) => {
  console.log(s);
  lines.push(s);
};
const ok = (b: boolean) => (b ? 'pass' : '**FAIL**');

out(`_Run ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')} on ${cpus()[0]?.model.trim() ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}${quick ? ' (quick)' : ''}._`);
out('');
out('### Contention (several processes, the same cases)');
out('');
out('| store | processes × commands | cases | accepted | rejected (typed) | untyped | lost updates | duplicates | other problems | s | verdict |');
out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const kind of kinds) {
  for (const cases of [1, 4]) {
    const r = await runContention({ kind, workers: 8, commandsPerWorker: scale(125, 25), cases, concurrency: 1, seed: 100 + cases });
    const rejected = Object.entries(r.rejected).map(([c, n]) => `${n} ${c}`).join(', ') || '0';
    out(`| ${kind} | 8 × ${r.sent / 8} | ${cases} | ${r.accepted} | ${rejected} | ${r.untyped} | ${r.lostUpdates} | ${r.duplicates} | ${r.problems.length} | ${r.seconds.toFixed(1)} | ${ok(r.lostUpdates === 0 && r.duplicates === 0 && r.untyped === 0 && r.problems.length === 0)} |`);
  }
}
out('');
out('### Crash (SIGKILL at instrumented points and at random moments; restart; re-send; final drain)');
out('');
out('| store | kills | kill points | acked ops | lost | duplicated | half-applied | timers armed | timers lost | double fires | events | events lost | re-deliveries (same id) | re-sent after crash: replayed / applied | s | verdict |');
out('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const kind of kinds) {
  const r = await runCrash({ kind, runs: scale(100, 20), opsPerRun: 40, cases: 6, seed: 42 });
  const kills = Object.values(r.kills).reduce((a, b) => a + b, 0);
  const points = Object.entries(r.kills).map(([p, n]) => `${p} ${n}`).join(', ');
  const good = r.lostOps + r.duplicatedOps + r.halfApplied + r.lostTimers + r.duplicateFires + r.lostEvents + r.problems.length === 0;
  out(`| ${kind} | ${kills} | ${points} | ${r.ackedOps} | ${r.lostOps} | ${r.duplicatedOps} | ${r.halfApplied} | ${r.timersArmed} | ${r.lostTimers} | ${r.duplicateFires} | ${r.events} | ${r.lostEvents} | ${r.redeliveries} | ${r.replays} / ${r.resent} | ${r.seconds.toFixed(1)} | ${ok(good)} |`);
}
out('');
if (PG_URL !== undefined) {
  out('### Timers across nodes (PostgreSQL; node 0 stalls for 3 leases after its first claim)');
  out('');
  out('| processes | timers | lease ms | fired | lost | duplicates | fired early | stale completions refused | untyped | s | verdict |');
  out('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const r = await runTimers({ workers: 4, timers: scale(10_000, 2_000), cases: scale(1_000, 200), leaseMs: 1000, seed: 9 });
  out(`| 4 | ${r.timers} | 1000 | ${r.fired} | ${r.lost} | ${r.duplicates} | ${r.early} | ${r.staleRejected} of ${r.alreadyFired} | ${r.untyped} | ${r.seconds.toFixed(1)} | ${ok(r.lost + r.duplicates + r.early + r.untyped + r.problems.length === 0 && r.fired === r.timers)} |`);
  out('');
  out('### Timers across nodes through `engine.tick` (PostgreSQL; node 0 stalls inside its first commit, node 1 right after its first claim, each for 3 leases)');
  out('');
  out('| processes | cases | lease ms | timers claimed | due: level changes / urges | applied once | lost | duplicates | early | urge counter off | timers left due | stalled nodes: renewals refused / commits lost | untyped | s (seeding) | verdict |');
  out('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |');
  const k = await runTickTimers({ workers: 4, cases: scale(3_000, 500), leaseMs: 1000, batch: 50, seed: 13 });
  const stalls = k.stalls.map((x) => `${x.kind} ${x.renewalsRefused} / ${x.lostCommits}`).join('; ');
  const tickGood = k.lost + k.duplicates + k.early + k.urgeCounterOff + k.timersLeftDue + k.untyped + k.problems.length === 0 && Object.keys(k.errors).length === 0
    && k.once === k.due.levels + k.due.urges && k.stalls.every((x) => x.renewalsRefused > 0);
  out(`| 4 | ${k.cases} | ${k.leaseMs} | ${k.claimed} | ${k.due.levels} / ${k.due.urges} | ${k.once} | ${k.lost} | ${k.duplicates} | ${k.early} | ${k.urgeCounterOff} | ${k.timersLeftDue} | ${stalls} | ${k.untyped} | ${k.seconds.toFixed(1)} (${k.seedSeconds.toFixed(1)}) | ${ok(tickGood)} |`);
  out('');
}
out('### Faults (seeded: 5 % failed writes, 3 % commit outcome unknown, 2 % timeouts)');
out('');
out('| store | commands | injected failed / unknown / timeout | typed errors | untyped | resolved by replay | lost | duplicates | timers fired / armed | double fires | left claimed after 2 leases | s | verdict |');
out('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const kind of kinds) {
  const r = await runFaults({ kind, commands: scale(5_000, 500), cases: 5, timers: scale(1_000, 150), seed: 77, leaseMs: 300 });
  const good = r.untyped + r.lost + r.duplicates + r.timerDuplicates + r.leftClaimed + r.problems.length === 0 && r.timersFired === r.timers;
  out(`| ${kind} | ${r.commands} | ${r.injected.failed} / ${r.injected.unknown} / ${r.injected.timeouts} | ${r.typedErrors} | ${r.untyped} | ${r.resolvedByReplay} | ${r.lost} | ${r.duplicates} | ${r.timersFired} / ${r.timers} | ${r.timerDuplicates} | ${r.leftClaimed} | ${r.seconds.toFixed(1)} | ${ok(good)} |`);
}
out('');
out('### Mutation check: the contention run on a build with the version check removed');
out('');
out('`JIAOBAN_BROKEN_VERSION_CHECK=1` makes the workers wrap the store in test/reliability/_broken-store.ts (last writer wins).');
out('');
out('| store | accepted | lost updates | verdict of the contention checks |');
out('| --- | ---: | ---: | --- |');
for (const kind of kinds) {
  const r = await runContention({ kind, workers: 8, commandsPerWorker: scale(60, 25), cases: 1, concurrency: 1, seed: 5, env: { JIAOBAN_BROKEN_VERSION_CHECK: '1' } });
  out(`| ${kind} | ${r.accepted} | ${r.lostUpdates} | ${r.lostUpdates > 0 ? 'fails, as it must' : '**did not detect the broken build**'} |`);
}
if (PG_URL !== undefined) {
  out('');
  out('The `engine.tick` run on the same broken build (its workers wrap the store the same way): the stalled node\'s stale commit is taken.');
  out('');
  out('| cases | duplicated effects | lost effects | urge counter off | verdict of the tick checks |');
  out('| ---: | ---: | ---: | ---: | --- |');
  process.env['JIAOBAN_BROKEN_VERSION_CHECK'] = '1';
  const k = await runTickTimers({ workers: 4, cases: scale(500, 200), leaseMs: 1000, batch: 50, seed: 13 });
  delete process.env['JIAOBAN_BROKEN_VERSION_CHECK'];
  const caught = k.duplicates + k.lost + k.urgeCounterOff > 0;
  out(`| ${k.cases} | ${k.duplicates} | ${k.lost} | ${k.urgeCounterOff} | ${caught ? 'fails, as it must' : '**did not detect the broken build**'} |`);
}

const DOC = fileURLToPath(new URL('../docs/reliability.md', import.meta.url));
const doc = readFileSync(DOC, 'utf8');
const start = '<!-- stress:start -->';
const end = '<!-- stress:end -->';
const i = doc.indexOf(start);
const j = doc.indexOf(end);
if (i >= 0 && j > i) {
  writeFileSync(DOC, `${doc.slice(0, i + start.length)}\n${lines.join('\n')}\n${doc.slice(j)}`);
  console.log('\nWrote the figures to docs/reliability.md');
}
