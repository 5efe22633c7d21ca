/**
 * The SLA policy: which clocks a case and its assignments run, on which unit and calendar, with
 * which target, and which events start, pause, resume, stop, reset, extend or cancel them; the
 * warning levels; and the escalation ladder. The zod schemas below are the single source of truth
 * for the policy input; the types are inferred from them.
 *
 * Event names are the engine's command types (`accept`, `sign`, `approveSuspension` …, see
 * src/machines/commands.ts) plus the few lifecycle events the engine emits itself: `register`,
 * `changeTier`, `recordFollowUp`.
 */
import { z } from 'zod';
import { JiaobanError } from '../errors.js';

const eventName = z.string().trim().min(1).max(64);

/**
 * 主办 (lead) or 协办 (cooperating).
 *
 * @example
 * SlaRoleSchema.parse('lead'); //=> 'lead'
 */
export const SlaRoleSchema = z.enum(['lead', 'cooperating']);
export type SlaRole = z.infer<typeof SlaRoleSchema>;

/**
 * An event a clock reacts to: a bare event type, or a type restricted to events about a lead or a
 * cooperating assignment (`{ type: 'sign', role: 'lead' }`: only the lead unit's 签收 ends 1 wd 牵头).
 *
 * @example
 * EventMatcherSchema.parse({ type: 'sign', role: 'lead' }); //=> { type: 'sign', role: 'lead' }
 */
export const EventMatcherSchema = z.union([eventName, z.strictObject({ type: eventName, role: SlaRoleSchema })]);
export type EventMatcher = z.infer<typeof EventMatcherSchema>;

const positive = z.number().finite().positive();

/**
 * An amount of time. `naturalMinutes` and `days` are natural time (24×7; `days` are calendar days
 * of 1,440 minutes); `workingMinutes` and `workingDays` are read on a working calendar, and
 * `workingDays` follows 次日起算 (it ends at the close of the n-th working day after the date).
 *
 * @example
 * DurationSchema.parse({ workingDays: 1 }); //=> { workingDays: 1 }
 */
export const DurationSchema = z.union([
  z.strictObject({ naturalMinutes: z.number().finite().nonnegative() }),
  z.strictObject({ days: z.number().int().nonnegative() }),
  z.strictObject({ workingMinutes: z.number().finite().nonnegative() }),
  z.strictObject({ workingDays: z.number().int().nonnegative() }),
]);
export type Duration = z.infer<typeof DurationSchema>;

/**
 * The unit of a clock's target.
 * - `naturalMinutes`: wall-clock minutes on the 24×7 calendar (`always()`), for emergencies.
 * - `workingMinutes`: minutes of working time on the owning unit's calendar (工作时).
 * - `workingDays`: working days, 次日起算: the day the clock starts is not counted and the clock
 *   expires at the close of the target-th working day after it.
 *
 * @example
 * ClockUnitSchema.options; //=> ['naturalMinutes', 'workingMinutes', 'workingDays']
 */
export const ClockUnitSchema = z.enum(['naturalMinutes', 'workingMinutes', 'workingDays']);
export type ClockUnit = z.infer<typeof ClockUnitSchema>;

/**
 * Who an escalation action addresses, relative to the clock: for an assignment clock the primary
 * owner and leader are that unit's.
 *
 * @example
 * RecipientSchema.parse('unitLeader'); //=> 'unitLeader'
 */
export const RecipientSchema = z.enum(['primaryOwner', 'unitLeader', 'dispatcher', 'supervisingBody']);
export type Recipient = z.infer<typeof RecipientSchema>;

/**
 * What an escalation step asks the engine to do. `supervise` only goes to `normal` or `yellow`:
 * red-card supervision (红牌督办) stays a human decision, so the schema refuses it.
 * `deemConsent` is the silent cooperating unit's 视为同意.
 *
 * @example
 * EscalationActionSchema.safeParse({ type: 'supervise', level: 'red' }).success; //=> false
 */
export const EscalationActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('urge'), to: RecipientSchema.default('primaryOwner') }),
  z.strictObject({ type: z.literal('notify'), to: RecipientSchema }),
  z.strictObject({ type: z.literal('supervise'), level: z.enum(['normal', 'yellow']) }),
  z.strictObject({ type: z.literal('deemConsent') }),
]);
export type EscalationAction = z.infer<typeof EscalationActionSchema>;

