/**
 * Builds a tier machine from the shared fragments. The three tiers share every state and command
 * of the standard flow; the immediate tier adds `acceptAndDispatch` and a first-feedback step, the
 * complex tier replaces the flat `inProgress` with planning → triple review → countersign →
 * implementation. A new tier is a new call here with its own additions, not an engine change.
 */
import { and } from 'xstate';
import type { CaseContext, ComplexPhase } from './case-context.js';
import type { Tier } from './commands.js';
import { caseSetup } from './_case-setup.js';
import { COMPLEX_PHASES, initialContext } from './_case-logic.js';

/** The machine definition version. Bump it (and write a migration) whenever states or context change shape. */
export const MACHINE_VERSION = 1;

type Act = string | { type: string; params?: unknown };

/** Guard names/objects are checked against the setup base when the machine config is typed. */
const both = (a: string, b: object) => and([a, b] as never) as never;

/** The placeholder context of input-less snapshots that xstate creates internally and discards. */
const EMPTY_CONTEXT: Readonly<Partial<CaseContext>> = Object.freeze({});

const phase = (p: ComplexPhase) => ({ type: 'inPhase', params: { phase: p } }) as const;

/**
 * Transitions that (re-)enter handling. A flat tier enters `inProgress`; the complex tier re-enters
 * the phase it left (kept in context), so a suspended plan review resumes as a plan review.
 */
function toHandling(tier: Tier, guard: string | null, actions: Act[]) {
  if (tier !== 'complex') {
    return [{ target: 'inProgress', ...(guard === null ? {} : { guard }), actions }] as never[];
  }
  return COMPLEX_PHASES.map((p) => ({
    target: `inProgress.${p}`,
    guard: guard === null ? phase(p) : both(guard, phase(p)),
    actions,
  })) as never[];
}

/** Overlays (督办, 催办, 加急) and 撤销: available in every open state. */
const overlays = {
  raiseSupervision: { guard: 'supervisionIsHigher', actions: 'raiseSupervision' },
  cancelSupervision: { guard: 'isSupervised', actions: 'cancelSupervision' },
  urge: { actions: 'countUrge' },
  markUrgent: { guard: 'isNotUrgent', actions: 'markUrgent' },
  cancelUrgent: { guard: 'isUrgent', actions: 'clearUrgent' },
  cancel: { target: 'cancelled', actions: 'recordCancellation' },
} as const;

/** What cooperating units do while the lead's assignment is open: sign their own share, give opinions. */
const cooperation = {
  addUnit: { guard: 'unitIsFree', actions: 'addCooperatingUnit' },
  submitOpinion: { guard: 'mayGiveOpinion', actions: 'recordOpinion' },
  deemConsent: { guard: 'mayDeemConsent', actions: 'recordOpinion' },
} as const;

/**
 * 改变办理类别: only while the case is the centre's alone (待受理, 待派遣). There every tier's machine
 * has the same states, the same transitions but `acceptAndDispatch`, and the same context shape; no
 * unit holds an active assignment and a complex case is at `planning` (an approved 退单 resets it), so
 * the snapshot maps onto the new tier's machine without loss. After dispatch a unit holds the case
 * under its tier (its sign clock, and once signed the handling or the complex plan phases): the centre
 * takes it back first (an approved 退单 returns it to 待派遣).
 */
const reclassify = { changeTier: { guard: 'tierDiffers', actions: 'recordTierChange' } } as const;

const dispatchTo = (target: string) => ({ target, guard: 'dispatchIsValid', actions: 'recordDispatch' }) as const;

