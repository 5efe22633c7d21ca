import { JiaobanError } from '../errors.js';
import type { Directory } from './create-directory.js';
import type { CooperatingUnit, RoutingDecision, RoutingRequest } from './routing-policy.js';

/**
 * A dispatcher's explicit choice of units (the engine's `dispatch` with units).
 *
 * @example
 * const dispatch: ManualDispatch = { leadUnitId: 'unit.chengguan', primaryOwnerId: 'p.wang.jun' };
 */
export interface ManualDispatch {
  leadUnitId: string;
  leadDuty?: string;
  cooperating?: readonly CooperatingUnit[];
  primaryOwnerId?: string;
}

/**
 * Options of {@link validateManualDispatch}.
 *
 * @example
 * const options: ValidateManualDispatchOptions = { request, actorId: 'p.duty.chief' };
 */
export interface ValidateManualDispatchOptions {
  /** The case, to say in the reasons that a unit which returned it is being force-dispatched (强派). */
  request?: RoutingRequest;
  /** Who dispatched, for the reasons. */
  actorId?: string;
}

/**
 * Checks a manual dispatch against the directory and turns it into a {@link RoutingDecision} (policy
 * `manual`), so that automatic and manual decisions reach the audit trail in one shape. Unlike automatic
 * routing it accepts a unit that already returned the case: that is exactly the duty chief's forced dispatch.
 * Throws `JiaobanError('ROUTING')` with reason `unknownUnit` (ids not in the directory), `inactiveUnit`, or
 * `invalidDispatch` (duplicate cooperating unit, lead also cooperating, empty duty, primary owner unknown
 * or not a member of the lead unit).
 *
 * @example
 * validateManualDispatch({ leadUnitId: 'unit.chengguan', cooperating: [{ unitId: 'unit.gongdian', duty: '线路抢修' }] }, directory, { actorId: 'p.dispatcher' });
 * //=> { leadUnitId: 'unit.chengguan', policy: 'manual', reasons: ['人工派单: 主办 城管局 (派单员 p.dispatcher)', '协办: 供电公司 — 线路抢修'], score: 1, … }
 */
export function validateManualDispatch(
  dispatch: ManualDispatch,
  directory: Directory,
  options: ValidateManualDispatchOptions = {},
): RoutingDecision {
  const cooperating = dispatch.cooperating ?? [];
  const caseId = options.request?.caseId;
  const base = caseId === undefined ? {} : { caseId };
  const allIds = [dispatch.leadUnitId, ...cooperating.map((entry) => entry.unitId)];

  const unknown = allIds.filter((unitId) => directory.unit(unitId) === undefined);
  if (unknown.length > 0) {
    throw new JiaobanError('ROUTING', `manual dispatch names units that are not in the directory: ${unknown.join(', ')}`, {
      reason: 'unknownUnit',
      unitIds: unknown,
      ...base,
    });
  }
  const inactive = allIds.filter((unitId) => directory.unit(unitId)?.active === false);
  if (inactive.length > 0) {
    throw new JiaobanError('ROUTING', `manual dispatch names inactive units: ${inactive.join(', ')}`, {
      reason: 'inactiveUnit',
      unitIds: inactive,
      ...base,
    });
  }
  const invalid = (problem: string, unitIds: string[]): never => {
    throw new JiaobanError('ROUTING', `invalid manual dispatch: ${problem}`, { reason: 'invalidDispatch', unitIds, problem, ...base });
  };
  cooperating.forEach((entry, index) => {
    if (entry.unitId === dispatch.leadUnitId) invalid(`${entry.unitId} is the lead unit and cannot also cooperate`, [entry.unitId]);
    if (cooperating.findIndex((other) => other.unitId === entry.unitId) < index) invalid(`${entry.unitId} is listed twice`, [entry.unitId]);
    if (entry.duty.trim() === '') invalid(`cooperating unit ${entry.unitId} has no duty`, [entry.unitId]);
  });
  const owner = dispatch.primaryOwnerId;
  if (owner !== undefined && (directory.person(owner) === undefined || !directory.isMember(owner, dispatch.leadUnitId))) {
    invalid(`primary owner ${owner} is not a member of the lead unit ${dispatch.leadUnitId}`, [dispatch.leadUnitId]);
  }

  const name = (unitId: string): string => directory.unit(unitId)?.name ?? unitId;
  const by = options.actorId === undefined ? '' : ` (派单员 ${options.actorId})`;
  const reasons = [`人工派单: 主办 ${name(dispatch.leadUnitId)}${by}`];
  for (const entry of cooperating) reasons.push(`协办: ${name(entry.unitId)} — ${entry.duty}`);
  for (const tried of options.request?.triedUnits ?? []) {
    if (allIds.includes(tried.unitId)) {
      const verb = tried.outcome === 'returned' ? '曾退单' : '曾转派';
      const why = tried.reason === undefined ? '' : ` (${tried.reason})`;
      reasons.push(`强派: ${name(tried.unitId)} ${verb}${why}, 由人工审定后仍派给该单位`);
    }
  }
  const decision: RoutingDecision = {
    leadUnitId: dispatch.leadUnitId,
    cooperating: cooperating.map((entry) => ({ unitId: entry.unitId, duty: entry.duty })),
    score: 1,
    reasons,
    policy: 'manual',
    alternatives: [],
  };
  if (dispatch.leadDuty !== undefined) decision.leadDuty = dispatch.leadDuty;
  if (owner !== undefined) decision.primaryOwnerId = owner;
  return decision;
}
