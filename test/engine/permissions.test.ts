import { describe, expect, it } from 'vitest';
import { DEFAULT_PERMISSIONS, isJiaobanError, type CommandInput } from '../../src/index.js';
import { A, COOP, COOP2, LEAD, actor, harness, registration, replyCmd } from './_helpers.js';
import { reach, type ActorKey, type ScenarioName } from './_scenarios.js';

const EVERYONE = Object.keys(A).filter((k) => k !== 'foreignChief') as ActorKey[];
const LEAD_DESK: ActorKey[] = ['leadLiaison', 'leadHandler', 'leadLeader'];
const LEAD_WORK: ActorKey[] = ['leadHandler', 'leadLeader'];

const plan: CommandInput = {
  type: 'submitPlan', solution: '方案', workPlan: '计划', deliverables: ['报告'], proposedCloseDate: '2026-06-30', feedbackCadenceDays: 7,
};

/** [command, where it is valid, who may issue it]. Everyone else must get PERMISSION. */
const TABLE: ReadonlyArray<readonly [CommandInput, ScenarioName, ActorKey[]]> = [
  [{ type: 'accept' }, 'pendingAcceptance', ['intake', 'dispatcher', 'dutyChief']],
  [{ type: 'decline', reason: 'petition', explanation: '信访事项' }, 'pendingAcceptance', ['intake', 'dutyChief']],
  [{ type: 'answerDirectly', answer: '答复' }, 'pendingAcceptance', ['intake']],
  [{ type: 'acceptAndDispatch', lead: { unitId: LEAD, duty: 'x' } }, 'immediatePendingAcceptance', ['intake', 'dispatcher', 'dutyChief']],
  [{ type: 'changeTier', tier: 'complex', reason: 'x' }, 'pendingDispatch', ['dispatcher', 'dutyChief']],
  [{ type: 'dispatch', lead: { unitId: LEAD, duty: 'x' } }, 'pendingDispatch', ['dispatcher', 'dutyChief']],
  [{ type: 'sign', unitId: LEAD, ownerId: 'p-x' }, 'pendingSign', LEAD_DESK],
  [{ type: 'sign', unitId: COOP, ownerId: 'p-x' }, 'pendingSign', ['coop', 'coopLeader']],
  [{ type: 'requestReturn', reason: 'jurisdiction', explanation: 'x' }, 'inProgress', LEAD_DESK],
  [{ type: 'approveReturn' }, 'returnPending', ['dutyChief', 'reviewer', 'supervisor']],
  [{ type: 'rejectReturn' }, 'returnPending', ['dutyChief', 'reviewer', 'supervisor']],
  [{ type: 'redispatch', lead: { unitId: COOP2, duty: 'x' }, reason: 'x' }, 'pendingSign', ['dispatcher', 'dutyChief']],
  [{ type: 'transfer', toUnitId: COOP2, duty: 'x', reason: 'x' }, 'inProgress', LEAD_WORK],
  [{ type: 'addUnit', unitId: COOP2, duty: 'x' }, 'inProgress', ['dispatcher', 'dutyChief', 'leadLeader']],
  [{ type: 'submitOpinion', unitId: COOP, opinion: 'x', consent: true }, 'coopSigned', ['coop', 'coopLeader']],
  [{ type: 'deemConsent', unitId: COOP }, 'inProgress', ['dispatcher', 'dutyChief', 'supervisor']],
  [{ type: 'contactRequester', method: 'phone', reached: true }, 'inProgress', LEAD_DESK],
  [{ type: 'reportProgress', progress: 'x' }, 'inProgress', LEAD_DESK],
  [{ type: 'reportFirstFeedback', summary: 'x' }, 'immediateInProgress', LEAD_DESK],
  [{ type: 'requestExtension', reason: 'x', workingDays: 2 }, 'inProgress', LEAD_WORK],
  [{ type: 'approveExtension' }, 'extensionRequested', ['dutyChief', 'supervisor']],
  [{ type: 'rejectExtension' }, 'extensionRequested', ['dutyChief', 'supervisor']],
  [{ type: 'requestSuspension', reason: 'other', explanation: 'x' }, 'inProgress', LEAD_WORK],
  [{ type: 'approveSuspension' }, 'suspensionRequested', ['dutyChief', 'supervisor']],
  [{ type: 'rejectSuspension' }, 'suspensionRequested', ['dutyChief', 'supervisor']],
  [{ type: 'resume' }, 'suspended', ['dutyChief', 'supervisor', 'leadHandler', 'leadLeader']],
  [{ type: 'shelve', explanation: 'x' }, 'inProgress', ['dutyChief', 'supervisor']],
  [{ type: 'unshelve' }, 'shelved', ['dutyChief', 'supervisor']],
  [replyCmd, 'inProgressSolo', LEAD_WORK],
  [{ type: 'approveReply' }, 'pendingReview', ['reviewer', 'dutyChief']],
  [{ type: 'sendBack', reason: 'x' }, 'pendingReview', ['reviewer', 'dutyChief']],
  [{ type: 'evaluate', result: 'satisfied' }, 'pendingEvaluation', ['requester', 'revisit']],
  [{ type: 'conclude' }, 'satisfied', ['revisit', 'reviewer', 'dutyChief']],
  [{ type: 'redo', reason: 'x' }, 'dissatisfied', ['dutyChief', 'reviewer', 'supervisor']],
  [{ type: 'appeal', reason: 'x' }, 'dissatisfied', ['leadLeader']],
  [{ type: 'decideAppeal', upheld: true }, 'appealPending', ['dutyChief', 'supervisor']],
  [{ type: 'archive' }, 'concluded', ['dutyChief', 'admin']],
  [{ type: 'cancel', reason: 'withdrawn' }, 'inProgress', ['dutyChief', 'admin', 'requester']],
  [{ type: 'raiseSupervision', level: 'yellow' }, 'inProgress', ['supervisor']],
  [{ type: 'cancelSupervision' }, 'supervised', ['supervisor']],
  [{ type: 'urge' }, 'inProgress', ['supervisor', 'dutyChief', 'dispatcher']],
  [{ type: 'markUrgent' }, 'inProgress', ['dutyChief', 'supervisor', 'dispatcher']],
  [{ type: 'cancelUrgent' }, 'urgent', ['dutyChief', 'supervisor', 'dispatcher']],
  [plan, 'planning', LEAD_WORK],
  [{ type: 'review', aspect: 'risk', passed: true }, 'reviewing', ['reviewer']],
  [{ type: 'countersign', unitId: LEAD, decision: 'agree' }, 'countersigning', ['leadLeader']],
  [{ type: 'countersign', unitId: COOP, decision: 'agree' }, 'countersigning', ['coop', 'coopLeader']],
  [{ type: 'startImplementation' }, 'approved', LEAD_WORK],
];

