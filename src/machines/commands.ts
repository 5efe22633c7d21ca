/**
 * The command vocabulary of a case: one zod schema per command, discriminated on `type`. These
 * schemas are the single source of truth for both the TypeScript types and the runtime validation
 * the engine performs before anything is loaded. They live next to the machines because a command,
 * once validated, is exactly the event a tier machine receives (plus the engine's `meta`).
 */
import { z } from 'zod';

const id = z.string().trim().min(1).max(128);
const text = (max: number) => z.string().trim().min(1).max(max);
const note = z.string().trim().max(2000).optional();
const isoInstant = z.iso.datetime({ offset: true });

/**
 * The three tiers (三级分类): 即时响应类, 一般办理类, 复杂协同类.
 *
 * @example
 * TierSchema.options;
 * //=> ['immediate', 'general', 'complex']
 */
export const TierSchema = z.enum(['immediate', 'general', 'complex']);
export type Tier = z.infer<typeof TierSchema>;

/**
 * Where a request came in.
 *
 * @example
 * ChannelSchema.parse('hotline');
 */
export const ChannelSchema = z.enum(['hotline', 'web', 'app', 'wechat', 'letter', 'visit', 'email', 'internal', 'other']);
export type Channel = z.infer<typeof ChannelSchema>;

/**
 * 诉求人. `id` is set when the requester is a person in the host's directory (an employee, say).
 *
 * @example
 * RequesterSchema.parse({ name: '张三', phone: '13800138000' });
 */
export const RequesterSchema = z.strictObject({
  id: id.optional(),
  name: text(100),
  phone: z.string().trim().min(3).max(32).optional(),
  idCard: z.string().trim().min(6).max(32).optional(),
});
export type Requester = z.infer<typeof RequesterSchema>;

/**
 * The input of `engine.register` (登记).
 *
 * @example
 * RegisterInputSchema.parse({
 *   tier: 'general', title: '小区路灯不亮', description: '3号楼前路灯连续一周不亮',
 *   category: 'municipal.lighting', requester: { name: '张三', phone: '13800138000' }, channel: 'hotline',
 * }).tags;
 * //=> []
 */
export const RegisterInputSchema = z.strictObject({
  tier: TierSchema,
  title: text(200),
  description: text(10_000),
  category: text(128),
  location: z.string().trim().max(500).optional(),
  tags: z.array(text(64)).max(32).default([]),
  requester: RequesterSchema,
  channel: ChannelSchema,
  /** When the request reached the centre, if earlier than registration (a call logged afterwards). */
  receivedAt: isoInstant.optional(),
  /**
   * The case deadline, if the host already computed one. Until the SLA module owns deadlines this is
   * what the "extension must come before the deadline" rule checks against.
   */
  dueAt: isoInstant.optional(),
});
export type RegisterInput = z.input<typeof RegisterInputSchema>;
export type RegisterData = z.infer<typeof RegisterInputSchema>;

/**
 * A unit and its written duty (责任清单 entry).
 *
 * @example
 * UnitDutySchema.parse({ unitId: 'u-water', duty: '排查并修复' });
 */
export const UnitDutySchema = z.strictObject({ unitId: id, duty: text(2000) });
export type UnitDuty = z.infer<typeof UnitDutySchema>;

const dispatchFields = {
  /**
   * The lead unit (主办单位). Omitted, the engine asks its routing policy and fills it in (with the
   * cooperating units the policy names) before the machine sees the command.
   */
  lead: UnitDutySchema.optional(),
  cooperating: z.array(UnitDutySchema).max(50).default([]),
};

/**
 * 不予受理 reasons, from the exclusion lists centres publish.
 *
 * @example
 * DeclineReasonSchema.parse('petition');
 */
export const DeclineReasonSchema = z.enum([
  'litigation', 'discipline', 'petition', 'secretOrPrivacy', 'repeatOfConcluded', 'outOfScope', 'other',
]);
/**
 * 退单 reason codes: 属地不符 (jurisdiction), 权属不清 (ownership), 职能交叉/超出职能 (mandate), other.
 *
 * @example
 * ReturnReasonSchema.parse('ownership');
 */
export const ReturnReasonSchema = z.enum(['jurisdiction', 'ownership', 'mandate', 'other']);
/**
 * 挂起 reasons.
 *
 * @example
 * SuspensionReasonSchema.parse('seasonal');
 */
