import { _all, _round, _then } from './_guard.js';
import { _require } from './_arguments.js';
import {
  definePolicy,
  type CooperatingUnit,
  type Ranking,
  type RoutingCandidate,
  type RoutingNote,
  type RoutingPolicy,
} from './routing-policy.js';
import type { CatalogTerms } from './load-catalog.js';

/**
 * A policy and its weight in {@link weighted}; a bare policy weighs 1.
 *
 * @example
 * const entry: WeightedEntry = { policy: byPerformance(), weight: 0.5 };
 */
export type WeightedEntry = RoutingPolicy | { policy: RoutingPolicy; weight: number };

interface _Merged {
  unitId: string;
  scores: number[];
  seen: boolean[];
  reasons: string[];
  cooperating: CooperatingUnit[];
  leadDuty?: string;
  primaryOwnerId?: string;
  terms?: CatalogTerms;
}

/**
 * Blends policies: every unit any of them names scores Σ weightᵢ·scoreᵢ / Σ weightᵢ, where a policy that did
 * not name the unit contributes 0. Reasons are the inner policies' reasons plus one line with the sum.
 * Cooperating units, lead duty, primary owner and catalogue terms come from the first policy (in the given order) that
 * supplies them. All inner policies are asked, in parallel when they are asynchronous.
 *
 * @example
 * const policy = weighted([{ policy: byPerformance(), weight: 0.5 }, { policy: bySkills(), weight: 0.2 }, { policy: leastLoaded(), weight: 0.3 }]);
 * policy.decide(request, context);
 * //=> { reasons: ['历史表现 …', '负载: …', '加权: byPerformance 0.91×0.5 + bySkills 0×0.2 + leastLoaded 0.8×0.3 = 0.695'], … }
 */
export function weighted(entries: readonly WeightedEntry[]): RoutingPolicy {
  const parts = entries.map((entry) => ('policy' in entry ? entry : { policy: entry, weight: 1 }));
  _require(parts.length > 0, 'weighted', 'needs at least one policy');
  _require(
    parts.every((part) => Number.isFinite(part.weight) && part.weight >= 0) && parts.some((part) => part.weight > 0),
    'weighted',
    'weights must be finite, non-negative, and not all zero',
  );
  const total = parts.reduce((sum, part) => sum + part.weight, 0);
  const name = `weighted(${parts.map((part) => `${part.policy.name}×${part.weight}`).join(', ')})`;
  return definePolicy({
    name,
    rank(request, context) {
      return _then(_all(parts.map((part) => part.policy.rank(request, context))), (rankings: Ranking[]) => {
        const merged = new Map<string, _Merged>();
        const notes: RoutingNote[] = [];
        rankings.forEach((ranking, index) => {
          notes.push(...ranking.notes);
          for (const candidate of ranking.candidates) {
            let entry = merged.get(candidate.unitId);
            if (entry === undefined) {
              entry = { unitId: candidate.unitId, scores: parts.map(() => 0), seen: parts.map(() => false), reasons: [], cooperating: [] };
              merged.set(candidate.unitId, entry);
            }
            // A policy that lists a unit twice (catalogue lead and alternate) counts with its best score.
            if (entry.seen[index] === true && candidate.score <= (entry.scores[index] ?? 0)) continue;
            entry.seen[index] = true;
            entry.scores[index] = candidate.score;
            entry.reasons.push(...candidate.reasons);
            if (entry.cooperating.length === 0) entry.cooperating = candidate.cooperating;
            if (entry.leadDuty === undefined && candidate.leadDuty !== undefined) entry.leadDuty = candidate.leadDuty;
            if (entry.primaryOwnerId === undefined && candidate.primaryOwnerId !== undefined) entry.primaryOwnerId = candidate.primaryOwnerId;
            if (entry.terms === undefined && candidate.terms !== undefined) entry.terms = candidate.terms;
          }
        });
        const candidates: RoutingCandidate[] = [];
        for (const entry of merged.values()) {
          let sum = 0;
          const terms = parts.map((part, index) => {
            const score = entry.scores[index] ?? 0;
            sum += part.weight * score;
            return `${part.policy.name} ${_round(score)}×${part.weight}`;
          });
          const score = _round(sum / total);
          const candidate: RoutingCandidate = {
            unitId: entry.unitId,
            score,
            reasons: [...entry.reasons, `加权: ${terms.join(' + ')} = ${score}`],
            cooperating: entry.cooperating,
            policy: name,
          };
          if (entry.leadDuty !== undefined) candidate.leadDuty = entry.leadDuty;
          if (entry.primaryOwnerId !== undefined) candidate.primaryOwnerId = entry.primaryOwnerId;
          if (entry.terms !== undefined) candidate.terms = entry.terms;
          candidates.push(candidate);
        }
        return { candidates, notes };
      });
    },
  });
}