describe('who may issue each command (default table)', () => {
  it('covers every command type', () => {
    const covered = new Set(TABLE.map(([c]) => c.type));
    for (const op of Object.keys(DEFAULT_PERMISSIONS)) {
      if (!['register', 'read', 'readAudit', 'recordFollowUp', 'recompute'].includes(op)) expect(covered, op).toContain(op);
    }
  });

  describe.each(TABLE.map(([command, scenario, allowed]) => ({ name: `${command.type}${'unitId' in command ? ` for ${command.unitId}` : ''} in ${scenario}`, command, scenario, allowed })))(
    '$name',
    ({ command, scenario, allowed }) => {
      it.each(EVERYONE.map((who) => ({ who, may: allowed.includes(who) })))('$who: allowed=$may', async ({ who, may }) => {
        const h = harness();
        const id = await reach(h, scenario);
        const verdict = await h.engine.can(id, command, { actor: A[who] });
        if (may) expect(verdict).toEqual({ allowed: true });
        else expect(verdict.allowed === false && verdict.error.code).toBe('PERMISSION');
      });
    },
  );
});

describe('relational rules', () => {
  it('never lets an approver decide a request they filed themselves', async () => {
    const h = harness();
    const both = actor('p-both', ['handler', 'dutyChief'], [LEAD]);
    const id = await reach(h, 'inProgress');
    await h.engine.execute(id, { type: 'requestExtension', reason: 'x', workingDays: 1 }, { actor: both });
    const verdict = await h.engine.can(id, { type: 'approveExtension' }, { actor: both });
    expect(verdict.allowed === false && verdict.error.details).toMatchObject({ reason: 'ownRequest' });
  });

  it('never lets a supervisor approve for a case they requested', async () => {
    const h = harness();
    const id = await reach(h, 'extensionRequested');
    const selfRequester = actor('r-1', ['supervisor']);
    const verdict = await h.engine.can(id, { type: 'approveExtension' }, { actor: selfRequester });
    expect(verdict.allowed === false && verdict.error.details).toMatchObject({ reason: 'ownCase' });
  });

  it('lets the requester role act only on their own case', async () => {
    const h = harness();
    const id = await reach(h, 'pendingEvaluation');
    const stranger = actor('r-2', ['requester']);
    const verdict = await h.engine.can(id, { type: 'evaluate', result: 'satisfied' }, { actor: stranger });
    expect(verdict.allowed === false && verdict.error.code).toBe('PERMISSION');
  });

  it('does not let a cooperating-unit role sign for the lead unit even inside that unit', async () => {
    const h = harness();
    const id = await reach(h, 'pendingSign');
    const coopRoleInLead = actor('p-x', ['cooperatingUnit'], [LEAD]);
    const verdict = await h.engine.can(id, { type: 'sign', unitId: LEAD, ownerId: 'p-x' }, { actor: coopRoleInLead });
    expect(verdict.allowed === false && verdict.error.details).toMatchObject({ reason: 'notLeadUnit' });
  });

  it('denies an actor with no roles at all, including registration', async () => {
    const h = harness();
    const nobody = actor('p-nobody', []);
    await expect(h.engine.register(registration(), { actor: nobody })).rejects.toSatisfy((e: unknown) => isJiaobanError(e, 'PERMISSION'));
  });
});