export const SuspensionReasonSchema = z.enum(['requesterUnreachable', 'awaitingThirdParty', 'seasonal', 'legalProcedure', 'other']);
/**
 * 评价: five levels, or the requester could not be reached.
 *
 * @example
 * EvaluationResultSchema.parse('basicallySatisfied');
 */
export const EvaluationResultSchema = z.enum([
  'verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied', 'unreachable',
]);
export type EvaluationResult = z.infer<typeof EvaluationResultSchema>;
/**
 * 督办 levels; `normal` 普通, `yellow` 黄牌, `red` 红牌.
 *
 * @example
 * SupervisionLevelSchema.parse('red');
 */
export const SupervisionLevelSchema = z.enum(['none', 'normal', 'yellow', 'red']);
export type SupervisionLevel = z.infer<typeof SupervisionLevelSchema>;
/**
 * 会签 (all), 或签 (any), 票签 (vote, simple majority).
 *
 * @example
 * CountersignModeSchema.parse('vote');
 */
export const CountersignModeSchema = z.enum(['all', 'any', 'vote']);
export type CountersignMode = z.infer<typeof CountersignModeSchema>;
/**
 * The triple review of a complex plan: 风险评估, 成本测算, 效果预评.
 *
 * @example
 * ReviewAspectSchema.options;
 * //=> ['risk', 'cost', 'effect']
 */
export const ReviewAspectSchema = z.enum(['risk', 'cost', 'effect']);
export type ReviewAspect = z.infer<typeof ReviewAspectSchema>;

const cmd = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape });

// Intake
/**
 * 受理: the centre takes the case on.
 *
 * @example
 * AcceptSchema.parse({ type: 'accept' });
 */
export const AcceptSchema = cmd('accept', { note });
/**
 * 不予受理: out of scope, with a reason from the exclusion list.
 *
 * @example
 * DeclineSchema.parse({ type: 'decline', reason: 'litigation', explanation: '已进入诉讼程序' });
 */
export const DeclineSchema = cmd('decline', { reason: DeclineReasonSchema, explanation: text(2000) });
/**
 * 直办: answered at intake, no dispatch.
 *
 * @example
 * AnswerDirectlySchema.parse({ type: 'answerDirectly', answer: '办理地点为市民中心二楼' });
 */
export const AnswerDirectlySchema = cmd('answerDirectly', { answer: text(5000) });
/**
 * Immediate tier only: 受理 and 派单 in one step, as an emergency desk does.
 *
 * @example
 * AcceptAndDispatchSchema.parse({ type: 'acceptAndDispatch', lead: { unitId: 'u-gas', duty: '立即处置' } });
 */
export const AcceptAndDispatchSchema = cmd('acceptAndDispatch', { ...dispatchFields, note });
/**
 * 改变办理类别: the centre moves the case to another tier (升级为复杂协同类, 降为一般办理类…), with
 * the reason. Only before any unit holds the case (待受理, 待派遣); the SLA clocks are recomputed
 * from the case's original registration and acceptance under the new tier's limits.
 *
 * @example
 * ChangeTierSchema.parse({ type: 'changeTier', tier: 'complex', reason: '涉及水务、住建、街道三个部门' });
 */
export const ChangeTierSchema = cmd('changeTier', { tier: TierSchema, reason: text(2000) });
// Dispatch
/**
 * 派单: one lead unit (主办) and any cooperating units (协办), each with a duty.
 *
 * @example
 * DispatchSchema.parse({ type: 'dispatch', lead: { unitId: 'u-water', duty: '修复' }, cooperating: [{ unitId: 'u-housing', duty: '配合' }] });
 */
export const DispatchSchema = cmd('dispatch', dispatchFields);
/**
 * 签收: a unit claims its share; for the lead, `ownerId` becomes the primary owner (第一责任人).
 *
 * @example
 * SignSchema.parse({ type: 'sign', unitId: 'u-water', ownerId: 'p-chen' });
 */
export const SignSchema = cmd('sign', { unitId: id, ownerId: id });
/**
 * 退单: the lead unit asks the centre to take the case back.
 *
 * @example
 * RequestReturnSchema.parse({ type: 'requestReturn', reason: 'jurisdiction', explanation: '不属本辖区' });
 */
export const RequestReturnSchema = cmd('requestReturn', { reason: ReturnReasonSchema, explanation: text(2000) });
/**
 * 退单审核通过: the case goes back to dispatch.
 *
 * @example
 * ApproveReturnSchema.parse({ type: 'approveReturn' });
 */
