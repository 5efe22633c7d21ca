import { isJiaobanError } from '../errors.js';
import { _admit, _attempt, _then } from './_guard.js';
import { definePolicy, type MaybePromise, type Ranking, type RoutingPolicy } from './routing-policy.js';

/**
 * Options of {@link fallback}.
 *
 * @example
 * const options: FallbackOptions = { catchErrors: 'all' };
 */
export interface FallbackOptions {
  /**
   * Which failures of the first policy switch to the second: `routing` (default) only `ROUTING` errors,
   * `all` any error — for a first policy that calls out (a classifier service) and may be down.
   */
  catchErrors?: 'routing' | 'all';
}

/**
 * Uses `policy`; when it names no admissible unit, or fails, uses `otherwise`. Unlike `firstMatch`, a
 * failure of the first policy is caught (and noted in the reasons) instead of aborting the decision.
 *
 * @example
 * const policy = fallback(remoteClassifierPolicy, byCatalog(catalog), { catchErrors: 'all' });
 * await policy.decide(request, context);
 * //=> the classifier's choice, or the catalogue's with the note '智能派单 失败: …'
 */
export function fallback(policy: RoutingPolicy, otherwise: RoutingPolicy, options: FallbackOptions = {}): RoutingPolicy {
  const name = `fallback(${policy.name}, ${otherwise.name})`;
  const catchAll = options.catchErrors === 'all';
  return definePolicy({
    name,
    rank(request, context) {
      const second = (earlier: Ranking): MaybePromise<Ranking> =>
        _then(otherwise.rank(request, context), (ranking) => {
          const admitted = _admit(otherwise.name, ranking, request, context.directory);
          return { candidates: admitted.candidates, notes: [...earlier.notes, ...admitted.notes] };
        });
      return _attempt(
        () => policy.rank(request, context),
        (ranking) => {
          const admitted = _admit(policy.name, ranking, request, context.directory);
          return admitted.candidates.length > 0 ? admitted : second(admitted);
        },
        (error: unknown) => {
          if (!catchAll && !isJiaobanError(error, 'ROUTING')) throw error;
          const message = error instanceof Error ? error.message : String(error);
          return second({ candidates: [], notes: [{ policy: policy.name, code: 'policyFailed', message: `${policy.name} 失败: ${message}` }] });
        },
      );
    },
  });
}
