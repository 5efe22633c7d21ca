import { describe, expect, it } from 'vitest';
import { isJiaobanError, type CommandInput } from '../../src/index.js';
import { A, COOP, COOP2, LEAD, OTHER, dispatchCmd, harness, registration, replyCmd, toInProgress } from './_helpers.js';

const signOther = { type: 'sign', unitId: OTHER, ownerId: 'p-other-handler' } as const;
const otherReply: CommandInput = { ...replyCmd, signOff: { leaderId: 'p-other-leader', level: 'principal' } } as CommandInput;

async function rejected(p: Promise<unknown>, code = 'INVALID_TRANSITION'): Promise<void> {
  await expect(p).rejects.toSatisfy((e: unknown) => isJiaobanError(e) && e.code === code);
}

describe('general tier: a whole life with every detour', () => {
  it('runs return, forced dispatch, transfer, extension, suspension, send-back, appeal, redo, conclusion and archive', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration('general'), { actor: A.intake });
    const id = c.id;
    expect(c.state).toBe('pendingAcceptance');
    expect(await h.run(id, { type: 'accept' }, A.intake)).toBe('pendingDispatch');
    expect(await h.run(id, dispatchCmd([COOP]), A.dispatcher)).toBe('pendingSign');
    // 退单 before signing, approved: the case goes back to dispatch whole.
    expect(await h.run(id, { type: 'requestReturn', reason: 'jurisdiction', explanation: '不属本单位辖区' }, A.leadLiaison)).toBe('returnPending');
    expect(await h.run(id, { type: 'approveReturn' }, A.dutyChief)).toBe('pendingDispatch');
    let v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.assignments.every((a) => a.state === 'withdrawn')).toBe(true);
    expect(v.leadUnitId).toBeNull();
    expect(v.counters.return).toBe(1);
    // Dispatched again, signed, a second return is refused by the centre (强派).
    expect(await h.run(id, dispatchCmd([COOP]), A.dispatcher)).toBe('pendingSign');
    expect(await h.run(id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison)).toBe('inProgress');
    expect(await h.run(id, { type: 'requestReturn', reason: 'mandate', explanation: '超出职能' }, A.leadHandler)).toBe('returnPending');
    expect(await h.run(id, { type: 'rejectReturn', note: '经审定属水务职责' }, A.reviewer)).toBe('inProgress');
    v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.primaryOwnerId).toBe('p-lead-handler');
    expect(v.counters.return).toBe(2);
    // 转派 to another unit: a new lead assignment points back to the one it replaces.
    expect(await h.run(id, { type: 'transfer', toUnitId: OTHER, duty: '路灯归交通局管养', reason: '管养单位为交通局' }, A.leadHandler)).toBe('pendingSign');
    v = await h.engine.get(id, { actor: A.dutyChief });
    const old = v.assignments.find((a) => a.unitId === LEAD && a.state === 'replaced');
    const now = v.assignments.find((a) => a.unitId === OTHER);
    expect(now?.replaces).toBe(old?.id);
    expect(v.primaryOwnerId).toBeNull();
    expect(v.counters.transfer).toBe(1);
    expect(await h.run(id, signOther, A.otherHandler)).toBe('inProgress');
    // 延期 requested and approved; 挂起 requested, approved, resumed.
    expect(await h.run(id, { type: 'requestExtension', reason: '需采购灯具', workingDays: 3 }, A.otherHandler)).toBe('inProgress');
    expect(await h.run(id, { type: 'approveExtension' }, A.dutyChief)).toBe('inProgress');
    expect(await h.run(id, { type: 'requestSuspension', reason: 'awaitingThirdParty', explanation: '等待供电局停电作业' }, A.otherHandler)).toBe('inProgress');
    expect(await h.run(id, { type: 'approveSuspension' }, A.supervisor)).toBe('suspended');
    await rejected(h.engine.execute(id, otherReply, { actor: A.otherHandler }));
    expect(await h.run(id, { type: 'resume' }, A.supervisor)).toBe('inProgress');
    v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.extension).toMatchObject({ status: 'approved', grantedDays: 3, approvals: 1 });
    expect(v.suspension.status).toBe('none');
    // The cooperating unit must give its opinion before the lead may reply.
    await rejected(h.engine.execute(id, otherReply, { actor: A.otherHandler }));
    expect(await h.run(id, { type: 'sign', unitId: COOP, ownerId: 'p-coop' }, A.coop)).toBe('inProgress');
    expect(await h.run(id, { type: 'submitOpinion', unitId: COOP, opinion: '线路图已提供', consent: true }, A.coop)).toBe('inProgress');
    expect(await h.run(id, otherReply, A.otherHandler)).toBe('pendingReview');
    // 退回重办 counts a redo.
    expect(await h.run(id, { type: 'sendBack', reason: '未附现场照片' }, A.reviewer)).toBe('inProgress');
    expect(await h.run(id, otherReply, A.otherHandler)).toBe('pendingReview');
    expect(await h.run(id, { type: 'approveReply' }, A.reviewer)).toBe('pendingEvaluation');
    // Dissatisfied: the unit appeals, the centre rejects the appeal, the case is redone.
    expect(await h.run(id, { type: 'evaluate', result: 'dissatisfied' }, A.requester)).toBe('pendingEvaluation');
    await rejected(h.engine.execute(id, { type: 'conclude' }, { actor: A.revisit }));
    expect(await h.run(id, { type: 'appeal', reason: '诉求超出路灯维修范围' }, A.otherLeader)).toBe('appealPending');
    expect(await h.run(id, { type: 'decideAppeal', upheld: false }, A.dutyChief)).toBe('inProgress');
    expect(await h.run(id, otherReply, A.otherHandler)).toBe('pendingReview');
    expect(await h.run(id, { type: 'approveReply' }, A.reviewer)).toBe('pendingEvaluation');
    expect(await h.run(id, { type: 'evaluate', result: 'satisfied' }, A.revisit)).toBe('pendingEvaluation');
    expect(await h.run(id, { type: 'conclude' }, A.revisit)).toBe('concluded');
    expect(await h.run(id, { type: 'archive' }, A.admin)).toBe('archived');
    v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.counters).toEqual({ redo: 2, return: 2, transfer: 1, urge: 0 });
    expect(v.closure?.kind).toBe('concluded');
    const history = await h.engine.history(id, { actor: A.dutyChief });
    expect(new Set(history.map((e) => e.version)).size).toBe(v.version);
    expect((await h.engine.audit(id, { actor: A.dutyChief })).length).toBe(v.version);
    await rejected(h.engine.execute(id, { type: 'urge' }, { actor: A.supervisor }));
    expect(await h.engine.verifyAudit(id, { actor: A.dutyChief })).toMatchObject({ ok: true });
  });

  it('concludes through an upheld appeal', async () => {
    const h = harness();
    const id = await toInProgress(h, 'general', []);
    await h.run(id, replyCmd, A.leadHandler);
    await h.run(id, { type: 'approveReply' }, A.reviewer);
    await h.run(id, { type: 'evaluate', result: 'veryDissatisfied' }, A.requester);
    await h.run(id, { type: 'appeal', reason: '诉求不合理' }, A.leadLeader);
    expect(await h.run(id, { type: 'decideAppeal', upheld: true }, A.supervisor)).toBe('concluded');
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.appeal?.decision).toBe('upheld');
    expect(v.closure).toMatchObject({ kind: 'concluded', reason: 'appealUpheld' });
    await rejected(h.engine.execute(id, { type: 'redo', reason: '再次要求' }, { actor: A.dutyChief }));
  });

  it('redoes a case after a dissatisfied evaluation', async () => {
    const h = harness();
    const id = await toInProgress(h, 'general', []);
    await h.run(id, replyCmd, A.leadHandler);
    await h.run(id, { type: 'approveReply' }, A.reviewer);
    await h.run(id, { type: 'evaluate', result: 'dissatisfied' }, A.requester);
    expect(await h.run(id, { type: 'redo', reason: '单位未实际维修' }, A.dutyChief)).toBe('inProgress');
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.evaluation).toBeNull();
    expect(v.counters.redo).toBe(1);
    expect(v.assignments.find((a) => a.role === 'lead')?.state).toBe('working');
  });

  it('redispatches before signing to a new lead unit that points back to the old one', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration(), { actor: A.intake });
    await h.run(c.id, { type: 'accept' }, A.intake);
    await h.run(c.id, dispatchCmd([]), A.dispatcher);
    expect(await h.run(c.id, { type: 'redispatch', lead: { unitId: OTHER, duty: '管养' }, reason: '派单目录错误' }, A.dispatcher)).toBe('pendingSign');
    const v = await h.engine.get(c.id, { actor: A.dutyChief });
    expect(v.assignments.map((a) => [a.unitId, a.state, a.replaces])).toEqual([[LEAD, 'replaced', null], [OTHER, 'pendingSign', 'a1']]);
    expect(v.leadUnitId).toBe(OTHER);
  });

  it('shelves a long-term case and brings it back', async () => {
    const h = harness();
    const id = await toInProgress(h);
    expect(await h.run(id, { type: 'shelve', explanation: '需纳入明年改造计划', reviewEveryDays: 30 }, A.dutyChief)).toBe('shelved');
    await rejected(h.engine.execute(id, replyCmd, { actor: A.leadHandler }));
    expect(await h.run(id, { type: 'unshelve' }, A.dutyChief)).toBe('inProgress');
  });

  it('cancels an open case as a duplicate and archives it', async () => {
    const h = harness();
    const id = await toInProgress(h);
    expect(await h.run(id, { type: 'cancel', reason: 'duplicate', duplicateOf: 'c-0' }, A.dutyChief)).toBe('cancelled');
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.assignments.every((a) => a.state === 'withdrawn')).toBe(true);
    expect(await h.run(id, { type: 'archive' }, A.dutyChief)).toBe('archived');
  });

  it('declines at intake and archives', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration(), { actor: A.intake });
    expect(await h.run(c.id, { type: 'decline', reason: 'litigation', explanation: '已进入诉讼程序' }, A.intake)).toBe('declined');
    expect(await h.run(c.id, { type: 'archive' }, A.dutyChief)).toBe('archived');
  });

  it('answers directly at intake with the intake agent as primary owner, and sends a badly rated direct answer to dispatch', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration(), { actor: A.intake });
    expect(await h.run(c.id, { type: 'answerDirectly', answer: '路灯报修电话为…' }, A.intake)).toBe('pendingEvaluation');
    expect((await h.engine.get(c.id, { actor: A.dutyChief })).primaryOwnerId).toBe('p-intake');
    await h.run(c.id, { type: 'evaluate', result: 'dissatisfied' }, A.requester);
    expect(await h.run(c.id, { type: 'redo', reason: '需派单处理' }, A.dutyChief)).toBe('pendingDispatch');
  });

  it('adds a cooperating unit mid-flight and accepts deemed consent', async () => {
    const h = harness();
    const id = await toInProgress(h, 'general', []);
    await h.run(id, { type: 'addUnit', unitId: COOP2, duty: '维持现场秩序' }, A.dispatcher);
    await expect(h.engine.execute(id, replyCmd, { actor: A.leadHandler })).rejects.toThrow();
    await h.run(id, { type: 'deemConsent', unitId: COOP2 }, A.dispatcher);
    expect(await h.run(id, replyCmd, A.leadHandler)).toBe('pendingReview');
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.assignments.find((a) => a.unitId === COOP2)?.opinion).toMatchObject({ consent: true, deemed: true });
  });

  it('raises supervision only upwards, counts urges and toggles the urgent flag', async () => {
    const h = harness();
    const id = await toInProgress(h);
    await h.run(id, { type: 'raiseSupervision', level: 'yellow' }, A.supervisor);
    await rejected(h.engine.execute(id, { type: 'raiseSupervision', level: 'normal' }, { actor: A.supervisor }));
    await h.run(id, { type: 'raiseSupervision', level: 'red' }, A.supervisor);
    await h.run(id, { type: 'cancelSupervision' }, A.supervisor);
    await h.run(id, { type: 'urge' }, A.supervisor);
    await h.run(id, { type: 'urge' }, A.dutyChief);
    await h.run(id, { type: 'markUrgent' }, A.dutyChief);
    await rejected(h.engine.execute(id, { type: 'markUrgent' }, { actor: A.dutyChief }));
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.supervision).toMatchObject({ level: 'none', highest: 'red' });
    expect(v.counters.urge).toBe(2);
    expect(v.urgent).toBe(true);
  });

  it('refuses an extension requested after the SLA conclusion deadline', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration('general'), { actor: A.intake });
    // Accepted Mon 2 Mar 2026 ~09:01 Beijing: 3 working days 次日起算 → Thu 5 Mar 17:30.
    await h.run(c.id, { type: 'accept' }, A.intake);
    await h.run(c.id, dispatchCmd([]), A.dispatcher);
    await h.run(c.id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison);
    expect((await h.engine.get(c.id, { actor: A.dutyChief })).sla.clocks.find((k) => k.name === 'conclusion')?.deadline).toBe('2026-03-05T09:30:00.000Z');
    h.clock.advance(4 * 86_400_000);
    await rejected(h.engine.execute(c.id, { type: 'requestExtension', reason: '来不及', workingDays: 2 }, { actor: A.leadHandler }));
  });

  it('takes the deadline from the host hook when one is given', async () => {
    const h = harness({ deadline: () => new Date('2026-01-01T00:00:00Z') });
    const id = await toInProgress(h);
    await rejected(h.engine.execute(id, { type: 'requestExtension', reason: '来不及', workingDays: 2 }, { actor: A.leadHandler }));
  });
});