/**
 * The warning levels, in increasing order of severity.
 *
 * @example
 * LevelSchema.options; //=> ['green', 'yellow', 'red', 'overdue']
 */
export const LevelSchema = z.enum(['green', 'yellow', 'red', 'overdue']);
export type Level = z.infer<typeof LevelSchema>;

/**
 * One rung of the escalation ladder: it falls due `after` the clock reached level `on`, measured in
 * the clock's running time (a suspension freezes it like the clock itself). With
 * `holdUntilWorkingHours` the due instant moves to the next working instant of the recipients:
 * the owning unit's working calendar for its owner and leader, the centre's (the engine's working
 * calendar) for the dispatcher and the supervising body, both when a step reaches both; so no
 * reminder goes out at midnight, nor on a day only the unit works.
 *
 * @example
 * EscalationStepSchema.parse({ id: 'urge', on: 'yellow', actions: [{ type: 'urge' }] });
 * //=> { id: 'urge', on: 'yellow', actions: [{ type: 'urge', to: 'primaryOwner' }], holdUntilWorkingHours: true }
 */
export const EscalationStepSchema = z.strictObject({
  id: z.string().trim().min(1).max(64),
  on: z.enum(['yellow', 'red', 'overdue']),
  after: DurationSchema.optional(),
  actions: z.array(EscalationActionSchema).min(1),
  holdUntilWorkingHours: z.boolean().default(true),
});
export type EscalationStep = z.infer<typeof EscalationStepSchema>;

/**
 * An escalation ladder: steps with unique ids.
 *
 * @example
 * EscalationLadderSchema.parse(DEFAULT_ESCALATION).length; //=> 4
 */
export const EscalationLadderSchema = z
  .array(EscalationStepSchema)
  .refine((steps) => new Set(steps.map((s) => s.id)).size === steps.length, { message: 'step ids must be unique' });
export type EscalationLadder = z.infer<typeof EscalationLadderSchema>;

/**
 * Level boundaries shared by clocks that do not set their own.
 *
 * @example
 * LevelRulesSchema.parse({}).overdueAfter; //=> { workingDays: 1 }
 */
export const LevelRulesSchema = z.strictObject({
  /** Yellow once this share of the budget is used (2/3 by default; tianque uses 0.7). */
  threshold: z.number().gt(0).lt(1).default(2 / 3),
  /**
   * How long a clock stays red after its deadline before it is overdue, in the clock's running time
   * on its own calendar. Default for working-time clocks: one working day (已到期 → the unit has the
   * next working day, when the 催办通知书 reaches it, before the case counts as 超期).
   */
  overdueAfter: DurationSchema.default({ workingDays: 1 }),
  /** The same for natural-time clocks (a working day makes no sense for a 2 h emergency). */
  naturalOverdueAfter: DurationSchema.default({ naturalMinutes: 60 }),
});
export type LevelRules = z.infer<typeof LevelRulesSchema>;

/**
 * One SLA clock.
 *
 * @example
 * ClockDefinitionSchema.parse({ name: 'conclusion', scope: 'case', unit: 'workingDays', target: 3, startOn: ['accept'], stopOn: ['reply'] }).redo;
 * //=> {}
 */
