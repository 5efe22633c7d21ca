import { describe, expect, it } from 'vitest';
import { ROLES, isJiaobanError, type CommandInput, type CommandType } from '../../src/index.js';
import { COOP, COOP2, LEAD, OTHER, actor, dump, harness, replyCmd } from './_helpers.js';
import { reach, type ScenarioName } from './_scenarios.js';

/** Holds every role and every unit, so only the machine can say no. */
const ROOT = actor('p-root', [...ROLES], [LEAD, COOP, COOP2, OTHER]);

const SAMPLES: Record<CommandType, CommandInput> = {
  accept: { type: 'accept' },
  decline: { type: 'decline', reason: 'other', explanation: 'x' },
  answerDirectly: { type: 'answerDirectly', answer: 'x' },
  acceptAndDispatch: { type: 'acceptAndDispatch', lead: { unitId: OTHER, duty: 'x' } },
  changeTier: { type: 'changeTier', tier: 'complex', reason: 'x' },
  dispatch: { type: 'dispatch', lead: { unitId: COOP2, duty: 'x' } },
  sign: { type: 'sign', unitId: COOP, ownerId: 'p-x' },
  requestReturn: { type: 'requestReturn', reason: 'other', explanation: 'x' },
  approveReturn: { type: 'approveReturn' },
  rejectReturn: { type: 'rejectReturn', primaryOwnerId: 'p-x' },
  redispatch: { type: 'redispatch', lead: { unitId: OTHER, duty: 'x' }, reason: 'x' },
  transfer: { type: 'transfer', toUnitId: OTHER, duty: 'x', reason: 'x' },
  addUnit: { type: 'addUnit', unitId: COOP2, duty: 'x' },
  submitOpinion: { type: 'submitOpinion', unitId: COOP, opinion: 'x', consent: true },
  deemConsent: { type: 'deemConsent', unitId: COOP },
  contactRequester: { type: 'contactRequester', method: 'phone', reached: true },
  reportProgress: { type: 'reportProgress', progress: 'x' },
  reportFirstFeedback: { type: 'reportFirstFeedback', summary: 'x' },
  requestExtension: { type: 'requestExtension', reason: 'x', workingDays: 1 },
  approveExtension: { type: 'approveExtension' },
  rejectExtension: { type: 'rejectExtension' },
  requestSuspension: { type: 'requestSuspension', reason: 'other', explanation: 'x' },
  approveSuspension: { type: 'approveSuspension' },
  rejectSuspension: { type: 'rejectSuspension' },
  resume: { type: 'resume' },
  shelve: { type: 'shelve', explanation: 'x' },
  unshelve: { type: 'unshelve' },
  reply: replyCmd,
  approveReply: { type: 'approveReply' },
  sendBack: { type: 'sendBack', reason: 'x' },
  evaluate: { type: 'evaluate', result: 'satisfied' },
  conclude: { type: 'conclude' },
  redo: { type: 'redo', reason: 'x' },
  appeal: { type: 'appeal', reason: 'x' },
  decideAppeal: { type: 'decideAppeal', upheld: true },
  archive: { type: 'archive' },
  cancel: { type: 'cancel', reason: 'withdrawn' },
  raiseSupervision: { type: 'raiseSupervision', level: 'yellow' },
  cancelSupervision: { type: 'cancelSupervision' },
  urge: { type: 'urge' },
  markUrgent: { type: 'markUrgent' },
  cancelUrgent: { type: 'cancelUrgent' },
  submitPlan: { type: 'submitPlan', solution: 'x', workPlan: 'x', deliverables: ['x'], proposedCloseDate: '2026-06-30', feedbackCadenceDays: 7 },
  review: { type: 'review', aspect: 'risk', passed: true },
  countersign: { type: 'countersign', unitId: LEAD, decision: 'agree' },
  startImplementation: { type: 'startImplementation' },
};

const OPEN: CommandType[] = ['cancel', 'raiseSupervision', 'urge', 'markUrgent'];
const HANDLING: CommandType[] = [
  ...OPEN, 'sign', 'requestReturn', 'redispatch', 'transfer', 'addUnit', 'deemConsent', 'contactRequester', 'reportProgress',
  'requestExtension', 'requestSuspension', 'shelve',
];

