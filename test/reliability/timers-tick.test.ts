import { describe, expect, it } from 'vitest';
import { NO_PG_REASON, PG_URL } from './_harness.js';
import { runTickTimers } from './_scenarios.js';

describe('timers across nodes through engine.tick: several processes ticking one PostgreSQL, two stalled past their lease', () => {
  it('applies every due SLA effect exactly once per case, none before it is due, and fences the stalled nodes out', async (ctx) => {
    if (PG_URL === undefined) {
      console.info(`[reliability] skipped timers through engine.tick: ${NO_PG_REASON}`);
      ctx.skip(NO_PG_REASON);
    }
    const r = await runTickTimers({ workers: 3, cases: 200, leaseMs: 1000, batch: 20, seed: 5 });
    console.info(`[reliability] tick timers: ${JSON.stringify({ ...r, problems: r.problems.slice(0, 5) })}`);
    expect(r.problems).toEqual([]);
    expect(r.due.levels).toBeGreaterThan(r.cases);
    expect(r.once).toBe(r.due.levels + r.due.urges);
    expect(r.lost).toBe(0);
    expect(r.duplicates).toBe(0);
    expect(r.early).toBe(0);
    expect(r.urgeCounterOff).toBe(0);
    expect(r.timersLeftDue).toBe(0);
    expect(r.untyped).toBe(0);
    expect(r.errors).toEqual({});
    // Both stalled nodes held claims past their lease and were refused afterwards: the one that stalled
    // mid-commit lost that commit to the version check and the renewal of the rest of its batch; the one
    // that stalled after claiming, the renewal of its whole batch.
    const [inCommit, afterClaim] = r.stalls;
    expect(inCommit?.lostCommits).toBeGreaterThan(0);
    expect(inCommit?.renewalsRefused).toBeGreaterThan(0);
    expect(afterClaim?.renewalsRefused).toBeGreaterThan(0);
  }, 180_000);
});
