import type { CommandInput, Tier } from '../../src/index.js';
import { A, COOP, LEAD, dispatchCmd, registration, replyCmd, type Harness } from './_helpers.js';

export type ActorKey = Exclude<keyof typeof A, 'foreignChief'>;
type Step = readonly [CommandInput, ActorKey];

const plan: CommandInput = {
  type: 'submitPlan', solution: '方案', workPlan: '计划', deliverables: ['报告'], proposedCloseDate: '2026-06-30', feedbackCadenceDays: 7,
};

const toPendingDispatch: Step[] = [[{ type: 'accept' }, 'intake']];
/** 升级为复杂协同类 before dispatch, then the complex tier's own life. */
const toUpgraded: Step[] = [...toPendingDispatch, [{ type: 'changeTier', tier: 'complex', reason: '涉及多个部门' }, 'dispatcher']];
const toPendingSign: Step[] = [...toPendingDispatch, [dispatchCmd([COOP]), 'dispatcher']];
const toInProgress: Step[] = [...toPendingSign, [{ type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, 'leadLiaison']];
const toInProgressSolo: Step[] = [...toPendingDispatch, [dispatchCmd([]), 'dispatcher'], [{ type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, 'leadLiaison']];
const toPendingReview: Step[] = [...toInProgressSolo, [replyCmd, 'leadHandler']];
const toPendingEvaluation: Step[] = [...toPendingReview, [{ type: 'approveReply' }, 'reviewer']];
const toDissatisfied: Step[] = [...toPendingEvaluation, [{ type: 'evaluate', result: 'dissatisfied' }, 'requester']];
const toSatisfied: Step[] = [...toPendingEvaluation, [{ type: 'evaluate', result: 'satisfied' }, 'requester']];
const toReviewing: Step[] = [...toInProgress, [plan, 'leadHandler']];
const toCountersigning: Step[] = [
  ...toReviewing,
  [{ type: 'review', aspect: 'risk', passed: true }, 'reviewer'],
  [{ type: 'review', aspect: 'cost', passed: true }, 'reviewer'],
  [{ type: 'review', aspect: 'effect', passed: true }, 'reviewer'],
];

/** Named starting points: a tier and the commands (with who issues them) that reach the state. */
export const SCENARIOS = {
  pendingAcceptance: { tier: 'general', steps: [] },
  immediatePendingAcceptance: { tier: 'immediate', steps: [] },
  pendingDispatch: { tier: 'general', steps: toPendingDispatch },
  complexPendingDispatch: { tier: 'complex', steps: toPendingDispatch },
  upgradedPendingDispatch: { tier: 'general', steps: toUpgraded },
  upgradedPlanning: {
    tier: 'general',
    steps: [...toUpgraded, [dispatchCmd([COOP]), 'dispatcher'], [{ type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, 'leadLiaison']],
  },
  pendingSign: { tier: 'general', steps: toPendingSign },
  inProgress: { tier: 'general', steps: toInProgress },
  inProgressSolo: { tier: 'general', steps: toInProgressSolo },
  immediateInProgress: { tier: 'immediate', steps: toInProgress },
  coopSigned: { tier: 'general', steps: [...toInProgress, [{ type: 'sign', unitId: COOP, ownerId: 'p-coop' }, 'coop']] },
  returnPending: { tier: 'general', steps: [...toInProgress, [{ type: 'requestReturn', reason: 'mandate', explanation: 'x' }, 'leadHandler']] },
  extensionRequested: { tier: 'general', steps: [...toInProgress, [{ type: 'requestExtension', reason: 'x', workingDays: 2 }, 'leadHandler']] },
  suspensionRequested: { tier: 'general', steps: [...toInProgress, [{ type: 'requestSuspension', reason: 'other', explanation: 'x' }, 'leadHandler']] },
  suspended: {
    tier: 'general',
    steps: [...toInProgress, [{ type: 'requestSuspension', reason: 'other', explanation: 'x' }, 'leadHandler'], [{ type: 'approveSuspension' }, 'dutyChief']],
  },
  shelved: { tier: 'general', steps: [...toInProgress, [{ type: 'shelve', explanation: 'x' }, 'dutyChief']] },
  supervised: { tier: 'general', steps: [...toInProgress, [{ type: 'raiseSupervision', level: 'normal' }, 'supervisor']] },
  urgent: { tier: 'general', steps: [...toInProgress, [{ type: 'markUrgent' }, 'dutyChief']] },
  pendingReview: { tier: 'general', steps: toPendingReview },
  pendingEvaluation: { tier: 'general', steps: toPendingEvaluation },
  dissatisfied: { tier: 'general', steps: toDissatisfied },
  satisfied: { tier: 'general', steps: toSatisfied },
  appealPending: { tier: 'general', steps: [...toDissatisfied, [{ type: 'appeal', reason: 'x' }, 'leadLeader']] },
  concluded: { tier: 'general', steps: [...toSatisfied, [{ type: 'conclude' }, 'revisit']] },
  declined: { tier: 'general', steps: [[{ type: 'decline', reason: 'other', explanation: 'x' }, 'intake']] },
  cancelled: { tier: 'general', steps: [[{ type: 'cancel', reason: 'withdrawn' }, 'dutyChief']] },
  archived: { tier: 'general', steps: [...toSatisfied, [{ type: 'conclude' }, 'revisit'], [{ type: 'archive' }, 'dutyChief']] },
  planning: { tier: 'complex', steps: toInProgress },
  reviewing: { tier: 'complex', steps: toReviewing },
  countersigning: { tier: 'complex', steps: toCountersigning },
  approved: {
    tier: 'complex',
    steps: [...toCountersigning, [{ type: 'countersign', unitId: LEAD, decision: 'agree' }, 'leadLeader'], [{ type: 'countersign', unitId: COOP, decision: 'agree' }, 'coop']],
  },
} satisfies Record<string, { tier: Tier; steps: readonly Step[] }>;

export type ScenarioName = keyof typeof SCENARIOS;

export async function reach(h: Harness, name: ScenarioName): Promise<string> {
  const s: { tier: Tier; steps: readonly Step[] } = SCENARIOS[name];
  const { case: c } = await h.engine.register(registration(s.tier), { actor: A.intake });
  for (const [command, who] of s.steps) await h.engine.execute(c.id, command, { actor: A[who] });
  return c.id;
}
