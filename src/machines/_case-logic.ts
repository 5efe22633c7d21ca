/**
 * Pure helpers over a case context: reading assignments and building patched copies. The machine's
 * guards and actions are thin wrappers around these, so the rules are testable without xstate.
 */
import type { Assignment, AssignmentState, CaseContext, CaseInput, ComplexPhase } from './case-context.js';
import type { EvaluationResult, ReviewAspect, SupervisionLevel } from './commands.js';

const INACTIVE: ReadonlySet<AssignmentState> = new Set(['withdrawn', 'replaced']);

export const SUPERVISION_RANK: Record<SupervisionLevel, number> = { none: 0, normal: 1, yellow: 2, red: 3 };

export const REVIEW_ASPECTS: readonly ReviewAspect[] = ['risk', 'cost', 'effect'];

export const COMPLEX_PHASES: readonly ComplexPhase[] = ['planning', 'reviewing', 'countersigning', 'approved', 'implementing'];

export function isActive(a: Assignment): boolean {
  return !INACTIVE.has(a.state);
}

export function activeAssignments(ctx: CaseContext): Assignment[] {
  return ctx.assignments.filter(isActive);
}

export function leadOf(ctx: CaseContext): Assignment | undefined {
  return ctx.assignments.find((a) => a.role === 'lead' && isActive(a));
}

export function activeFor(ctx: CaseContext, unitId: string): Assignment | undefined {
  return ctx.assignments.find((a) => a.unitId === unitId && isActive(a));
}

export function cooperatingOf(ctx: CaseContext, unitId: string): Assignment | undefined {
  const a = activeFor(ctx, unitId);
  return a?.role === 'cooperating' ? a : undefined;
}

export function isDissatisfied(result: EvaluationResult | undefined): boolean {
  return result === 'dissatisfied' || result === 'veryDissatisfied';
}

/** Returns a copy of the assignments with `patch` applied to those `match` selects. */
export function patchAssignments(
  ctx: CaseContext,
  match: (a: Assignment) => boolean,
  patch: (a: Assignment) => Partial<Assignment>,
): Assignment[] {
  return ctx.assignments.map((a) => (match(a) ? Object.assign({}, a, patch(a)) : a));
}

export function newAssignment(
  ctx: CaseContext,
  offset: number,
  fields: Pick<Assignment, 'unitId' | 'role' | 'duty' | 'replaces' | 'createdAt'>,
): Assignment {
  return {
    id: `a${ctx.assignments.length + offset + 1}`,
    state: 'pendingSign',
    ownerId: null,
    signedAt: null,
    opinion: null,
    ...fields,
  };
}

/** The units that must countersign the current plan: every active assignment. */
export function countersigners(ctx: CaseContext): string[] {
  return activeAssignments(ctx).map((a) => a.unitId);
}

/**
 * Where a countersign round stands after counting the recorded decisions.
 * - `all` (会签): every signer agrees; one objection sends the plan back.
 * - `any` (或签): one agreement is enough; it fails only when every signer objected.
 * - `vote` (票签): a strict majority of agreements passes; it fails once a majority is out of reach.
 */
export function countersignOutcome(ctx: CaseContext): 'pending' | 'approved' | 'rejected' {
  const plan = ctx.plan;
  if (plan === null) return 'pending';
  const signers = countersigners(ctx);
  const n = signers.length;
  let agree = 0;
  let object = 0;
  for (const unitId of signers) {
    const d = plan.countersigns[unitId];
    if (d === 'agree') agree += 1;
    else if (d === 'object') object += 1;
  }
  switch (plan.countersignMode) {
    case 'all':
      if (object > 0) return 'rejected';
      return agree === n ? 'approved' : 'pending';
    case 'any':
      if (agree > 0) return 'approved';
      return object === n ? 'rejected' : 'pending';
    case 'vote':
      if (agree * 2 > n) return 'approved';
      return (n - object) * 2 <= n ? 'rejected' : 'pending';
  }
}

/** The context `register` produces. */
export function initialContext({ data, meta }: CaseInput): CaseContext {
  return {
    tier: data.tier,
    title: data.title,
    description: data.description,
    category: data.category,
    location: data.location ?? null,
    tags: data.tags,
    requester: data.requester,
    channel: data.channel,
    receivedAt: data.receivedAt ?? meta.at,
    registeredBy: meta.actorId,
    dueAt: data.dueAt ?? null,
    assignments: [],
    leadUnitId: null,
    primaryOwnerId: null,
    supervision: { level: 'none', highest: 'none', by: null, at: null },
    urgent: false,
    counters: { redo: 0, return: 0, transfer: 0, urge: 0 },
    extension: { status: 'none', requestedBy: null, requestedAt: null, requestedDays: 0, grantedDays: 0, approvals: 0 },
    suspension: { status: 'none', reason: null, requestedBy: null, since: null },
    returnRequest: null,
    reply: null,
    evaluation: null,
    appeal: null,
    directAnswer: null,
    firstFeedbackAt: null,
    firstContactAt: null,
    lastProgressAt: null,
    progressReports: 0,
    closure: null,
    phase: data.tier === 'complex' ? 'planning' : null,
    plan: null,
  };
}
