import type { CatalogTerms } from './load-catalog.js';
import type { Directory } from './create-directory.js';
import type { StatisticsSource } from './create-statistics-source.js';
import { _admit, _decide, _then } from './_guard.js';

/**
 * A value or a promise of it: policies may be synchronous (the fast path) or asynchronous.
 *
 * @example
 * const decision: MaybePromise<RoutingDecision> = policy.decide(request, context);
 * const settled = await decision; // works for both
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The three tiers (三级分类): 即时响应类, 一般办理类, 复杂协同类.
 *
 * @example
 * const tier: Tier = 'complex';
 */
export type Tier = 'immediate' | 'general' | 'complex';

/**
 * Every tier, in the order the library lists them.
 *
 * @example
 * TIERS.includes('general');
 * //=> true
 */
export const TIERS: readonly Tier[] = ['immediate', 'general', 'complex'];

/**
 * A unit that already had this case and gave it back. `returned` is 退单 (approved or pending), `transferred`
 * is 转派/转办. Both are excluded from automatic routing: sending a case back to a unit that just let go of it
 * is exactly the ping-pong (踢皮球) the catalogue exists to stop. A human can still force-dispatch (强派).
 *
 * @example
 * const tried: TriedUnit = { unitId: 'unit.chengguan', outcome: 'returned', reason: '权属不清' };
 */
export interface TriedUnit {
  unitId: string;
  outcome: 'returned' | 'transferred';
  /** Free text or a code such as 属地不符 / 权属不清 / 职能交叉; shown to the dispatcher, never parsed. */
  reason?: string;
}

/**
 * Where the matter is, as the finest area id the host knows (grid, community, street, district).
 *
 * @example
 * const location: CaseLocation = { areaId: 'taishan/caiyuan/shengping' };
 */
export interface CaseLocation {
  areaId: string;
}

/**
 * What routing needs to know about one case. The engine fills it from the case at `dispatch`; nothing in
 * it is personal data except possibly `text`, which only `bySkills` keyword matching reads and which never
 * appears in reasons or errors.
 *
 * @example
 * const request: RoutingRequest = {
 *   caseId: 'c-20260105-0001',
 *   tenantId: 'city',
 *   tier: 'general',
 *   category: 'urban/streetlight',
 *   location: { areaId: 'taishan/caiyuan' },
 *   tags: ['路灯'],
 *   triedUnits: [],
 *   returnCount: 0,
 * };
 */
export interface RoutingRequest {
  caseId: string;
  tenantId: string;
  tier: Tier;
  /** A catalogue key: `top` or `top/sub` (for example `urban/streetlight`). */
  category: string;
  location?: CaseLocation;
  tags: readonly string[];
  text?: string;
  /** Units that already returned or transferred this case, oldest first. */
  triedUnits: readonly TriedUnit[];
  /** How many times the case has been returned (退单) so far; drives the anti-ping-pong stop. */
  returnCount: number;
}

/**
 * The host's world at decision time, all read-only. One context per tenant: the directory and the
 * statistics belong to the tenant of the request. `now` is injected so that policies stay pure.
 *
 * @example
 * const context: RoutingContext = {
 *   directory: createDirectory(orgJson),
 *   statistics: createStatisticsSource([]),
 *   now: new Date('2026-01-05T09:00:00+08:00'),
 * };
 */
export interface RoutingContext {
  directory: Directory;
  statistics: StatisticsSource;
  now: Date;
}

/**
 * A cooperating unit (协办单位) and its written duty in the responsibility list (责任清单).
 *
 * @example
 * const cooperating: CooperatingUnit = { unitId: 'unit.gongdian', duty: '排查并抢修供电线路故障' };
 */
export interface CooperatingUnit {
  unitId: string;
  duty: string;
}

/**
 * One unit a policy would make the lead, with a score in [0, 1] and the reasons for it.
 *
 * @example
 * const candidate: RoutingCandidate = {
 *   unitId: 'unit.chengguan',
 *   score: 1,
 *   reasons: ['派单目录: 城市管理/路灯 → 城管局'],
 *   cooperating: [{ unitId: 'unit.gongdian', duty: '线路故障抢修' }],
 *   policy: 'byCatalog(city-12345)',
 * };
 */
export interface RoutingCandidate {
  unitId: string;
  score: number;
  reasons: string[];
  cooperating: CooperatingUnit[];
  /** The lead's written duty (主办职责), when the policy knows one (the catalogue does). */
  leadDuty?: string;
  /** A person in this unit the policy can name as primary owner (第一责任人). */
  primaryOwnerId?: string;
  /** The policy that named the unit (for a combinator: the inner policy). */
  policy: string;
  /** Tier and time limits from the dispatch catalogue, when the catalogue had a say. */
  terms?: CatalogTerms;
}

/**
 * Why a policy named nobody, or why a candidate was dropped. Machine code plus a message in Chinese.
 *
 * @example
 * if (note.code === 'excludedReturned') highlight(note.unitId);
 */