describe('host overrides', () => {
  it('extends the table', async () => {
    const h = harness({ permissions: { table: { urge: ['handler'] } } });
    const id = await reach(h, 'inProgress');
    expect(await h.engine.can(id, { type: 'urge' }, { actor: A.leadHandler })).toEqual({ allowed: true });
    expect(await h.engine.can(id, { type: 'urge' }, { actor: A.supervisor })).toEqual({ allowed: true });
  });

  it('replaces the table: what it does not name is denied', async () => {
    const h = harness({ permissions: { mode: 'replace', table: { register: ['intake'], accept: ['admin'] } } });
    const { case: c } = await h.engine.register(registration(), { actor: A.intake });
    expect((await h.engine.can(c.id, { type: 'accept' }, { actor: A.intake })).allowed).toBe(false);
    expect(await h.engine.can(c.id, { type: 'accept' }, { actor: A.admin })).toEqual({ allowed: true });
    expect((await h.engine.can(c.id, { type: 'decline', reason: 'other', explanation: 'x' }, { actor: A.dutyChief })).allowed).toBe(false);
  });

  it('gives the decide hook the last word', async () => {
    const h = harness({
      permissions: {
        decide: (req, decision) => (req.operation === 'reply' && req.command?.type === 'reply' && req.command.signOff.level !== 'principal' && req.case?.urgent === true
          ? { allowed: false, reason: 'urgentNeedsPrincipal' }
          : decision),
      },
    });
    const id = await reach(h, 'inProgressSolo');
    await h.engine.execute(id, { type: 'markUrgent' }, { actor: A.dutyChief });
    const verdict = await h.engine.can(id, replyCmd, { actor: A.leadHandler });
    expect(verdict.allowed === false && verdict.error.details).toMatchObject({ reason: 'urgentNeedsPrincipal' });
  });
});