export const ApproveReturnSchema = cmd('approveReturn', { note });
/**
 * 强派: the centre refuses the return; the unit stays responsible.
 *
 * @example
 * RejectReturnSchema.parse({ type: 'rejectReturn', note: '经审定属本单位职责' });
 */
export const RejectReturnSchema = cmd('rejectReturn', {
  note,
  /** Who becomes primary owner when the unit asked to return before signing (强派 names a person). */
  primaryOwnerId: id.optional(),
});
/**
 * 改派: the centre moves the lead share to another unit.
 *
 * @example
 * RedispatchSchema.parse({ type: 'redispatch', lead: { unitId: 'u-transport', duty: '路灯管养' }, reason: '派单目录错误' });
 */
export const RedispatchSchema = cmd('redispatch', { lead: UnitDutySchema, reason: text(2000) });
/**
 * 转派: the lead unit hands its share to another unit.
 *
 * @example
 * TransferSchema.parse({ type: 'transfer', toUnitId: 'u-district', duty: '属地处置', reason: '属地管理' });
 */
export const TransferSchema = cmd('transfer', { toUnitId: id, duty: text(2000), reason: text(2000) });
/**
 * 加派: a cooperating unit joins mid-flight.
 *
 * @example
 * AddUnitSchema.parse({ type: 'addUnit', unitId: 'u-police', duty: '维持秩序' });
 */
export const AddUnitSchema = cmd('addUnit', { unitId: id, duty: text(2000) });
// Handling
/**
 * 会办意见: a cooperating unit answers the lead.
 *
 * @example
 * SubmitOpinionSchema.parse({ type: 'submitOpinion', unitId: 'u-housing', opinion: '同意', consent: true });
 */
export const SubmitOpinionSchema = cmd('submitOpinion', { unitId: id, opinion: text(5000), consent: z.boolean() });
/**
 * 视为同意: a cooperating unit silent past its deadline is deemed to consent.
 *
 * @example
 * DeemConsentSchema.parse({ type: 'deemConsent', unitId: 'u-housing' });
 */
export const DeemConsentSchema = cmd('deemConsent', { unitId: id, note });
/**
 * 先行联系: first contact with the requester (no number is recorded here).
 *
 * @example
 * ContactRequesterSchema.parse({ type: 'contactRequester', method: 'phone', reached: true });
 */
export const ContactRequesterSchema = cmd('contactRequester', {
  method: z.enum(['phone', 'sms', 'visit', 'online', 'other']),
  reached: z.boolean(),
  note,
});
/**
 * 阶段反馈: interim progress.
 *
 * @example
 * ReportProgressSchema.parse({ type: 'reportProgress', progress: '已勘察', percent: 30 });
 */
export const ReportProgressSchema = cmd('reportProgress', { progress: text(5000), percent: z.number().int().min(0).max(100).optional() });
/**
 * Immediate tier only: the first feedback (首次反馈) due within 24 clock hours.
 *
 * @example
 * ReportFirstFeedbackSchema.parse({ type: 'reportFirstFeedback', summary: '已到场处置' });
 */
export const ReportFirstFeedbackSchema = cmd('reportFirstFeedback', { summary: text(5000) });
/**
 * 延期申请: reason, optional legal basis, working days asked; before the deadline.
 *
 * @example
 * RequestExtensionSchema.parse({ type: 'requestExtension', reason: '等待配件', workingDays: 3 });
 */
export const RequestExtensionSchema = cmd('requestExtension', {
  reason: text(2000),
  legalBasis: z.string().trim().max(2000).optional(),
  workingDays: z.number().int().min(1).max(365),
});
/**
 * 延期审批通过; `workingDays` may grant less than asked.
 *
 * @example
 * ApproveExtensionSchema.parse({ type: 'approveExtension', workingDays: 2 });
 */
export const ApproveExtensionSchema = cmd('approveExtension', { workingDays: z.number().int().min(1).max(365).optional(), note });
/**
 * 延期审批不通过.
 *
 * @example
 * RejectExtensionSchema.parse({ type: 'rejectExtension' });
 */
export const RejectExtensionSchema = cmd('rejectExtension', { note });
/**
 * 挂起申请.
 *
 * @example
 * RequestSuspensionSchema.parse({ type: 'requestSuspension', reason: 'seasonal', explanation: '汛期禁止开挖' });
 */
export const RequestSuspensionSchema = cmd('requestSuspension', { reason: SuspensionReasonSchema, explanation: text(2000) });
/**
 * 挂起批复: the case is suspended.
 *
 * @example
 * ApproveSuspensionSchema.parse({ type: 'approveSuspension' });
 */