export const ClockDefinitionSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'letters, digits, _ and -'),
    /** A case clock runs once per case; an assignment clock once per assignment (per unit's share). */
    scope: z.enum(['case', 'assignment']),
    /** Assignment clocks only: run for lead assignments, cooperating ones, or both (omitted). */
    role: SlaRoleSchema.optional(),
    unit: ClockUnitSchema,
    /** In the clock's unit: minutes, or working days. */
    target: positive,
    threshold: z.number().gt(0).lt(1).optional(),
    overdueAfter: DurationSchema.optional(),
    /** Starts an absent clock. The clock's own time counts from the event (or `delay` after it). */
    startOn: z.array(EventMatcherSchema).min(1),
    /** Opens the clock this long after its start event (回头看 30 days after conclusion). */
    delay: DurationSchema.optional(),
    pauseOn: z.array(EventMatcherSchema).default([]),
    resumeOn: z.array(EventMatcherSchema).default([]),
    /** Ends the clock; the unit is charged (concluded on time or overdue). */
    stopOn: z.array(EventMatcherSchema).default([]),
    /** A new handling round: a fresh start with the redo target (重办, 退回重办). */
    resetOn: z.array(EventMatcherSchema).default([]),
    /** Adds the event's approved working days to the target (延期). */
    extendOn: z.array(EventMatcherSchema).default([]),
    /** Ends the clock without charging anyone (an approved 退单, a replaced assignment). */
    cancelOn: z.array(EventMatcherSchema).default([]),
    /** The target of a new round after a reset: the same limit (default) or a shorter one. */
    redo: z.strictObject({ target: positive.optional() }).default({}),
    /** Cooperating response only: on silence past the deadline, deem consent or escalate. */
    onSilence: z.enum(['deemConsent', 'escalate']).optional(),
    /** This clock's own ladder; `false`: it never escalates. */
    escalation: z.union([EscalationLadderSchema, z.literal(false)]).optional(),
  })
  .superRefine((def, ctx) => {
    if (def.unit === 'workingDays' && !Number.isInteger(def.target)) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'a working-day target must be an integer' });
    }
    const redo = def.redo.target;
    if (redo !== undefined) {
      if (redo > def.target) ctx.addIssue({ code: 'custom', path: ['redo', 'target'], message: 'a redo limit may be the same or shorter, not longer' });
      if (def.unit === 'workingDays' && !Number.isInteger(redo)) {
        ctx.addIssue({ code: 'custom', path: ['redo', 'target'], message: 'a working-day target must be an integer' });
      }
    }
    if (def.role !== undefined && def.scope !== 'assignment') {
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'only assignment clocks have a role' });
    }
  });
export type ClockDefinition = z.infer<typeof ClockDefinitionSchema>;
export type ClockDefinitionInput = z.input<typeof ClockDefinitionSchema>;

const clockList = z.array(ClockDefinitionSchema).refine((defs) => new Set(defs.map((d) => d.name)).size === defs.length, {
  message: 'clock names must be unique',
});

/**
 * A tier's clocks and, optionally, its own ladder.
 *
 * @example
 * TierSlaPolicySchema.parse({}).clocks; //=> []
 */
export const TierSlaPolicySchema = z.strictObject({
  clocks: clockList.default([]),
  /** The ladder for this tier's clocks (default: the policy's). */
  escalation: EscalationLadderSchema.optional(),
});

/**
 * A whole SLA policy. `common` clocks run in every tier; a tier's clock of the same name replaces one.
 *
 * @example
 * SlaPolicySchema.parse(DEFAULT_SLA_POLICY_INPUT).cancelAllOn; //=> ['cancel']
 */
export const SlaPolicySchema = z.strictObject({
  common: clockList.default([]),
  tiers: z.record(z.string().min(1), TierSlaPolicySchema),
  levels: LevelRulesSchema.default({ threshold: 2 / 3, overdueAfter: { workingDays: 1 }, naturalOverdueAfter: { naturalMinutes: 60 } }),
  escalation: EscalationLadderSchema,
  /** Events that cancel every clock (the case is withdrawn). */
  cancelAllOn: z.array(EventMatcherSchema).default(['cancel']),
  /**
   * An extension is granted in working days. A clock counted in minutes converts them with these
   * lengths: a working day of 7 h (09:00–12:00, 13:30–17:30), a natural day of 24 h.
   */
  extension: z
    .strictObject({
      workingDayMinutes: positive.default(420),
      naturalDayMinutes: positive.default(1440),
    })
    .default({ workingDayMinutes: 420, naturalDayMinutes: 1440 }),
});
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;
export type SlaPolicyInput = z.input<typeof SlaPolicySchema>;

// 挂起 (approved suspension) and 挂账 (shelving) stop the handling clocks; resume and unshelve continue them.
const suspension = (): { pauseOn: string[]; resumeOn: string[] } => ({ pauseOn: ['approveSuspension', 'shelve'], resumeOn: ['resume', 'unshelve'] });

/**
 * The default ladder (domain-cn.md c.3): yellow → 催办 the primary owner; red → 催办 and notify the
 * unit leader; overdue + 1 working day → supervision `normal`; overdue + 5 working days →
 * supervision `yellow` and notify the supervising body. Red card stays human. Every step is held
 * until working hours.
 *
 * @example
 * DEFAULT_ESCALATION.map((s) => s.id); //=> ['urgeOwner', 'urgeAndNotifyLeader', 'superviseNormal', 'superviseYellow']
 */
