import { JiaobanError, type RoutingErrorDetails } from '../errors.js';
import { _admit, _decide, _then } from './_guard.js';
import { _require } from './_arguments.js';
import type { MaybePromise, Ranking, RoutingContext, RoutingDecision, RoutingPolicy, RoutingRequest } from './routing-policy.js';

/**
 * Options of {@link createRouter}.
 *
 * @example
 * const options: RouterOptions = { maxAutoReturns: 3, maxAlternatives: 5 };
 */
export interface RouterOptions {
  /**
   * After this many returns (退单) a case is no longer routed automatically: the duty chief (值班长) must
   * force-dispatch it (强派) and it is flagged for supervision (督办). Default 2: one return can be an
   * honest mis-dispatch; a second one is the ping-pong the planning document counts in 32% of
   * cross-department cases.
   */
  maxAutoReturns?: number;
  /** How many runner-up units a decision lists in `alternatives`. Default 3. */
  maxAlternatives?: number;
  /** Name in decisions and errors. Default: the wrapped policy's name. */
  name?: string;
}

/**
 * A router's ranking also says whether an automatic decision is still allowed.
 *
 * @example
 * const ranking: RouterRanking = await router.rank(request, context);
 * if (ranking.manualDispatchRequired) showForcedDispatchForm(ranking.candidates);
 */
export interface RouterRanking extends Ranking {
  /** True when the anti-ping-pong limit is reached: `decide` would throw, a human must dispatch. */
  manualDispatchRequired: boolean;
  /** 首接负责制: the first unit that received the case, when one did (see `triedUnits`). */
  firstReceiverUnitId?: string;
}

/**
 * A {@link RoutingPolicy} that every decision passes through: the guard (units unknown to the directory,
 * inactive, or that already returned or transferred the case are never chosen) and the anti-ping-pong stop.
 *
 * @example
 * const router: Router = createRouter(firstMatch(byCatalog(catalog), leastLoaded()));
 * router.maxAutoReturns;
 * //=> 2
 */
export interface Router extends RoutingPolicy {
  readonly policy: RoutingPolicy;
  readonly maxAutoReturns: number;
  /** The guarded candidates, for a human dispatcher (`engine.suggest`). Never throws for ping-pong. */
  rank(request: RoutingRequest, context: RoutingContext): MaybePromise<RouterRanking>;
}

const ROUTER = Symbol.for('jiaoban.router');

/**
 * Wraps a policy so that every decision passes the guard and the anti-ping-pong stop. With
 * `returnCount >= maxAutoReturns` (or as many `returned` entries in `triedUnits`), `decide` throws
 * `JiaobanError('ROUTING')` with reason `manualDispatchRequired`, `requiredActions: ['forceDispatch',
 * 'flagSupervision']`, `escalateTo: 'dutyChief'` and, under 首接负责制, `firstReceiverUnitId` (the first unit
 * that received the case, the default target of the forced dispatch); `rank` still lists candidates.
 *
 * @example
 * const router = createRouter(firstMatch(byCatalog(catalog), byJurisdiction(areas), leastLoaded()), { maxAutoReturns: 2 });
 * try {
 *   await router.decide({ ...request, returnCount: 2 }, context);
 * } catch (error) {
 *   if (isJiaobanError(error, 'ROUTING') && error.details.reason === 'manualDispatchRequired') {
 *     error.details.requiredActions;
 *     //=> ['forceDispatch', 'flagSupervision']
 *   }
 * }
 */
export function createRouter(policy: RoutingPolicy, options: RouterOptions = {}): Router {
  const maxAutoReturns = options.maxAutoReturns ?? 2;
  const maxAlternatives = options.maxAlternatives ?? 3;
  _require(Number.isInteger(maxAutoReturns) && maxAutoReturns >= 0, 'router options', 'maxAutoReturns must be a non-negative integer');
  _require(Number.isInteger(maxAlternatives) && maxAlternatives >= 0, 'router options', 'maxAlternatives must be a non-negative integer');
  const name = options.name ?? policy.name;

  // The engine's counter is the truth, but a request whose tried list shows more returns than its counter
  // is still ping-pong: take the larger of the two.
  const returnsOf = (request: RoutingRequest): number =>
    Math.max(request.returnCount, request.triedUnits.filter((tried) => tried.outcome === 'returned').length);

  const router: Router & { [ROUTER]: true } = {
    [ROUTER]: true,
    name,
    policy,
    maxAutoReturns,
    rank(request, context) {
      return _then(policy.rank(request, context), (ranking) => {
        const result: RouterRanking = {
          ..._admit(name, ranking, request, context.directory),
          manualDispatchRequired: returnsOf(request) >= maxAutoReturns,
        };
        const first = request.triedUnits[0]?.unitId;
        if (first !== undefined) result.firstReceiverUnitId = first;
        return result;
      });
    },
    decide(request, context): MaybePromise<RoutingDecision> {
      const returns = returnsOf(request);
      if (returns >= maxAutoReturns) {
        const first = request.triedUnits[0]?.unitId;
        const details: Extract<RoutingErrorDetails, { reason: 'manualDispatchRequired' }> = {
          reason: 'manualDispatchRequired',
          caseId: request.caseId,
          returnCount: returns,
          maxAutoReturns,
          triedUnits: request.triedUnits.map((tried) => tried.unitId),
          requiredActions: ['forceDispatch', 'flagSupervision'],
          escalateTo: 'dutyChief',
        };
        if (first !== undefined) details.firstReceiverUnitId = first;
        throw new JiaobanError(
          'ROUTING',
          `case ${request.caseId} has been returned ${returns} times (limit ${maxAutoReturns}): no automatic dispatch; ` +
            'the duty chief must force-dispatch it (强派) and it should be flagged for supervision (督办)' +
            (first === undefined ? '' : `; first receiver (首接单位): ${first}`),
          details,
        );
      }
      return _decide(name, policy.rank(request, context), request, context, maxAlternatives);
    },
  };
  return router;
}

/**
 * True for a policy built by {@link createRouter}; lets a host (or the engine) wrap a bare policy exactly once.
 *
 * @example
 * const router = isRouter(policy) ? policy : createRouter(policy);
 */
export function isRouter(policy: RoutingPolicy): policy is Router {
  return (policy as Partial<Record<typeof ROUTER, unknown>>)[ROUTER] === true;
}
