import { describe, expect, it } from 'vitest';
import { NO_PG_REASON, PG_URL } from './_harness.js';
import { runCrash } from './_scenarios.js';

describe('crash: SIGKILL at random points, restart, re-send, drain', () => {
  for (const kind of ['sqlite', 'pg'] as const) {
    it(`${kind}: 0 acknowledged ops lost, 0 half-applied commits, 0 timers lost, 0 outbox events lost; duplicates only as re-deliveries`, async (ctx) => {
      if (kind === 'pg' && PG_URL === undefined) {
        console.info(`[reliability] skipped pg crash: ${NO_PG_REASON}`);
        ctx.skip(NO_PG_REASON);
      }
      const r = await runCrash({ kind, runs: 12, opsPerRun: 40, cases: 4, seed: 11 });
      console.info(`[reliability] crash ${kind}: ${JSON.stringify({ ...r, problems: r.problems.slice(0, 5) })}`);
      expect(r.problems).toEqual([]);
      expect(r.lostOps).toBe(0);
      expect(r.duplicatedOps).toBe(0);
      expect(r.halfApplied).toBe(0);
      expect(r.lostTimers).toBe(0);
      expect(r.duplicateFires).toBe(0);
      expect(r.lostEvents).toBe(0);
      expect(Object.values(r.kills).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }, 120_000);
  }
});
