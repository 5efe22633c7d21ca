import { JiaobanError } from '../errors.js';
import type { WorkCalendar } from '../calendar/index.js';
import type { CaseContext } from '../machines/case-context.js';
import type { EvaluationResult } from '../machines/commands.js';
import {
  type AssignmentRecord,
  createRouter,
  createStatisticsSource,
  isRouter,
  validateManualDispatch,
  type Directory,
  type Router,
  type RouterRanking,
  type RoutingContext,
  type RoutingDecision,
  type RoutingPolicy,
  type RoutingRequest,
  type StatisticsSource,
  type TriedUnit,
} from '../routing/index.js';

/**
 * How an engine routes `dispatch` commands that name no units, and checks those that do.
 *
 * @example
 * createEngine({
 *   routing: {
 *     policy: firstMatch(byCatalog(catalog), byJurisdiction(areas), leastLoaded()),
 *     directory: () => directory,
 *   },
 * });
 */
export interface EngineRoutingOptions {
  /** Any policy; it is wrapped in a router (returned-unit guard, anti-ping-pong stop) unless it is one. */
  policy: RoutingPolicy;
  /** The tenant's org directory. */
  directory: (tenantId: string) => Directory | Promise<Directory>;
  /** The tenant's per-unit statistics; none means every unit is new. */
  statistics?: (tenantId: string) => StatisticsSource | Promise<StatisticsSource>;
  /** Returns after which automatic routing stops and the duty chief must force-dispatch (default 2). */
  maxAutoReturns?: number;
  /** The lead unit's duty when the policy gives none (default '主办：牵头办理并答复'). */
  defaultLeadDuty?: string;
}

/** A dispatch with its units decided: what the machine receives. */
export interface ResolvedDispatch {
  lead: { unitId: string; duty: string };
  cooperating: Array<{ unitId: string; duty: string }>;
  /** Who decided and why, for the audit entry. */
  routing: { mode: 'automatic' | 'manual'; policy: string; score: number | null; reasons: string[] };
}

const DEFAULT_LEAD_DUTY = '主办：牵头办理并答复';
const EMPTY_STATISTICS = createStatisticsSource([]);

/**
 * The units a case has already been through, oldest first: a withdrawn assignment was returned
 * (退单 approved), a replaced one was transferred or redispatched. The router never offers them again.
 */
export function triedUnitsOf(context: Pick<CaseContext, 'assignments'>): TriedUnit[] {
  const tried: TriedUnit[] = [];
  for (const assignment of context.assignments) {
    if (assignment.role !== 'lead') continue;
    if (assignment.state === 'withdrawn') tried.push({ unitId: assignment.unitId, outcome: 'returned' });
    else if (assignment.state === 'replaced') tried.push({ unitId: assignment.unitId, outcome: 'transferred' });
  }
  return tried;
}

/** The routing request for a case, built from its context alone (pure). */
export function routingRequestFor(caseId: string, tenantId: string, context: CaseContext): RoutingRequest {
  const triedUnits = triedUnitsOf(context);
  return {
    caseId,
    tenantId,
    tier: context.tier,
    category: context.category,
    ...(context.location === null ? {} : { location: { areaId: context.location } }),
    tags: context.tags,
    text: `${context.title}\n${context.description}`,
    triedUnits,
    // Approved returns are what the anti-ping-pong stop counts: a refused return (强派) kept the unit.
    returnCount: triedUnits.filter((t) => t.outcome === 'returned').length,
  };
}

/** A routing facade bound to one engine: decide, check and suggest. */
export interface DispatchRouting {
  /** Picks the units for a dispatch that names none; throws `ROUTING` when no unit fits. */
  decide(request: RoutingRequest, now: Date): Promise<ResolvedDispatch>;
  /** Checks an explicit dispatch against the directory; throws `ROUTING` (unknown or returned units). */
  check(request: RoutingRequest, dispatch: Omit<ResolvedDispatch, 'routing'>, actorId: string, now: Date): Promise<ResolvedDispatch>;
  /** The ranked candidates with reasons, for a human dispatcher. */
  suggest(request: RoutingRequest, now: Date): Promise<RouterRanking>;
}

/**
 * Binds routing options to the engine. Without options, explicit dispatches pass unchecked (the
 * host has no directory to check against) and a dispatch without units is a `VALIDATION` error.
 *
 * @example
 * const routing = createDispatchRouting({ policy, directory: () => directory });
 * const dispatch = await routing.decide(routingRequestFor(id, tenant, context), clock.now());
 * dispatch.lead.unitId; //=> 'unit.chengguan'
 */
