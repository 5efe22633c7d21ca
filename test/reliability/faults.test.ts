import { describe, expect, it } from 'vitest';
import { NO_PG_REASON, PG_URL } from './_harness.js';
import { runFaults } from './_scenarios.js';

describe('faults: a store wrapper injecting seeded failed writes, unknown commit outcomes and timeouts', () => {
  for (const kind of ['sqlite', 'pg'] as const) {
    it(`${kind}: every failure is typed, re-sent commands apply exactly once, every timer fires once, nothing stays claimed`, async (ctx) => {
      if (kind === 'pg' && PG_URL === undefined) ctx.skip(NO_PG_REASON);
      const r = await runFaults({ kind, commands: 300, cases: 3, timers: 150, seed: 5, leaseMs: 300 });
      console.info(`[reliability] faults ${kind}: ${JSON.stringify({ ...r, problems: r.problems.slice(0, 5) })}`);
      expect(r.problems).toEqual([]);
      expect(r.untyped).toBe(0);
      expect(r.injected.failed + r.injected.unknown + r.injected.timeouts).toBeGreaterThan(0);
      expect(r.lost).toBe(0);
      expect(r.duplicates).toBe(0);
      expect(r.timersFired).toBe(r.timers);
      expect(r.timerDuplicates).toBe(0);
      expect(r.leftClaimed).toBe(0);
    }, 120_000);
  }
});
