import { _admit, _then } from './_guard.js';
import { _require } from './_arguments.js';
import { definePolicy, type MaybePromise, type Ranking, type RoutingNote, type RoutingPolicy } from './routing-policy.js';

/**
 * Tries the policies in order and keeps the first that names at least one admissible unit (known, active,
 * not already returned or transferred). Later policies are not called. The notes of the skipped policies
 * stay in the ranking, so the reasons say why the catalogue was not followed.
 *
 * @example
 * const policy = firstMatch(byCatalog(catalog), byJurisdiction(areas), leastLoaded());
 * policy.decide(request, context);
 * //=> catalogue lead if admissible, else the area's unit, else the least-loaded competent unit
 */
export function firstMatch(...policies: RoutingPolicy[]): RoutingPolicy {
  _require(policies.length > 0, 'firstMatch', 'needs at least one policy');
  const name = `firstMatch(${policies.map((policy) => policy.name).join(', ')})`;
  return definePolicy({
    name,
    rank(request, context) {
      const notes: RoutingNote[] = [];
      const attempt = (index: number): MaybePromise<Ranking> => {
        const policy = policies[index];
        if (policy === undefined) return { candidates: [], notes };
        return _then(policy.rank(request, context), (ranking) => {
          const admitted = _admit(policy.name, ranking, request, context.directory);
          notes.push(...admitted.notes);
          return admitted.candidates.length > 0 ? { candidates: admitted.candidates, notes } : attempt(index + 1);
        });
      };
      return attempt(0);
    },
  });
}
