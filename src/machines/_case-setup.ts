/**
 * The ONE `setup()` base every tier machine is created from: the types, the named guards (the
 * process rules) and the named actions (how each command changes the case's data). Actions only
 * `assign`; nothing here performs I/O, reads a clock or schedules a timer, so the machines can run
 * through xstate's pure `transition()`.
 */
import { assign, setup } from 'xstate';
import type { CaseContext, CaseEvent, CaseInput, ComplexPhase } from './case-context.js';
import type { CommandType } from './commands.js';
import {
  REVIEW_ASPECTS, SUPERVISION_RANK, activeAssignments, activeFor, cooperatingOf, countersignOutcome, countersigners,
  isActive, isDissatisfied, leadOf, newAssignment, patchAssignments,
} from './_case-logic.js';

type EventOf<T extends CommandType> = Extract<CaseEvent, { type: T }>;
type Args = { context: CaseContext; event: CaseEvent };

/** Narrows the event and computes a context patch; wrapped in `assign` by the base below. */
function step<T extends CommandType>(
  types: T | readonly T[],
  fn: (ctx: CaseContext, event: EventOf<T>) => Partial<CaseContext>,
): (args: Args) => Partial<CaseContext> {
  const list = (Array.isArray(types) ? types : [types]) as readonly string[];
  return ({ context, event }) => {
    // A wiring mistake in a machine config, never a caller error: the engine only sends an event
    // to a transition that names it.
    if (!list.includes(event.type)) throw new TypeError(`action for ${list.join('|')} received ${event.type}`);
    return fn(context, event as unknown as EventOf<T>);
  };
}

/** A guard that only ever looks at one kind of event and is false for every other kind. */
function rule<T extends CommandType>(
  types: T | readonly T[],
  fn: (ctx: CaseContext, event: EventOf<T>) => boolean,
): (args: Args) => boolean {
  const list = (Array.isArray(types) ? types : [types]) as readonly string[];
  return ({ context, event }) => list.includes(event.type) && fn(context, event as unknown as EventOf<T>);
}

const dispatchIsValid = (ctx: CaseContext, e: EventOf<'dispatch' | 'acceptAndDispatch'>): boolean => {
  // The engine routes a dispatch without a lead before it gets here; a bare one is never valid.
  if (e.lead === undefined) return false;
  const units = [e.lead.unitId, ...e.cooperating.map((c) => c.unitId)];
  return new Set(units).size === units.length && activeAssignments(ctx).length === 0;
};

const beforeDeadline = (ctx: CaseContext, at: string, deadline: string | null): boolean => {
  const due = deadline ?? ctx.dueAt;
  return due === null || Date.parse(at) < Date.parse(due);
};

const otherReviewsPassed = (ctx: CaseContext, aspect: string): boolean =>
  REVIEW_ASPECTS.every((a) => a === aspect || ctx.plan?.reviews[a]?.passed === true);

/** The context after recording a countersign, used by the guards to look one step ahead. */
const withCountersign = (ctx: CaseContext, e: EventOf<'countersign'>): CaseContext =>
  ctx.plan === null ? ctx : { ...ctx, plan: { ...ctx.plan, countersigns: { ...ctx.plan.countersigns, [e.unitId]: e.decision } } };

const redoPatch = (ctx: CaseContext, at: string): Partial<CaseContext> => ({
  assignments: patchAssignments(ctx, (a) => a.role === 'lead' && isActive(a), () => ({ state: 'working' })),
  counters: { ...ctx.counters, redo: ctx.counters.redo + 1 },
  reply: null,
  evaluation: null,
  closure: null,
  lastProgressAt: ctx.lastProgressAt ?? at,
});