export const DEFAULT_ESCALATION: z.input<typeof EscalationLadderSchema> = [
  { id: 'urgeOwner', on: 'yellow', actions: [{ type: 'urge', to: 'primaryOwner' }] },
  { id: 'urgeAndNotifyLeader', on: 'red', actions: [{ type: 'urge', to: 'primaryOwner' }, { type: 'notify', to: 'unitLeader' }] },
  { id: 'superviseNormal', on: 'overdue', after: { workingDays: 1 }, actions: [{ type: 'supervise', level: 'normal' }] },
  {
    id: 'superviseYellow',
    on: 'overdue',
    after: { workingDays: 5 },
    actions: [{ type: 'supervise', level: 'yellow' }, { type: 'notify', to: 'supervisingBody' }],
  },
];

/**
 * The defaults of issue 4 / MISSION.md, as policy input. Parse it (or a modified copy) with
 * {@link parseSlaPolicy}; {@link DEFAULT_SLA_POLICY} is the parsed form.
 *
 * Our own choices where the mission names a clock without numbers: the centre's `review` of a reply
 * takes 1 working day; a 回头看 follow-up opens 30 / 90 days after conclusion and is due within
 * 5 working days. The immediate tier's urges are not held (a 24×7 duty centre), its supervision is.
 *
 * @example
 * parseSlaPolicy({ ...DEFAULT_SLA_POLICY_INPUT, levels: { threshold: 0.7 } }).levels.threshold; //=> 0.7
 */
export const DEFAULT_SLA_POLICY_INPUT: SlaPolicyInput = {
  common: [
    // Per assignment: 签收 within 1 working day of its dispatch. An approved 退单 or a 改派/转派
    // cancels it: the unit that gave the case back is not charged.
    {
      name: 'sign', scope: 'assignment', unit: 'workingDays', target: 1,
      startOn: ['dispatch', 'acceptAndDispatch', 'addUnit', 'redispatch', 'transfer'],
      stopOn: ['sign', 'rejectReturn'],
      pauseOn: ['requestReturn'],
      cancelOn: ['approveReturn', 'redispatch', 'transfer', 'withdrawAssignment'],
    },
    // 协办 response within 4 working hours of its dispatch; silence is deemed consent by default.
    {
      name: 'response', scope: 'assignment', role: 'cooperating', unit: 'workingMinutes', target: 240,
      startOn: ['dispatch', 'acceptAndDispatch', 'addUnit'],
      stopOn: ['submitOpinion', 'deemConsent'],
      ...suspension(),
      cancelOn: ['withdrawAssignment'],
      onSilence: 'deemConsent',
    },
    // The centre reviews the unit's reply (审核); a new reply after a send-back opens a new round.
    {
      name: 'review', scope: 'case', unit: 'workingDays', target: 1,
      startOn: ['reply'], resetOn: ['reply'], stopOn: ['approveReply', 'sendBack'],
    },
    // 回访 the next working day after the reply is approved.
    {
      name: 'revisit', scope: 'case', unit: 'workingDays', target: 1,
      startOn: ['approveReply'], resetOn: ['approveReply'], stopOn: ['evaluate', 'conclude'], cancelOn: ['redo'],
    },
    // 回头看 30 and 90 days after conclusion.
    {
      name: 'followUp30', scope: 'case', unit: 'workingDays', target: 5, delay: { days: 30 },
      startOn: ['conclude'], resetOn: ['conclude'], stopOn: ['recordFollowUp'], cancelOn: ['redo'],
    },
    {
      name: 'followUp90', scope: 'case', unit: 'workingDays', target: 5, delay: { days: 90 },
      startOn: ['conclude'], resetOn: ['conclude'], stopOn: ['recordFollowUp'], cancelOn: ['redo'],
    },
  ],
  // Clocks that run from 受理 also listen to `acceptAndDispatch` (the immediate tier's 受理+派单), so
  // that a case re-tiered from immediate still has them, replayed from that instant.
  tiers: {
    immediate: {
      clocks: [
        // Registration → start of handling (the lead unit's 签收, or a forced assignment).
        {
          name: 'response', scope: 'case', unit: 'naturalMinutes', target: 120,
          startOn: ['register'], stopOn: [{ type: 'sign', role: 'lead' }, 'rejectReturn', 'answerDirectly', 'decline'],
        },
        {
          name: 'firstFeedback', scope: 'case', unit: 'naturalMinutes', target: 1440,
          startOn: ['register'], stopOn: ['reportFirstFeedback', 'reply', 'answerDirectly', 'decline'], ...suspension(),
        },
      ],
      escalation: [
        { id: 'urgeOwner', on: 'yellow', holdUntilWorkingHours: false, actions: [{ type: 'urge', to: 'primaryOwner' }] },
        {
          id: 'urgeAndNotifyLeader', on: 'red', holdUntilWorkingHours: false,
          actions: [{ type: 'urge', to: 'primaryOwner' }, { type: 'notify', to: 'unitLeader' }],
        },
        { id: 'superviseNormal', on: 'overdue', after: { workingDays: 1 }, actions: [{ type: 'supervise', level: 'normal' }] },
        {
          id: 'superviseYellow', on: 'overdue', after: { workingDays: 5 },
          actions: [{ type: 'supervise', level: 'yellow' }, { type: 'notify', to: 'supervisingBody' }],
        },
      ],
    },
    general: {
      clocks: [
        {
          name: 'acceptance', scope: 'case', unit: 'workingMinutes', target: 240,
          startOn: ['register'], stopOn: ['accept', 'acceptAndDispatch', 'decline', 'answerDirectly'],
        },
        {
          name: 'conclusion', scope: 'case', unit: 'workingDays', target: 3,
          startOn: ['accept', 'acceptAndDispatch'], stopOn: ['reply'], ...suspension(),
          resetOn: ['redo', 'sendBack'], extendOn: ['approveExtension'], redo: {},
        },
      ],
    },
    complex: {
      clocks: [
        {
          name: 'leadDesignation', scope: 'case', unit: 'workingDays', target: 1,
          startOn: ['accept', 'acceptAndDispatch'], stopOn: [{ type: 'sign', role: 'lead' }, 'rejectReturn'],
        },
        {
          name: 'solution', scope: 'case', unit: 'workingDays', target: 10,
          startOn: ['accept', 'acceptAndDispatch'], stopOn: ['startImplementation'], ...suspension(), extendOn: ['approveExtension'],
        },
      ],
    },
  },
  escalation: DEFAULT_ESCALATION,
};