export const ApproveSuspensionSchema = cmd('approveSuspension', { note });
/**
 * 挂起申请不通过.
 *
 * @example
 * RejectSuspensionSchema.parse({ type: 'rejectSuspension' });
 */
export const RejectSuspensionSchema = cmd('rejectSuspension', { note });
/**
 * 恢复办理 after a suspension.
 *
 * @example
 * ResumeSchema.parse({ type: 'resume' });
 */
export const ResumeSchema = cmd('resume', { note });
/**
 * 挂账: parked in the ledger of long-term cases.
 *
 * @example
 * ShelveSchema.parse({ type: 'shelve', explanation: '纳入明年改造计划', reviewEveryDays: 30 });
 */
export const ShelveSchema = cmd('shelve', { explanation: text(2000), reviewEveryDays: z.number().int().min(1).max(366).optional() });
/**
 * 销账: back to handling.
 *
 * @example
 * UnshelveSchema.parse({ type: 'unshelve' });
 */
export const UnshelveSchema = cmd('unshelve', { note });
// Closing
/**
 * 回复/办结反馈, signed off by a unit leader.
 *
 * @example
 * ReplySchema.parse({ type: 'reply', summary: '已修复', resolved: true, signOff: { leaderId: 'p-head', level: 'deputy' } });
 */
export const ReplySchema = cmd('reply', {
  summary: text(10_000),
  resolved: z.boolean(),
  /** 诉求属实? */
  substantiated: z.boolean().optional(),
  publicReply: z.string().trim().max(5000).optional(),
  /** 分管负责人 (deputy) or, for important cases, 主要负责人 (principal) signs the reply off. */
  signOff: z.strictObject({ leaderId: id, level: z.enum(['deputy', 'principal']) }),
});
/**
 * 审核通过: on to evaluation.
 *
 * @example
 * ApproveReplySchema.parse({ type: 'approveReply' });
 */
export const ApproveReplySchema = cmd('approveReply', { note });
/**
 * 退回重办: the reply does not pass.
 *
 * @example
 * SendBackSchema.parse({ type: 'sendBack', reason: '未附现场照片' });
 */
export const SendBackSchema = cmd('sendBack', { reason: text(2000) });
/**
 * 评价: five levels or unreachable.
 *
 * @example
 * EvaluateSchema.parse({ type: 'evaluate', result: 'satisfied' });
 */
export const EvaluateSchema = cmd('evaluate', { result: EvaluationResultSchema, note });
/**
 * 结案.
 *
 * @example
 * ConcludeSchema.parse({ type: 'conclude' });
 */
export const ConcludeSchema = cmd('conclude', { note });
/**
 * 重办 after a dissatisfied evaluation.
 *
 * @example
 * RedoSchema.parse({ type: 'redo', reason: '问题仍存在' });
 */
export const RedoSchema = cmd('redo', { reason: text(2000) });
/**
 * 申诉: the unit contests a dissatisfied evaluation.
 *
 * @example
 * AppealSchema.parse({ type: 'appeal', reason: '诉求超出职责范围' });
 */
export const AppealSchema = cmd('appeal', { reason: text(5000) });
/**
 * 申诉裁定: upheld concludes, rejected redoes.
 *
 * @example
 * DecideAppealSchema.parse({ type: 'decideAppeal', upheld: false });
 */
export const DecideAppealSchema = cmd('decideAppeal', { upheld: z.boolean(), note });
/**
 * 归档: the case becomes immutable.
 *
 * @example
 * ArchiveSchema.parse({ type: 'archive' });
 */
export const ArchiveSchema = cmd('archive', { note });
/**
 * 撤销/作废/合并.
 *
 * @example
 * CancelSchema.parse({ type: 'cancel', reason: 'duplicate', duplicateOf: 'c-0001' });
 */
export const CancelSchema = cmd('cancel', { reason: z.enum(['duplicate', 'withdrawn', 'invalid']), duplicateOf: id.optional(), note });
// Overlays
/**
 * 督办: normal, yellow card, red card; only upwards.
 *
 * @example
 * RaiseSupervisionSchema.parse({ type: 'raiseSupervision', level: 'yellow' });
 */
export const RaiseSupervisionSchema = cmd('raiseSupervision', { level: z.enum(['normal', 'yellow', 'red']), note });
/**
 * 取消督办.
 *
 * @example
 * CancelSupervisionSchema.parse({ type: 'cancelSupervision' });
 */