/** What each state accepts (with the samples above); everything else must be INVALID_TRANSITION. */
const VALID: ReadonlyArray<readonly [ScenarioName, CommandType[]]> = [
  ['pendingAcceptance', [...OPEN, 'accept', 'decline', 'answerDirectly', 'changeTier']],
  ['immediatePendingAcceptance', [...OPEN, 'accept', 'decline', 'answerDirectly', 'acceptAndDispatch', 'changeTier']],
  ['pendingDispatch', [...OPEN, 'dispatch', 'changeTier']],
  // Already complex: the sample's change to `complex` is no change, refused by its guard.
  ['complexPendingDispatch', [...OPEN, 'dispatch']],
  ['upgradedPendingDispatch', [...OPEN, 'dispatch']],
  ['upgradedPlanning', [...HANDLING, 'submitPlan']],
  ['pendingSign', [...OPEN, 'sign', 'requestReturn', 'redispatch', 'addUnit', 'deemConsent']],
  ['inProgress', HANDLING],
  ['immediateInProgress', [...HANDLING, 'reportFirstFeedback']],
  ['returnPending', [...OPEN, 'sign', 'approveReturn', 'rejectReturn', 'redispatch', 'addUnit', 'deemConsent']],
  ['extensionRequested', [...HANDLING.filter((c) => c !== 'requestExtension'), 'approveExtension', 'rejectExtension']],
  ['suspensionRequested', [...HANDLING.filter((c) => c !== 'requestSuspension'), 'approveSuspension', 'rejectSuspension']],
  ['suspended', [...OPEN, 'resume', 'shelve']],
  ['shelved', [...OPEN, 'unshelve']],
  ['pendingReview', [...OPEN, 'approveReply', 'sendBack']],
  ['pendingEvaluation', [...OPEN, 'evaluate']],
  ['dissatisfied', [...OPEN, 'redo', 'appeal']],
  ['satisfied', [...OPEN, 'conclude']],
  ['appealPending', [...OPEN, 'decideAppeal']],
  ['concluded', ['archive']],
  ['declined', ['archive']],
  ['cancelled', ['archive']],
  ['archived', []],
  ['planning', [...HANDLING, 'submitPlan']],
  ['reviewing', [...HANDLING, 'review']],
  ['countersigning', [...HANDLING, 'countersign']],
  ['approved', [...HANDLING, 'startImplementation']],
];

/**
 * A lead-unit command on a case with no lead unit (before dispatch, after closure) is refused at
 * authorization — nobody can act for a unit that does not exist — which comes before the machine.
 */
function refusedForState(error: unknown): boolean {
  return isJiaobanError(error, 'INVALID_TRANSITION') || (isJiaobanError(error, 'PERMISSION') && error.details.reason === 'notAssignedUnit');
}

describe.each(VALID)('in %s', (scenario, valid) => {
  it('accepts exactly the commands the process allows there', async () => {
    const h = harness();
    const id = await reach(h, scenario);
    const accepted: string[] = [];
    for (const command of Object.values(SAMPLES)) {
      const verdict = await h.engine.can(id, command, { actor: ROOT });
      if (verdict.allowed) accepted.push(command.type);
      else expect(refusedForState(verdict.error), command.type).toBe(true);
    }
    expect(accepted.sort()).toEqual([...valid].sort());
  });

  it('rejects every other command with INVALID_TRANSITION and leaves case, history, audit and outbox byte-for-byte unchanged', async () => {
    const h = harness();
    const id = await reach(h, scenario);
    const before = await dump(h.engine, id);
    const state = (await h.engine.get(id, { actor: ROOT })).state;
    for (const command of Object.values(SAMPLES)) {
      if (valid.includes(command.type)) continue;
      const error = await h.engine.execute(id, command, { actor: ROOT }).then(() => null, (e: unknown) => e);
      expect(refusedForState(error), command.type).toBe(true);
      if (isJiaobanError(error, 'INVALID_TRANSITION')) {
        expect(error.details.state.split('.')[0]).toBe(state);
        expect(error.details.command).toBe(command.type);
      }
    }
    expect(await dump(h.engine, id)).toBe(before);
  });
});