export function createDispatchRouting(options: EngineRoutingOptions | undefined): DispatchRouting {
  const router: Router | undefined =
    options === undefined ? undefined : isRouter(options.policy) ? options.policy : createRouter(options.policy, { maxAutoReturns: options.maxAutoReturns ?? 2 });
  const leadDuty = options?.defaultLeadDuty ?? DEFAULT_LEAD_DUTY;

  async function contextFor(configured: EngineRoutingOptions, tenantId: string, now: Date): Promise<RoutingContext> {
    const [directory, statistics] = await Promise.all([
      configured.directory(tenantId),
      configured.statistics ? configured.statistics(tenantId) : EMPTY_STATISTICS,
    ]);
    return { directory, statistics, now };
  }

  function toDispatch(decision: RoutingDecision, mode: 'automatic' | 'manual'): ResolvedDispatch {
    return {
      lead: { unitId: decision.leadUnitId, duty: decision.leadDuty ?? leadDuty },
      cooperating: decision.cooperating.map((c) => ({ unitId: c.unitId, duty: c.duty })),
      routing: { mode, policy: decision.policy, score: decision.score, reasons: [...decision.reasons] },
    };
  }

  return {
    async decide(request, now) {
      if (router === undefined || options === undefined) {
        throw new JiaobanError('VALIDATION', 'dispatch names no lead unit and the engine has no routing policy', {
          issues: [{ path: ['lead'], message: 'required when no routing policy is configured' }],
        });
      }
      return toDispatch(await router.decide(request, await contextFor(options, request.tenantId, now)), 'automatic');
    },
    async check(request, dispatch, actorId, now) {
      if (options === undefined) {
        return { ...dispatch, routing: { mode: 'manual', policy: 'manual', score: null, reasons: ['人工派单 (no directory configured to check against)'] } };
      }
      const { directory } = await contextFor(options, request.tenantId, now);
      const decision = validateManualDispatch(
        { leadUnitId: dispatch.lead.unitId, leadDuty: dispatch.lead.duty, cooperating: dispatch.cooperating },
        directory,
        { request, actorId },
      );
      return toDispatch(decision, 'manual');
    },
    async suggest(request, now) {
      if (router === undefined || options === undefined) {
        throw new JiaobanError('VALIDATION', 'the engine has no routing policy to suggest units with', {
          issues: [{ path: ['routing'], message: 'configure createEngine({ routing }) to get suggestions' }],
        });
      }
      return router.rank(request, await contextFor(options, request.tenantId, now));
    },
  };
}

/**
 * Points on the 100-point satisfaction scale per evaluation result. The document's KPI is "≥ 90";
 * centres score 满意 as full or near-full marks and 不满意 low. Override with your centre's table.
 */
export const DEFAULT_SATISFACTION_POINTS: Readonly<Record<Exclude<EvaluationResult, 'unreachable'>, number>> = Object.freeze({
  verySatisfied: 100,
  satisfied: 90,
  basicallySatisfied: 75,
  dissatisfied: 40,
  veryDissatisfied: 0,
});

/** What `assignmentRecordsOf` needs besides the case. */
export interface AssignmentRecordOptions {
  /** Counts working days from dispatch to conclusion (the unit's calendar, or the tier's). */
  calendar: Pick<WorkCalendar, 'workingDaysBetween'>;
  /** Whether the case concluded within its deadline (from the SLA clocks); omitted when unknown. */
  onTime?: boolean;
  satisfactionPoints?: Readonly<Record<Exclude<EvaluationResult, 'unreachable'>, number>>;
}

/**
 * The routing statistics records one case contributes: one per assignment, with its outcome. The
 * engine's own history is thereby the source of `byPerformance` and `leastLoaded` (pure).
 *
 * @example
 * assignmentRecordsOf('c-1', view, { calendar: cnMainland(), onTime: true });
 * //=> [{ caseId: 'c-1', unitId: 'unit.water', role: 'lead', state: 'concluded', workingDays: 2, onTime: true, … }]
 */
export function assignmentRecordsOf(caseId: string, context: CaseContext, options: AssignmentRecordOptions): AssignmentRecord[] {
  const concluded = context.closure?.kind === 'concluded' ? context.closure : null;
  const points = options.satisfactionPoints ?? DEFAULT_SATISFACTION_POINTS;
  const result = context.evaluation?.result;
  const satisfaction = result === undefined || result === 'unreachable' ? undefined : points[result];
  return context.assignments.map((a): AssignmentRecord => {
    const base = { caseId, unitId: a.unitId, category: context.category, tier: context.tier, role: a.role };
    if (a.state === 'withdrawn') return { ...base, state: a.role === 'lead' ? 'returned' : 'withdrawn' };
    if (a.state === 'replaced') return { ...base, state: 'withdrawn' };
    if (concluded === null) return { ...base, state: context.closure === null ? 'open' : 'withdrawn' };
    return {
      ...base,
      state: 'concluded',
      workingDays: options.calendar.workingDaysBetween(a.createdAt, concluded.at),
      ...(options.onTime === undefined ? {} : { onTime: options.onTime }),
      ...(a.role === 'lead' ? { redoCount: context.counters.redo } : {}),
      ...(satisfaction === undefined ? {} : { satisfaction }),
    };
  });
}