/**
 * Validates a policy (input form, defaults filled in).
 *
 * @example
 * const policy = parseSlaPolicy({ ...DEFAULT_SLA_POLICY_INPUT, levels: { threshold: 0.8 } });
 * policy.levels.threshold; //=> 0.8
 * policy.levels.overdueAfter; //=> { workingDays: 1 }
 */
export function parseSlaPolicy(input: unknown): SlaPolicy {
  const result = SlaPolicySchema.safeParse(input);
  if (!result.success) {
    throw new JiaobanError(
      'VALIDATION',
      `Invalid SLA policy: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      { issues: result.error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: i.message })) },
      { cause: result.error },
    );
  }
  return result.data;
}

/**
 * The defaults of MISSION.md and issue 4, parsed.
 *
 * @example
 * resolveClockDefinitions(DEFAULT_SLA_POLICY, 'general').map((d) => d.name);
 * //=> ['sign', 'response', 'review', 'revisit', 'followUp30', 'followUp90', 'acceptance', 'conclusion']
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = parseSlaPolicy(DEFAULT_SLA_POLICY_INPUT);

/**
 * The clocks that run in a tier: the common ones, with a tier clock of the same name replacing the
 * common one (in the common one's place), then the tier's own. An unknown tier is a `VALIDATION`
 * error: a case must not silently run without clocks.
 *
 * @example
 * resolveClockDefinitions(DEFAULT_SLA_POLICY, 'complex').find((d) => d.name === 'solution')?.target; //=> 10
 */
export function resolveClockDefinitions(policy: SlaPolicy, tier: string): readonly ClockDefinition[] {
  // Every SLA event and every evaluation asks this; a policy is read-only once parsed, so the merge
  // is done once per (policy, tier). The returned array is shared: callers must not change it.
  let byTier = resolved.get(policy);
  if (byTier === undefined) resolved.set(policy, (byTier = new Map()));
  let defs = byTier.get(tier);
  if (defs === undefined) byTier.set(tier, (defs = mergeClockDefinitions(policy, tier)));
  return defs;
}

const resolved = new WeakMap<SlaPolicy, Map<string, readonly ClockDefinition[]>>();

/**
 * The tier's clock definitions that react to an event of `type` (any of their matchers, or the
 * policy's `cancelAllOn`): the others leave every clock as it is, so the reducer skips them.
 *
 * @example
 * definitionsReactingTo(DEFAULT_SLA_POLICY, 'general', 'reply').map((d) => d.name); //=> ['review', 'conclusion']
 */
export function definitionsReactingTo(policy: SlaPolicy, tier: string, type: string): readonly ClockDefinition[] {
  let byType = reacting.get(policy);
  if (byType === undefined) reacting.set(policy, (byType = new Map()));
  const key = `${tier}\u0000${type}`;
  let defs = byType.get(key);
  if (defs === undefined) {
    const all = resolveClockDefinitions(policy, tier);
    const hit = (list: readonly EventMatcher[]): boolean => list.some((m) => matcherType(m) === type);
    defs = hit(policy.cancelAllOn) ? all : all.filter((d) => reactionsOf(d).some(hit));
    byType.set(key, defs);
  }
  return defs;
}

const reacting = new WeakMap<SlaPolicy, Map<string, readonly ClockDefinition[]>>();

/**
 * Every event type some clock of some tier of the policy reacts to. An event of any other type moves
 * no clock, now or when a change of tier replays the log.
 *
 * @example
 * reactiveEventTypes(DEFAULT_SLA_POLICY).has('accept'); //=> true
 * reactiveEventTypes(DEFAULT_SLA_POLICY).has('reportProgress'); //=> false
 */
export function reactiveEventTypes(policy: SlaPolicy): ReadonlySet<string> {
  let types = reactiveTypes.get(policy);
  if (types !== undefined) return types;
  const set = new Set<string>(policy.cancelAllOn.map(matcherType));
  for (const tier of Object.keys(policy.tiers)) {
    for (const d of resolveClockDefinitions(policy, tier)) for (const list of reactionsOf(d)) for (const m of list) set.add(matcherType(m));
  }
  reactiveTypes.set(policy, (types = set));
  return types;
}

const reactiveTypes = new WeakMap<SlaPolicy, ReadonlySet<string>>();

/** The matcher lists through which a clock definition reacts to events. */
function reactionsOf(d: ClockDefinition): ReadonlyArray<readonly EventMatcher[]> {
  return [d.startOn, d.stopOn, d.resetOn, d.pauseOn, d.resumeOn, d.extendOn, d.cancelOn];
}

const matcherType = (m: EventMatcher): string => (typeof m === 'string' ? m : m.type);

function mergeClockDefinitions(policy: SlaPolicy, tier: string): ClockDefinition[] {
  const own = policy.tiers[tier];
  if (own === undefined) {
    throw new JiaobanError('VALIDATION', `The SLA policy has no tier '${tier}'`, {
      issues: [{ path: ['tiers', tier], message: 'unknown tier' }],
    });
  }
  const byName = new Map(own.clocks.map((d) => [clockSlot(d), d]));
  const merged = policy.common.map((d) => {
    const replacement = byName.get(clockSlot(d));
    if (replacement !== undefined) byName.delete(clockSlot(d));
    return replacement ?? d;
  });
  return [...merged, ...byName.values()];
}

/** A case clock and an assignment clock may share a name (`response`), so a slot is scope + name. */
function clockSlot(def: ClockDefinition): string {
  return `${def.scope}:${def.name}`;
}

/**
 * The ladder a clock escalates on: its own, else its tier's, else the policy's. A cooperating
 * response clock with `onSilence: 'deemConsent'` has one step instead: at its deadline, deem consent
 * (not held: silence is a fact at the deadline, not a message to someone).
 *
 * @example
 * const def = resolveClockDefinitions(DEFAULT_SLA_POLICY, 'general').find((d) => d.name === 'conclusion')!;
 * ladderFor(DEFAULT_SLA_POLICY, 'general', def).map((s) => s.id);
 * //=> ['urgeOwner', 'urgeAndNotifyLeader', 'superviseNormal', 'superviseYellow']
 */
export function ladderFor(policy: SlaPolicy, tier: string, def: ClockDefinition): EscalationLadder {
  if (def.onSilence === 'deemConsent') {
    return [{ id: 'deemConsent', on: 'red', actions: [{ type: 'deemConsent' }], holdUntilWorkingHours: false }];
  }
  if (def.escalation === false) return [];
  return def.escalation ?? policy.tiers[tier]?.escalation ?? policy.escalation;
}