describe('immediate tier', () => {
  it('accepts and dispatches in one step, records first feedback, and runs to archive through a redo', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration('immediate', { title: '燃气泄漏', category: 'safety.gas' }), { actor: A.intake });
    const id = c.id;
    const r = await h.engine.execute(id, { type: 'acceptAndDispatch', lead: { unitId: LEAD, duty: '立即处置' }, cooperating: [{ unitId: COOP2, duty: '现场警戒' }] }, { actor: A.intake });
    expect(r.case.state).toBe('pendingSign');
    expect(r.events.map((e) => e.name)).toEqual(['case:accepted', 'case:dispatched']);
    expect(r.events.map((e) => [e.fromState, e.toState])).toEqual([['pendingAcceptance', 'pendingSign'], ['pendingAcceptance', 'pendingSign']]);
    expect(await h.run(id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison)).toBe('inProgress');
    expect(await h.run(id, { type: 'reportFirstFeedback', summary: '已到场处置' }, A.leadHandler)).toBe('inProgress');
    await rejected(h.engine.execute(id, { type: 'reportFirstFeedback', summary: '再次' }, { actor: A.leadHandler }));
    expect(await h.run(id, { type: 'requestExtension', reason: '需更换管道', workingDays: 1 }, A.leadHandler)).toBe('inProgress');
    expect(await h.run(id, { type: 'rejectExtension' }, A.dutyChief)).toBe('inProgress');
    expect(await h.run(id, { type: 'sign', unitId: COOP2, ownerId: 'p-coop2' }, A.coop2)).toBe('inProgress');
    expect(await h.run(id, { type: 'submitOpinion', unitId: COOP2, opinion: '警戒已解除', consent: true }, A.coop2)).toBe('inProgress');
    expect(await h.run(id, replyCmd, A.leadHandler)).toBe('pendingReview');
    expect(await h.run(id, { type: 'approveReply' }, A.reviewer)).toBe('pendingEvaluation');
    expect(await h.run(id, { type: 'evaluate', result: 'veryDissatisfied' }, A.requester)).toBe('pendingEvaluation');
    expect(await h.run(id, { type: 'redo', reason: '仍有气味' }, A.dutyChief)).toBe('inProgress');
    expect(await h.run(id, replyCmd, A.leadHandler)).toBe('pendingReview');
    expect(await h.run(id, { type: 'approveReply' }, A.reviewer)).toBe('pendingEvaluation');
    expect(await h.run(id, { type: 'evaluate', result: 'unreachable' }, A.revisit)).toBe('pendingEvaluation');
    expect(await h.run(id, { type: 'conclude' }, A.revisit)).toBe('concluded');
    expect(await h.run(id, { type: 'archive' }, A.dutyChief)).toBe('archived');
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.extension.status).toBe('rejected');
    expect(v.firstFeedbackAt).not.toBeNull();
  });

  it('also runs return, transfer, suspension, send-back, appeal, redo and cancel', async () => {
    const h = harness();
    const id = await toInProgress(h, 'immediate', []);
    expect(await h.run(id, { type: 'requestReturn', reason: 'ownership', explanation: '权属不清' }, A.leadHandler)).toBe('returnPending');
    expect(await h.run(id, { type: 'rejectReturn' }, A.dutyChief)).toBe('inProgress');
    expect(await h.run(id, { type: 'transfer', toUnitId: OTHER, duty: '处置', reason: '属地' }, A.leadHandler)).toBe('pendingSign');
    expect(await h.run(id, signOther, A.otherHandler)).toBe('inProgress');
    expect(await h.run(id, { type: 'requestSuspension', reason: 'requesterUnreachable', explanation: '联系不上' }, A.otherHandler)).toBe('inProgress');
    expect(await h.run(id, { type: 'rejectSuspension' }, A.dutyChief)).toBe('inProgress');
    expect(await h.run(id, otherReply, A.otherHandler)).toBe('pendingReview');
    expect(await h.run(id, { type: 'sendBack', reason: '材料不全' }, A.dutyChief)).toBe('inProgress');
    expect(await h.run(id, otherReply, A.otherHandler)).toBe('pendingReview');
    expect(await h.run(id, { type: 'approveReply' }, A.reviewer)).toBe('pendingEvaluation');
    expect(await h.run(id, { type: 'evaluate', result: 'dissatisfied' }, A.requester)).toBe('pendingEvaluation');
    expect(await h.run(id, { type: 'appeal', reason: '已按规范处置' }, A.otherLeader)).toBe('appealPending');
    expect(await h.run(id, { type: 'decideAppeal', upheld: false }, A.supervisor)).toBe('inProgress');
    expect(await h.run(id, { type: 'requestSuspension', reason: 'awaitingThirdParty', explanation: '等待燃气公司' }, A.otherHandler)).toBe('inProgress');
    expect(await h.run(id, { type: 'approveSuspension' }, A.dutyChief)).toBe('suspended');
    expect(await h.run(id, { type: 'resume' }, A.otherHandler)).toBe('inProgress');
    expect(await h.run(id, { type: 'cancel', reason: 'withdrawn' }, A.dutyChief)).toBe('cancelled');
    expect(await h.run(id, { type: 'archive' }, A.dutyChief)).toBe('archived');
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.counters).toEqual({ redo: 2, return: 1, transfer: 1, urge: 0 });
    expect(v.appeal?.decision).toBe('rejected');
  });

  it('is the only tier that takes acceptAndDispatch and first feedback', async () => {
    const h = harness();
    const { case: c } = await h.engine.register(registration('general'), { actor: A.intake });
    await rejected(h.engine.execute(c.id, { type: 'acceptAndDispatch', lead: { unitId: LEAD, duty: 'x' } }, { actor: A.intake }));
    const id = await toInProgress(h, 'general');
    await rejected(h.engine.execute(id, { type: 'reportFirstFeedback', summary: 'x' }, { actor: A.leadHandler }));
  });
});

