import { describe, expect, it } from 'vitest';
import { NO_PG_REASON, PG_URL } from './_harness.js';
import { runTimers } from './_scenarios.js';

describe('timers across nodes: several processes ticking one PostgreSQL, one stalled past its lease', () => {
  it('fires every timer exactly once, none before it is due, and refuses the stalled node its stale completions', async (ctx) => {
    if (PG_URL === undefined) {
      console.info(`[reliability] skipped timers across nodes: ${NO_PG_REASON}`);
      ctx.skip(NO_PG_REASON);
    }
    const r = await runTimers({ workers: 3, timers: 1500, cases: 150, leaseMs: 800, seed: 3 });
    console.info(`[reliability] timers: ${JSON.stringify({ ...r, problems: r.problems.slice(0, 5) })}`);
    expect(r.problems).toEqual([]);
    expect(r.fired).toBe(r.timers);
    expect(r.duplicates).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.early).toBe(0);
    expect(r.untyped).toBe(0);
    // The stalled node really held stale claims, and every one of its late completions was refused.
    expect(r.staleRejected).toBeGreaterThan(0);
    expect(r.staleRejected).toBe(r.alreadyFired);
  }, 120_000);
});