export const caseSetup = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as CaseInput,
  },
  guards: {
    dispatchIsValid: rule(['dispatch', 'acceptAndDispatch'], dispatchIsValid),
    isLeadSign: rule('sign', (ctx, e) => {
      const a = activeFor(ctx, e.unitId);
      return a?.role === 'lead' && a.state === 'pendingSign';
    }),
    isCooperatingSign: rule('sign', (ctx, e) => cooperatingOf(ctx, e.unitId)?.state === 'pendingSign'),
    leadMayReturn: rule('requestReturn', (ctx) => {
      const lead = leadOf(ctx);
      return lead !== undefined && (lead.state === 'pendingSign' || lead.state === 'working');
    }),
    returnMayBeForced: rule('rejectReturn', (ctx, e) => {
      const lead = leadOf(ctx);
      return lead !== undefined && (lead.ownerId !== null || e.primaryOwnerId !== undefined);
    }),
    newLeadIsFree: rule('redispatch', (ctx, e) => leadOf(ctx) !== undefined && activeFor(ctx, e.lead.unitId) === undefined),
    transferTargetIsFree: rule('transfer', (ctx, e) => leadOf(ctx)?.state === 'working' && activeFor(ctx, e.toUnitId) === undefined),
    unitIsFree: rule('addUnit', (ctx, e) => leadOf(ctx) !== undefined && activeFor(ctx, e.unitId) === undefined),
    mayGiveOpinion: rule('submitOpinion', (ctx, e) => cooperatingOf(ctx, e.unitId)?.state === 'working'),
    mayDeemConsent: rule('deemConsent', (ctx, e) => {
      const s = cooperatingOf(ctx, e.unitId)?.state;
      return s === 'pendingSign' || s === 'working';
    }),
    /** 回复: the lead is working and every active cooperating unit has given (or been deemed to give) its opinion. */
    mayReply: rule('reply', (ctx) =>
      leadOf(ctx)?.state === 'working' &&
      activeAssignments(ctx).every((a) => a.role === 'lead' || a.state === 'submitted' || a.state === 'done')),
    firstFeedbackPending: rule('reportFirstFeedback', (ctx) => ctx.firstFeedbackAt === null),
    /** 延期 must be asked for before the deadline, and one request at a time. */
    mayRequestExtension: rule('requestExtension', (ctx, e) =>
      ctx.extension.status !== 'requested' && beforeDeadline(ctx, e.meta.at, e.meta.deadline)),
    extensionRequested: ({ context }) => context.extension.status === 'requested',
    maySuspend: ({ context }) => context.suspension.status !== 'requested' && context.suspension.status !== 'active',
    suspensionRequested: ({ context }) => context.suspension.status === 'requested',
    /** 督办 only goes up. */
    supervisionIsHigher: rule('raiseSupervision', (ctx, e) => SUPERVISION_RANK[e.level] > SUPERVISION_RANK[ctx.supervision.level]),
    isSupervised: ({ context }) => context.supervision.level !== 'none',
    isUrgent: ({ context }) => context.urgent,
    isNotUrgent: ({ context }) => !context.urgent,
    mayEvaluate: ({ context }) => context.evaluation === null || context.evaluation.result === 'unreachable',
    /** 结案 needs an evaluation (or a recorded "unreachable") that is not a dissatisfied one. */
    mayConclude: ({ context }) => context.evaluation !== null && !isDissatisfied(context.evaluation.result),
    dissatisfiedWithUnit: ({ context }) => isDissatisfied(context.evaluation?.result) && leadOf(context) !== undefined,
    dissatisfiedWithDirectAnswer: ({ context }) => isDissatisfied(context.evaluation?.result) && leadOf(context) === undefined,
    appealUpheld: rule('decideAppeal', (_ctx, e) => e.upheld),
    /** 改变办理类别 to the tier the case already has changes nothing, so it is refused. */
    tierDiffers: rule('changeTier', (ctx, e) => e.tier !== ctx.tier),
    inPhase: ({ context }, params: { phase: ComplexPhase }) => context.phase === params.phase,
    reviewIsOpen: rule('review', (ctx, e) => ctx.plan !== null && ctx.plan.reviews[e.aspect] === undefined),
    reviewFails: rule('review', (ctx, e) => ctx.plan !== null && ctx.plan.reviews[e.aspect] === undefined && !e.passed),
    reviewCompletes: rule('review', (ctx, e) =>
      ctx.plan !== null && ctx.plan.reviews[e.aspect] === undefined && e.passed && otherReviewsPassed(ctx, e.aspect)),
    mayCountersign: rule('countersign', (ctx, e) =>
      ctx.plan !== null && ctx.plan.countersigns[e.unitId] === undefined && countersigners(ctx).includes(e.unitId)),
    countersignApproves: rule('countersign', (ctx, e) => countersignOutcome(withCountersign(ctx, e)) === 'approved'),
    countersignRejects: rule('countersign', (ctx, e) => countersignOutcome(withCountersign(ctx, e)) === 'rejected'),
  },
  actions: {
    recordDecline: assign(step('decline', (_ctx, e) => ({
      closure: { kind: 'declined', reason: e.reason, at: e.meta.at, by: e.meta.actorId },
    }))),
    /** 直办: whoever answered at intake is the primary owner, so every case has one. */
    recordDirectAnswer: assign(step('answerDirectly', (_ctx, e) => ({
      directAnswer: e.answer,
      primaryOwnerId: e.meta.actorId,
      firstFeedbackAt: e.meta.at,
    }))),
    recordDispatch: assign(step(['dispatch', 'acceptAndDispatch'], (ctx, e) => {
      const lead = newAssignment(ctx, 0, { unitId: e.lead!.unitId, role: 'lead', duty: e.lead!.duty, replaces: null, createdAt: e.meta.at });
      const coops = e.cooperating.map((c, i) =>
        newAssignment(ctx, i + 1, { unitId: c.unitId, role: 'cooperating', duty: c.duty, replaces: null, createdAt: e.meta.at }));
      return { assignments: [...ctx.assignments, lead, ...coops], leadUnitId: lead.unitId, primaryOwnerId: null };
    })),
    signAssignment: assign(step('sign', (ctx, e) => {
      const target = activeFor(ctx, e.unitId);
      const assignments = patchAssignments(ctx, (a) => a === target, () => ({ state: 'working', ownerId: e.ownerId, signedAt: e.meta.at }));
      return target?.role === 'lead' ? { assignments, primaryOwnerId: e.ownerId } : { assignments };
    })),
    recordReturnRequest: assign(step('requestReturn', (ctx, e) => {
      const lead = leadOf(ctx);
      return {
        assignments: patchAssignments(ctx, (a) => a === lead, () => ({ state: 'returnRequested' })),
        returnRequest: { unitId: lead?.unitId ?? '', reason: e.reason, explanation: e.explanation, requestedBy: e.meta.actorId, at: e.meta.at },
        counters: { ...ctx.counters, return: ctx.counters.return + 1 },
      };
    })),
    /** An approved 退单 takes the case back whole: every active assignment is withdrawn. */
    withdrawAssignments: assign(({ context }) => ({
      assignments: patchAssignments(context, isActive, () => ({ state: 'withdrawn' })),
      leadUnitId: null,
      primaryOwnerId: null,
      returnRequest: null,
      phase: context.tier === 'complex' ? 'planning' : null,
    })),
    /** 强派: the unit stays responsible; if it had not signed, the centre names the owner. */
    forceAssignment: assign(step('rejectReturn', (ctx, e) => {
      const lead = leadOf(ctx);
      const ownerId = lead?.ownerId ?? e.primaryOwnerId ?? null;
      return {
        assignments: patchAssignments(ctx, (a) => a === lead, (a) => ({ state: 'working', ownerId, signedAt: a.signedAt ?? e.meta.at })),
        primaryOwnerId: ownerId,
        returnRequest: null,
      };
    })),
    /** 改派 / 转派: the old lead assignment is closed and a new one points back to it. */
    replaceLead: assign(step(['redispatch', 'transfer'], (ctx, e) => {
      const old = leadOf(ctx);
      const unitId = e.type === 'redispatch' ? e.lead.unitId : e.toUnitId;
      const duty = e.type === 'redispatch' ? e.lead.duty : e.duty;
      const next = newAssignment(ctx, 0, { unitId, role: 'lead', duty, replaces: old?.id ?? null, createdAt: e.meta.at });
      return {
        assignments: [...patchAssignments(ctx, (a) => a === old, () => ({ state: 'replaced' })), next],
        leadUnitId: unitId,
        primaryOwnerId: null,
        returnRequest: null,
        counters: { ...ctx.counters, transfer: ctx.counters.transfer + 1 },
      };
    })),
    addCooperatingUnit: assign(step('addUnit', (ctx, e) => ({
      assignments: [...ctx.assignments, newAssignment(ctx, 0, { unitId: e.unitId, role: 'cooperating', duty: e.duty, replaces: null, createdAt: e.meta.at })],
    }))),
    recordOpinion: assign(step(['submitOpinion', 'deemConsent'], (ctx, e) => {
      const opinion = e.type === 'submitOpinion'
        ? { text: e.opinion, consent: e.consent, deemed: false, at: e.meta.at }
        : { text: e.note ?? '', consent: true, deemed: true, at: e.meta.at };
      return { assignments: patchAssignments(ctx, (a) => a.unitId === e.unitId && isActive(a), () => ({ state: 'submitted', opinion })) };
    })),
    recordContact: assign(step('contactRequester', (ctx, e) => ({ firstContactAt: ctx.firstContactAt ?? e.meta.at }))),
    recordProgress: assign(step('reportProgress', (ctx, e) => ({ lastProgressAt: e.meta.at, progressReports: ctx.progressReports + 1 }))),
    recordFirstFeedback: assign(step('reportFirstFeedback', (ctx, e) => ({ firstFeedbackAt: e.meta.at, lastProgressAt: e.meta.at, progressReports: ctx.progressReports + 1 }))),
    recordExtensionRequest: assign(step('requestExtension', (ctx, e) => ({
      extension: { ...ctx.extension, status: 'requested', requestedBy: e.meta.actorId, requestedAt: e.meta.at, requestedDays: e.workingDays },
    }))),
    /** An extension adds working days to the limit; it never restarts the clock. */
    grantExtension: assign(step('approveExtension', (ctx, e) => ({
      extension: {
        ...ctx.extension,
        status: 'approved',
        grantedDays: ctx.extension.grantedDays + (e.workingDays ?? ctx.extension.requestedDays),
        approvals: ctx.extension.approvals + 1,
      },
    }))),
    refuseExtension: assign(({ context }) => ({ extension: { ...context.extension, status: 'rejected' } })),
    recordSuspensionRequest: assign(step('requestSuspension', (_ctx, e) => ({
      suspension: { status: 'requested', reason: e.reason, requestedBy: e.meta.actorId, since: null },
    }))),
    startSuspension: assign(step('approveSuspension', (ctx, e) => ({ suspension: { ...ctx.suspension, status: 'active', since: e.meta.at } }))),
    refuseSuspension: assign(({ context }) => ({ suspension: { ...context.suspension, status: 'rejected' } })),
    endSuspension: assign({ suspension: { status: 'none', reason: null, requestedBy: null, since: null } }),
    recordReply: assign(step('reply', (ctx, e) => ({
      assignments: patchAssignments(ctx, (a) => a.role === 'lead' && isActive(a), () => ({ state: 'submitted' })),
      reply: {
        summary: e.summary, resolved: e.resolved, substantiated: e.substantiated ?? null, signOff: e.signOff,
        by: e.meta.actorId, at: e.meta.at,
      },
      firstFeedbackAt: ctx.firstFeedbackAt ?? e.meta.at,
    }))),
    completeAssignments: assign(({ context }) => ({
      assignments: patchAssignments(context, isActive, () => ({ state: 'done' })),
    })),
    /** 退回重办 counts as a redo: the unit's reply did not pass. */
    sendBackReply: assign(step('sendBack', (ctx) => ({
      assignments: patchAssignments(ctx, (a) => a.role === 'lead' && isActive(a), () => ({ state: 'working' })),
      counters: { ...ctx.counters, redo: ctx.counters.redo + 1 },
      reply: null,
    }))),
    recordEvaluation: assign(step('evaluate', (_ctx, e) => ({ evaluation: { result: e.result, by: e.meta.actorId, at: e.meta.at } }))),
    recordConclusion: assign(step(['conclude', 'decideAppeal'], (_ctx, e) => ({
      closure: { kind: 'concluded', reason: e.type === 'decideAppeal' ? 'appealUpheld' : null, at: e.meta.at, by: e.meta.actorId },
    }))),
    reopenForRedo: assign(step(['redo', 'decideAppeal'], (ctx, e) => ({
      ...redoPatch(ctx, e.meta.at),
      ...(e.type === 'decideAppeal' && ctx.appeal !== null ? { appeal: { ...ctx.appeal, decision: 'rejected' as const, decidedBy: e.meta.actorId } } : {}),
    }))),
    reopenForDispatch: assign(step('redo', (ctx) => ({
      counters: { ...ctx.counters, redo: ctx.counters.redo + 1 },
      evaluation: null,
      closure: null,
    }))),
    fileAppeal: assign(step('appeal', (_ctx, e) => ({
      appeal: { reason: e.reason, by: e.meta.actorId, at: e.meta.at, decision: 'pending', decidedBy: null },
    }))),
    upholdAppeal: assign(step('decideAppeal', (ctx, e) => ({
      appeal: ctx.appeal === null ? null : { ...ctx.appeal, decision: 'upheld', decidedBy: e.meta.actorId },
    }))),
    /** 撤销: open shares are withdrawn; finished ones stay done (the work happened). */
    recordCancellation: assign(step('cancel', (ctx, e) => {
      const assignments = patchAssignments(ctx, (a) => isActive(a) && a.state !== 'done', () => ({ state: 'withdrawn' }));
      const leadStays = assignments.some((a) => a.role === 'lead' && isActive(a));
      return {
        closure: { kind: 'cancelled', reason: e.reason, at: e.meta.at, by: e.meta.actorId },
        assignments,
        ...(leadStays ? {} : { leadUnitId: null, primaryOwnerId: null }),
      };
    })),
    raiseSupervision: assign(step('raiseSupervision', (ctx, e) => ({
      supervision: {
        level: e.level,
        highest: SUPERVISION_RANK[e.level] > SUPERVISION_RANK[ctx.supervision.highest] ? e.level : ctx.supervision.highest,
        by: e.meta.actorId,
        at: e.meta.at,
      },
    }))),
    cancelSupervision: assign(step('cancelSupervision', (ctx, e) => ({
      supervision: { ...ctx.supervision, level: 'none', by: e.meta.actorId, at: e.meta.at },
    }))),
    countUrge: assign(({ context }) => ({ counters: { ...context.counters, urge: context.counters.urge + 1 } })),
    markUrgent: assign({ urgent: true }),
    clearUrgent: assign({ urgent: false }),
    recordPlan: assign(step('submitPlan', (ctx, e) => ({
      plan: {
        revision: (ctx.plan?.revision ?? 0) + 1,
        solution: e.solution,
        workPlan: e.workPlan,
        deliverables: e.deliverables,
        proposedCloseDate: e.proposedCloseDate,
        feedbackCadenceDays: e.feedbackCadenceDays,
        countersignMode: e.countersignMode,
        submittedBy: e.meta.actorId,
        submittedAt: e.meta.at,
        reviews: {},
        countersigns: {},
      },
    }))),
    recordReview: assign(step('review', (ctx, e) => ({
      plan: ctx.plan === null ? null : {
        ...ctx.plan,
        reviews: { ...ctx.plan.reviews, [e.aspect]: { passed: e.passed, by: e.meta.actorId, at: e.meta.at } },
      },
    }))),
    recordCountersign: assign(step('countersign', (ctx, e) => ({ plan: withCountersign(ctx, e).plan }))),
    /**
     * 改变办理类别. The context keeps every field; only the tier and the complex phase follow: a case
     * that becomes complex will start handling in `planning`, a flat tier has no phase. The engine
     * moves the case to the new tier's machine after this transition (src/engine/change-tier.ts).
     */
    recordTierChange: assign(step('changeTier', (_ctx, e) => ({ tier: e.tier, phase: e.tier === 'complex' ? 'planning' : null }))),
    enterPhase: assign((_args, params: { phase: ComplexPhase }) => ({ phase: params.phase })),
  },
});