const plan = (mode?: 'all' | 'any' | 'vote'): CommandInput => ({
  type: 'submitPlan',
  solution: '片区管网改造',
  workPlan: '第一阶段勘察，第二阶段施工',
  deliverables: ['改造方案', '竣工报告'],
  proposedCloseDate: '2026-06-30',
  feedbackCadenceDays: 7,
  ...(mode === undefined ? {} : { countersignMode: mode }),
});

async function passReviews(h: ReturnType<typeof harness>, id: string): Promise<string> {
  await h.run(id, { type: 'review', aspect: 'risk', passed: true }, A.reviewer);
  await h.run(id, { type: 'review', aspect: 'cost', passed: true }, A.reviewer);
  return h.run(id, { type: 'review', aspect: 'effect', passed: true }, A.reviewer);
}

describe('complex tier', () => {
  it('plans, passes the triple review, countersigns, implements and closes, with every detour', async () => {
    const h = harness();
    const id = await toInProgress(h, 'complex', [COOP, COOP2]);
    expect((await h.engine.get(id, { actor: A.dutyChief })).phase).toBe('planning');
    await rejected(h.engine.execute(id, replyCmd, { actor: A.leadHandler }));
    await h.run(id, { type: 'sign', unitId: COOP, ownerId: 'p-coop' }, A.coop);
    await h.run(id, { type: 'sign', unitId: COOP2, ownerId: 'p-coop2' }, A.coop2);
    expect(await h.run(id, plan(), A.leadHandler)).toBe('inProgress.reviewing');
    expect(await h.run(id, { type: 'review', aspect: 'risk', passed: true }, A.reviewer)).toBe('inProgress.reviewing');
    await rejected(h.engine.execute(id, { type: 'review', aspect: 'risk', passed: true }, { actor: A.reviewer }));
    // 成本测算 fails: back to planning.
    expect(await h.run(id, { type: 'review', aspect: 'cost', passed: false, comment: '超预算' }, A.reviewer)).toBe('inProgress.planning');
    expect(await h.run(id, plan(), A.leadHandler)).toBe('inProgress.reviewing');
    expect(await passReviews(h, id)).toBe('inProgress.countersigning');
    // 会签 (all): one objection sends the plan back.
    expect(await h.run(id, { type: 'countersign', unitId: LEAD, decision: 'agree' }, A.leadLeader)).toBe('inProgress.countersigning');
    expect(await h.run(id, { type: 'countersign', unitId: COOP, decision: 'object', comment: '工期冲突' }, A.coopLeader)).toBe('inProgress.planning');
    // 票签 (vote): two of three is a majority.
    expect(await h.run(id, plan('vote'), A.leadHandler)).toBe('inProgress.reviewing');
    expect(await passReviews(h, id)).toBe('inProgress.countersigning');
    await h.run(id, { type: 'countersign', unitId: COOP, decision: 'object' }, A.coop);
    await h.run(id, { type: 'countersign', unitId: LEAD, decision: 'agree' }, A.leadLeader);
    expect(await h.run(id, { type: 'countersign', unitId: COOP2, decision: 'agree' }, A.coop2Leader)).toBe('inProgress.approved');
    // Suspended during approval, it resumes in the same phase.
    await h.run(id, { type: 'requestSuspension', reason: 'seasonal', explanation: '汛期禁止开挖' }, A.leadHandler);
    expect(await h.run(id, { type: 'approveSuspension' }, A.dutyChief)).toBe('suspended');
    expect(await h.run(id, { type: 'resume' }, A.dutyChief)).toBe('inProgress.approved');
    expect(await h.run(id, { type: 'startImplementation' }, A.leadHandler)).toBe('inProgress.implementing');
    await h.run(id, { type: 'reportProgress', progress: '勘察完成', percent: 30 }, A.leadHandler);
    await h.run(id, { type: 'requestExtension', reason: '材料延迟', workingDays: 10 }, A.leadHandler);
    await h.run(id, { type: 'approveExtension', workingDays: 5 }, A.supervisor);
    await h.run(id, { type: 'submitOpinion', unitId: COOP, opinion: '已配合', consent: true }, A.coop);
    await rejected(h.engine.execute(id, replyCmd, { actor: A.leadHandler }));
    await h.run(id, { type: 'submitOpinion', unitId: COOP2, opinion: '已配合', consent: true }, A.coop2);
    expect(await h.run(id, replyCmd, A.leadHandler)).toBe('pendingReview');
    expect(await h.run(id, { type: 'sendBack', reason: '缺竣工报告' }, A.reviewer)).toBe('inProgress.implementing');
    expect(await h.run(id, replyCmd, A.leadHandler)).toBe('pendingReview');
    expect(await h.run(id, { type: 'approveReply' }, A.reviewer)).toBe('pendingEvaluation');
    await h.run(id, { type: 'evaluate', result: 'basicallySatisfied' }, A.revisit);
    expect(await h.run(id, { type: 'conclude' }, A.revisit)).toBe('concluded');
    expect(await h.run(id, { type: 'archive' }, A.dutyChief)).toBe('archived');
    const v = await h.engine.get(id, { actor: A.dutyChief });
    expect(v.plan).toMatchObject({ revision: 3, countersignMode: 'vote' });
    expect(v.extension.grantedDays).toBe(5);
    expect(v.phase).toBeNull();
  });

  it('passes 或签 (any) on the first agreement', async () => {
    const h = harness();
    const id = await toInProgress(h, 'complex', [COOP]);
    await h.run(id, plan('any'), A.leadHandler);
    await passReviews(h, id);
    expect(await h.run(id, { type: 'countersign', unitId: COOP, decision: 'agree' }, A.coop)).toBe('inProgress.approved');
  });

  it('runs return, transfer, redo, appeal, cancel and archive', async () => {
    const h = harness();
    const id = await toInProgress(h, 'complex', []);
    expect(await h.run(id, { type: 'requestReturn', reason: 'other', explanation: '需市级统筹' }, A.leadHandler)).toBe('returnPending');
    expect(await h.run(id, { type: 'rejectReturn' }, A.dutyChief)).toBe('inProgress.planning');
    await h.run(id, plan(), A.leadHandler);
    await passReviews(h, id);
    expect(await h.run(id, { type: 'countersign', unitId: LEAD, decision: 'agree' }, A.leadLeader)).toBe('inProgress.approved');
    expect(await h.run(id, { type: 'transfer', toUnitId: OTHER, duty: '牵头实施', reason: '职能调整' }, A.leadHandler)).toBe('pendingSign');
    expect(await h.run(id, signOther, A.otherHandler)).toBe('inProgress.approved');
    await h.run(id, { type: 'startImplementation' }, A.otherHandler);
    await h.run(id, otherReply, A.otherHandler);
    await h.run(id, { type: 'approveReply' }, A.reviewer);
    await h.run(id, { type: 'evaluate', result: 'dissatisfied' }, A.requester);
    expect(await h.run(id, { type: 'appeal', reason: '超出职责' }, A.otherLeader)).toBe('appealPending');
    expect(await h.run(id, { type: 'decideAppeal', upheld: false }, A.dutyChief)).toBe('inProgress.implementing');
    expect(await h.run(id, { type: 'cancel', reason: 'invalid' }, A.admin)).toBe('cancelled');
    expect(await h.run(id, { type: 'archive' }, A.admin)).toBe('archived');
  });

  it('is the only tier with plans', async () => {
    const h = harness();
    const id = await toInProgress(h, 'general');
    await rejected(h.engine.execute(id, plan(), { actor: A.leadHandler }));
  });
});