export type RoutingNoteCode =
  | 'unknownCategory'
  | 'catalogAncestor'
  | 'noLocation'
  | 'unknownArea'
  | 'noArea'
  | 'noTags'
  | 'emptyPool'
  | 'excludedReturned'
  | 'excludedTransferred'
  | 'unknownUnit'
  | 'inactiveUnit'
  | 'ownerDropped'
  | 'policyFailed';

/**
 * An explanation attached to a ranking.
 *
 * @example
 * const note: RoutingNote = { policy: 'byCatalog(city-12345)', code: 'unknownCategory', message: '派单目录中没有类别 pets/noise' };
 */
export interface RoutingNote {
  policy: string;
  code: RoutingNoteCode;
  message: string;
  unitId?: string;
}

/**
 * A policy's answer to `rank`: the candidates, best first, and notes on what it could not use.
 *
 * @example
 * const ranking: Ranking = { candidates: [], notes: [{ policy: 'bySkills', code: 'noTags', message: '案件没有标签' }] };
 */
export interface Ranking {
  candidates: RoutingCandidate[];
  notes: RoutingNote[];
}

/**
 * The outcome of routing: exactly one lead unit (主办单位), its cooperating units with duties, a primary
 * owner when the policy can name one, and the reasons, which the engine writes to the audit trail.
 *
 * @example
 * const decision: RoutingDecision = {
 *   leadUnitId: 'unit.chengguan',
 *   cooperating: [],
 *   score: 1,
 *   reasons: ['派单目录: 城市管理/路灯 → 城管局'],
 *   policy: 'byCatalog(city-12345)',
 *   alternatives: ['unit.street.caiyuan'],
 * };
 */
export interface RoutingDecision {
  leadUnitId: string;
  /** The lead's written duty (主办职责) when a policy supplied one; the engine's dispatch needs one. */
  leadDuty?: string;
  cooperating: CooperatingUnit[];
  primaryOwnerId?: string;
  score: number;
  reasons: string[];
  /** The name of the policy that decided (`manual` for a validated manual dispatch). */
  policy: string;
  terms?: CatalogTerms;
  /** The next best admissible units, best first (at most three): what 改派 would try next. */
  alternatives: string[];
}

/**
 * A routing policy. `rank` lists admissible candidates, best first, with reasons (the engine's `suggest`
 * shows them to a human dispatcher); `decide` picks the best admissible one or throws `JiaobanError('ROUTING', …)`. Both may be
 * synchronous or return a promise; both must be pure with respect to `request` and `context`.
 * Build your own with {@link definePolicy}; wrap the final policy in `createRouter` so that the guard and
 * the anti-ping-pong stop apply to every decision.
 *
 * @example
 * const policy: RoutingPolicy = firstMatch(byCatalog(catalog), leastLoaded());
 * const decision = await policy.decide(request, context);
 * //=> { leadUnitId: 'unit.chengguan', reasons: ['派单目录: 城市管理/路灯 → 城管局'], … }
 */
export interface RoutingPolicy {
  readonly name: string;
  rank(request: RoutingRequest, context: RoutingContext): MaybePromise<Ranking>;
  decide(request: RoutingRequest, context: RoutingContext): MaybePromise<RoutingDecision>;
}

/**
 * Chooses the units a pool-based policy (`leastLoaded`, `byPerformance`) considers. It returns ids of units
 * competent for the case; the guard removes unknown, inactive and already-tried ones afterwards.
 *
 * @example
 * // Only street offices compete on street-level categories.
 * const streets: PoolFunction = (request, { directory }) =>
 *   directory.subordinates('unit.quzf.taishan').map((unit) => unit.id);
 * leastLoaded({ pool: streets });
 */
export type PoolFunction = (request: RoutingRequest, context: RoutingContext) => Iterable<string>;

/**
 * What {@link definePolicy} needs: a name and a ranking function.
 *
 * @example
 * const definition: PolicyDefinition = { name: 'nobody', rank: () => ({ candidates: [], notes: [] }) };
 */
export interface PolicyDefinition {
  name: string;
  rank(request: RoutingRequest, context: RoutingContext): MaybePromise<Ranking>;
}

/**
 * Turns a ranking function into a full {@link RoutingPolicy}. Both derived methods apply the guard: `rank`
 * sorts the candidates best first and drops units that are unknown, inactive, or already returned or
 * transferred the case (leaving a note for each); `decide` takes the best remaining candidate. Neither
 * applies the anti-ping-pong stop (that is `createRouter`'s job).
 *
 * @example
 * const duty = definePolicy({
 *   name: 'nightDuty',
 *   rank: () => ({ candidates: [{ unitId: 'unit.zhihui', score: 1, reasons: ['夜间值班 → 指挥中心'], cooperating: [], policy: 'nightDuty' }], notes: [] }),
 * });
 * duty.decide(request, context);
 * //=> { leadUnitId: 'unit.zhihui', … }
 */
export function definePolicy(definition: PolicyDefinition): RoutingPolicy {
  const { name, rank } = definition;
  return {
    name,
    rank: (request, context) => _then(rank(request, context), (ranking) => _admit(name, ranking, request, context.directory)),
    decide: (request, context) => _decide(name, rank(request, context), request, context),
  };
}
