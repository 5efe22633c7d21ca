/**
 * A fault-injecting store wrapper (after Temporal's persistence fault injection): seeded, per call.
 * - failed write: `STORE` (outcome 'failed') before the real call — nothing applied;
 * - commit outcome unknown: the real call runs, then `STORE` (outcome 'unknown') — applied or not;
 * - timeout: a delay, then `STORE` (outcome 'unknown', reason 'timeout'), the real call run or not.
 * Reads fail with `STORE` at the failure rate. Every injected error is typed, as a real adapter's are.
 */
import { JiaobanError } from '../../src/errors.js';
import type { CaseStore } from '../../src/store/case-store.js';
import { prng, sleep } from './_harness.js';

export interface FaultOptions {
  seed: number;
  failRate: number;
  unknownRate: number;
  timeoutRate: number;
  timeoutMs: number;
}

export interface FaultCounts {
  failed: number;
  unknown: number;
  timeouts: number;
}

const WRITES = new Set([
  'commit', 'claimOutbox', 'ackOutbox', 'releaseOutbox', 'renewOutboxLease', 'claimDueTimers', 'completeTimer', 'releaseTimer', 'renewTimerLease',
]);

export function faultyStore(inner: CaseStore, o: FaultOptions): { store: CaseStore; counts: FaultCounts } {
  const rnd = prng(o.seed);
  const counts: FaultCounts = { failed: 0, unknown: 0, timeouts: 0 };
  const wrap = (name: keyof CaseStore, fn: (...args: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
    const roll = rnd();
    if (roll < o.failRate) {
      counts.failed++;
      throw new JiaobanError('STORE', `injected: ${name} failed`, { operation: name, outcome: 'failed', reason: 'injected' });
    }
    if (!WRITES.has(name)) return fn(...args);
    if (roll < o.failRate + o.unknownRate) {
      counts.unknown++;
      await fn(...args).catch(() => undefined);
      throw new JiaobanError('STORE', `injected: ${name} outcome unknown`, { operation: name, outcome: 'unknown', reason: 'injected' });
    }
    if (roll < o.failRate + o.unknownRate + o.timeoutRate) {
      counts.timeouts++;
      const applied = rnd() < 0.5;
      if (applied) await fn(...args).catch(() => undefined);
      await sleep(o.timeoutMs);
      throw new JiaobanError('STORE', `injected: ${name} timed out`, { operation: name, outcome: 'unknown', reason: 'timeout' });
    }
    return fn(...args);
  };
  const store = { ...inner } as Record<string, unknown>;
  for (const [key, value] of Object.entries(inner)) {
    if (typeof value === 'function') store[key] = wrap(key as keyof CaseStore, (value as (...a: unknown[]) => Promise<unknown>).bind(inner));
  }
  return { store: store as unknown as CaseStore, counts };
}
