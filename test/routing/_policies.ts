// Hand-made policies for the combinator and router tests.
import {
  definePolicy,
  type Ranking,
  type RoutingCandidate,
  type RoutingPolicy,
} from '../../src/routing/index.js';

export function candidate(unitId: string, score: number, extra: Partial<RoutingCandidate> = {}): RoutingCandidate {
  return { unitId, score, reasons: [`${unitId} ${score}`], cooperating: [], policy: 'fixed', ...extra };
}

/** A policy that always ranks the given candidates; counts its calls. */
export function fixed(name: string, candidates: RoutingCandidate[], notes: Ranking['notes'] = []): RoutingPolicy & { calls: number } {
  const policy = definePolicy({
    name,
    rank: () => {
      counter.calls += 1;
      return { candidates: candidates.map((c) => ({ ...c, policy: name })), notes };
    },
  });
  const counter = Object.assign(policy, { calls: 0 });
  return counter;
}

/** The same, answering asynchronously. */
export function later(name: string, candidates: RoutingCandidate[]): RoutingPolicy {
  return definePolicy({ name, rank: async () => ({ candidates: candidates.map((c) => ({ ...c, policy: name })), notes: [] }) });
}

/** A policy implemented without definePolicy and without any guard: it trusts its input blindly. */
export function unguarded(candidates: RoutingCandidate[]): RoutingPolicy {
  return {
    name: 'unguarded',
    rank: () => ({ candidates, notes: [] }),
    decide: () => {
      throw new Error('the router must not call decide');
    },
  };
}