/** Builds the machine of one tier. */
export function buildTierMachine(tier: Tier) {
  const handlingOn = {
    ...overlays,
    ...cooperation,
    sign: { guard: 'isCooperatingSign', actions: 'signAssignment' },
    contactRequester: { actions: 'recordContact' },
    reportProgress: { actions: 'recordProgress' },
    ...(tier === 'immediate' ? { reportFirstFeedback: { guard: 'firstFeedbackPending', actions: 'recordFirstFeedback' } as const } : {}),
    requestExtension: { guard: 'mayRequestExtension', actions: 'recordExtensionRequest' },
    approveExtension: { guard: 'extensionRequested', actions: 'grantExtension' },
    rejectExtension: { guard: 'extensionRequested', actions: 'refuseExtension' },
    requestSuspension: { guard: 'maySuspend', actions: 'recordSuspensionRequest' },
    approveSuspension: { target: 'suspended', guard: 'suspensionRequested', actions: 'startSuspension' },
    rejectSuspension: { guard: 'suspensionRequested', actions: 'refuseSuspension' },
    shelve: { target: 'shelved' },
    requestReturn: { target: 'returnPending', guard: 'leadMayReturn', actions: 'recordReturnRequest' },
    redispatch: { target: 'pendingSign', guard: 'newLeadIsFree', actions: 'replaceLead' },
    transfer: { target: 'pendingSign', guard: 'transferTargetIsFree', actions: 'replaceLead' },
    reply: {
      target: 'pendingReview',
      guard: tier === 'complex' ? both('mayReply', phase('implementing')) : ('mayReply' as const),
      actions: 'recordReply',
    },
  } as const;

  const complexPhases = {
    initial: 'planning',
    states: {
      planning: {
        entry: { type: 'enterPhase', params: { phase: 'planning' } },
        on: { submitPlan: { target: 'reviewing', actions: 'recordPlan' } },
      },
      /** 风险评估-成本测算-效果预评: every aspect once; a fail sends the plan back. */
      reviewing: {
        entry: { type: 'enterPhase', params: { phase: 'reviewing' } },
        on: {
          review: [
            { guard: 'reviewFails', target: 'planning', actions: 'recordReview' },
            { guard: 'reviewCompletes', target: 'countersigning', actions: 'recordReview' },
            { guard: 'reviewIsOpen', actions: 'recordReview' },
          ],
        },
      },
      countersigning: {
        entry: { type: 'enterPhase', params: { phase: 'countersigning' } },
        on: {
          countersign: [
            { guard: both('mayCountersign', { type: 'countersignRejects' }), target: 'planning', actions: 'recordCountersign' },
            { guard: both('mayCountersign', { type: 'countersignApproves' }), target: 'approved', actions: 'recordCountersign' },
            { guard: 'mayCountersign', actions: 'recordCountersign' },
          ],
        },
      },
      approved: {
        entry: { type: 'enterPhase', params: { phase: 'approved' } },
        on: { startImplementation: { target: 'implementing' } },
      },
      implementing: {
        entry: { type: 'enterPhase', params: { phase: 'implementing' } },
      },
    },
  } as const;

  return caseSetup.createMachine({
    id: `jiaoban.${tier}`,
    version: String(MACHINE_VERSION),
    // xstate's pure `transition()` builds a throw-away actor for every call, which computes an
    // initial context without input; answering that with a constant (instead of throwing on the
    // missing input) keeps every transition cheap.
    context: ({ input }) => (input === undefined ? (EMPTY_CONTEXT as CaseContext) : initialContext(input)),
    initial: 'pendingAcceptance',
    states: {
      pendingAcceptance: {
        on: {
          ...overlays,
          ...reclassify,
          accept: { target: 'pendingDispatch' },
          decline: { target: 'declined', actions: 'recordDecline' },
          answerDirectly: { target: 'pendingEvaluation', actions: 'recordDirectAnswer' },
          ...(tier === 'immediate' ? { acceptAndDispatch: dispatchTo('pendingSign') } : {}),
        },
      },
      declined: { on: { archive: { target: 'archived' } } },
      pendingDispatch: { on: { ...overlays, ...reclassify, dispatch: dispatchTo('pendingSign') } },
      pendingSign: {
        on: {
          ...overlays,
          ...cooperation,
          sign: [
            ...toHandling(tier, 'isLeadSign', ['signAssignment']),
            { guard: 'isCooperatingSign', actions: 'signAssignment' },
          ],
          requestReturn: { target: 'returnPending', guard: 'leadMayReturn', actions: 'recordReturnRequest' },
          redispatch: { target: 'pendingSign', reenter: true, guard: 'newLeadIsFree', actions: 'replaceLead' },
        },
      },
      returnPending: {
        on: {
          ...overlays,
          ...cooperation,
          sign: { guard: 'isCooperatingSign', actions: 'signAssignment' },
          approveReturn: { target: 'pendingDispatch', actions: 'withdrawAssignments' },
          rejectReturn: toHandling(tier, 'returnMayBeForced', ['forceAssignment']),
          redispatch: { target: 'pendingSign', guard: 'newLeadIsFree', actions: 'replaceLead' },
        },
      },
      inProgress: tier === 'complex' ? { ...complexPhases, on: handlingOn } : { on: handlingOn },
      suspended: {
        on: {
          ...overlays,
          resume: toHandling(tier, null, ['endSuspension']),
          shelve: { target: 'shelved', actions: 'endSuspension' },
        },
      },
      /** 挂账: parked in the ledger, reviewed periodically; any open command beyond overlays waits for `unshelve`. */
      shelved: { on: { ...overlays, unshelve: toHandling(tier, null, []) } },
      pendingReview: {
        on: {
          ...overlays,
          approveReply: { target: 'pendingEvaluation', actions: 'completeAssignments' },
          sendBack: toHandling(tier, null, ['sendBackReply']),
        },
      },
      pendingEvaluation: {
        on: {
          ...overlays,
          evaluate: { guard: 'mayEvaluate', actions: 'recordEvaluation' },
          conclude: { target: 'concluded', guard: 'mayConclude', actions: 'recordConclusion' },
          redo: [
            ...toHandling(tier, 'dissatisfiedWithUnit', ['reopenForRedo']),
            { target: 'pendingDispatch', guard: 'dissatisfiedWithDirectAnswer', actions: 'reopenForDispatch' },
          ],
          appeal: { target: 'appealPending', guard: 'dissatisfiedWithUnit', actions: 'fileAppeal' },
        },
      },
      /** 申诉: the unit contests a dissatisfied rating; the centre rules. */
      appealPending: {
        on: {
          ...overlays,
          decideAppeal: [
            { target: 'concluded', guard: 'appealUpheld', actions: ['upholdAppeal', 'recordConclusion'] },
            ...toHandling(tier, null, ['reopenForRedo']),
          ],
        },
      },
      // A rebound found by a later revisit (回头看) opens a new linked case: that is the follow-up
      // module's; a concluded case only moves on to the archive.
      concluded: { on: { archive: { target: 'archived' } } },
      cancelled: { on: { archive: { target: 'archived' } } },
      /** 归档: immutable. A final state accepts no event at all. */
      archived: { type: 'final' },
    },
  });
}

/** The machine type every tier shares. */
export type TierMachine = ReturnType<typeof buildTierMachine>;