export const CancelSupervisionSchema = cmd('cancelSupervision', { note });
/**
 * 催办 (counted).
 *
 * @example
 * UrgeSchema.parse({ type: 'urge' });
 */
export const UrgeSchema = cmd('urge', { note });
/**
 * 加急.
 *
 * @example
 * MarkUrgentSchema.parse({ type: 'markUrgent' });
 */
export const MarkUrgentSchema = cmd('markUrgent', { note });
/**
 * 取消加急.
 *
 * @example
 * CancelUrgentSchema.parse({ type: 'cancelUrgent' });
 */
export const CancelUrgentSchema = cmd('cancelUrgent', { note });
// Complex tier
/**
 * Complex tier: the lead unit submits its solution and work plan.
 *
 * @example
 * SubmitPlanSchema.parse({ type: 'submitPlan', solution: '改造', workPlan: '三期', deliverables: ['方案'], proposedCloseDate: '2026-09-30', feedbackCadenceDays: 7 });
 */
export const SubmitPlanSchema = cmd('submitPlan', {
  solution: text(10_000),
  workPlan: text(10_000),
  deliverables: z.array(text(500)).min(1).max(50),
  proposedCloseDate: z.iso.date(),
  feedbackCadenceDays: z.number().int().min(1).max(90),
  countersignMode: CountersignModeSchema.default('all'),
});
/**
 * Complex tier: one aspect of the triple review (风险评估/成本测算/效果预评).
 *
 * @example
 * ReviewSchema.parse({ type: 'review', aspect: 'cost', passed: true });
 */
export const ReviewSchema = cmd('review', { aspect: ReviewAspectSchema, passed: z.boolean(), comment: z.string().trim().max(5000).optional() });
/**
 * Complex tier: one unit countersigns (会签) the plan.
 *
 * @example
 * CountersignSchema.parse({ type: 'countersign', unitId: 'u-housing', decision: 'agree' });
 */
export const CountersignSchema = cmd('countersign', { unitId: id, decision: z.enum(['agree', 'object']), comment: z.string().trim().max(5000).optional() });
/**
 * Complex tier: start carrying out the countersigned plan.
 *
 * @example
 * StartImplementationSchema.parse({ type: 'startImplementation' });
 */
export const StartImplementationSchema = cmd('startImplementation', { note });

/**
 * Every command, discriminated on `type`.
 *
 * @example
 * CommandSchema.parse({ type: 'sign', unitId: 'u-water', ownerId: 'p-li' });
 * //=> { type: 'sign', unitId: 'u-water', ownerId: 'p-li' }
 */
export const CommandSchema = z.discriminatedUnion('type', [
  AcceptSchema, DeclineSchema, AnswerDirectlySchema, AcceptAndDispatchSchema, ChangeTierSchema,
  DispatchSchema, SignSchema, RequestReturnSchema, ApproveReturnSchema, RejectReturnSchema,
  RedispatchSchema, TransferSchema, AddUnitSchema,
  SubmitOpinionSchema, DeemConsentSchema, ContactRequesterSchema, ReportProgressSchema, ReportFirstFeedbackSchema,
  RequestExtensionSchema, ApproveExtensionSchema, RejectExtensionSchema,
  RequestSuspensionSchema, ApproveSuspensionSchema, RejectSuspensionSchema, ResumeSchema, ShelveSchema, UnshelveSchema,
  ReplySchema, ApproveReplySchema, SendBackSchema, EvaluateSchema, ConcludeSchema, RedoSchema, AppealSchema,
  DecideAppealSchema, ArchiveSchema, CancelSchema,
  RaiseSupervisionSchema, CancelSupervisionSchema, UrgeSchema, MarkUrgentSchema, CancelUrgentSchema,
  SubmitPlanSchema, ReviewSchema, CountersignSchema, StartImplementationSchema,
]);

/** A validated command (output of `CommandSchema`: defaults filled in). */
export type Command = z.infer<typeof CommandSchema>;
/** What a caller may pass to `engine.execute` (defaults optional). */
export type CommandInput = z.input<typeof CommandSchema>;
/** The name of a command. */
export type CommandType = Command['type'];
/** One command type's payload. */
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/**
 * Every command type, in the order of the process.
 *
 * @example
 * COMMAND_TYPES.includes('sign');
 * //=> true
 */
export const COMMAND_TYPES: readonly CommandType[] = CommandSchema.options.map((o) => o.shape.type.value);
