/**
 * The events the engine emits after a commit. Names are past-tense `noun:verb`; each carries one
 * payload object with a stable `eventId` (`<caseId>:<version>:<n>`), so a relay or a listener can
 * de-duplicate. Payloads never carry the requester's personal data.
 */
import type { EscalationAction, Level } from '../sla/policy.js';
import type { ResolvedRecipient } from './_sla.js';
import type { CommandOf, CommandType, Channel, Tier } from './commands.js';

/**
 * The event each command produces (`acceptAndDispatch` produces `case:accepted` and then
 * `case:dispatched`). There is no separate "state changed" event: every payload carries
 * `fromState` and `toState`, so a listener that cares about transitions compares those.
 *
 * @example
 * COMMAND_EVENTS.sign;
 * //=> 'assignment:signed'
 */
export const COMMAND_EVENTS = {
  accept: 'case:accepted',
  decline: 'case:declined',
  answerDirectly: 'case:answeredDirectly',
  acceptAndDispatch: 'case:dispatched',
  changeTier: 'case:tierChanged',
  dispatch: 'case:dispatched',
  sign: 'assignment:signed',
  requestReturn: 'return:requested',
  approveReturn: 'return:approved',
  rejectReturn: 'return:rejected',
  redispatch: 'case:redispatched',
  transfer: 'case:transferred',
  addUnit: 'assignment:added',
  submitOpinion: 'opinion:submitted',
  deemConsent: 'opinion:deemed',
  contactRequester: 'requester:contacted',
  reportProgress: 'progress:reported',
  reportFirstFeedback: 'firstFeedback:reported',
  requestExtension: 'extension:requested',
  approveExtension: 'extension:approved',
  rejectExtension: 'extension:rejected',
  requestSuspension: 'suspension:requested',
  approveSuspension: 'suspension:approved',
  rejectSuspension: 'suspension:rejected',
  resume: 'case:resumed',
  shelve: 'case:shelved',
  unshelve: 'case:unshelved',
  reply: 'reply:submitted',
  approveReply: 'reply:approved',
  sendBack: 'reply:sentBack',
  evaluate: 'case:evaluated',
  conclude: 'case:concluded',
  redo: 'case:redone',
  appeal: 'appeal:filed',
  decideAppeal: 'appeal:decided',
  archive: 'case:archived',
  cancel: 'case:cancelled',
  raiseSupervision: 'supervision:raised',
  cancelSupervision: 'supervision:cancelled',
  urge: 'case:urged',
  markUrgent: 'urgency:marked',
  cancelUrgent: 'urgency:cancelled',
  submitPlan: 'plan:submitted',
  review: 'plan:reviewed',
  countersign: 'plan:countersigned',
  startImplementation: 'implementation:started',
} as const satisfies Record<CommandType, string>;

type CommandEvents = typeof COMMAND_EVENTS;

/**
 * What `case:registered` carries: no requester data, only what routing and KPIs need.
 *
 * @example
 * engine.on('case:registered', (e) => console.log(e.data.category));
 */
export interface RegisteredData {
  tier: Tier;
  title: string;
  category: string;
  channel: Channel;
  receivedAt: string;
  /** Set when a 回头看 found the problem back and this case was registered from the original. */
  reboundOf?: string;
}

/**
 * A level change of one clock (`sla:warned` yellow, `sla:breached` red, `sla:overdue`, `sla:cleared`
 * after an extension or a recompute lowered it). `reachedAt` is the mark on the clock, which after
 * downtime is earlier than the event's `at`.
 *
 * @example
 * engine.on('sla:breached', (e) => console.log(e.data.clockKey, e.data.deadline));
 */
export interface SlaLevelData {
  clockKey: string;
  name: string;
  assignmentId: string | null;
  unitId: string | null;
  from: Level;
  to: Level;
  reachedAt: string;
  deadline: string | null;
}

/**
 * An escalation step that fired (once per round): its actions and who they reach, resolved relative
 * to the clock (an assignment clock's owner and leader are that unit's). `deliverAt` is when the
 * step fell due (already held to working hours when the policy says so).
 *
 * @example
 * engine.on('sla:escalated', (e) => e.data.recipients.forEach((r) => notify(r, e.data.stepId)));
 */
export interface SlaEscalatedData {
  clockKey: string;
  name: string;
  assignmentId: string | null;
  unitId: string | null;
  stepId: string;
  on: Exclude<Level, 'green'>;
  actions: EscalationAction[];
  recipients: ResolvedRecipient[];
  dueAt: string;
}

/**
 * An SLA computation reached a date no holiday notice covers. The command was committed; the
 * clocks it would have moved keep their last computed state and their deadline is unknown until the
 * year's notice is added and `engine.recompute` runs. Never a guessed deadline.
 *
 * @example
 * engine.on('sla:calendarGap', (e) => alert(`add the ${e.data.date.slice(0, 4)} holiday notice`));
 */
export interface SlaCalendarGapData {
  date: string;
  covered: { from: number; to: number } | null;
  during: 'apply' | 'evaluate';
  pendingEvents: number;
}

/**
 * A 回头看 was recorded.
 *
 * @example
 * engine.on('followUp:recorded', (e) => e.data.reboundCaseId);
 */
export interface FollowUpRecordedData {
  clock: 'followUp30' | 'followUp90';
  outcome: 'resolved' | 'rebounded';
  note?: string;
  reboundCaseId: string | null;
}

/**
 * 改变办理类别: the case moved from one tier to another. The event's own `tier` is already the new
 * one; the SLA clocks recomputed in the same commit follow as `sla:*` events.
 *
 * @example
 * engine.on('case:tierChanged', (e) => console.log(`${e.data.from} → ${e.data.to}: ${e.data.reason}`));
 */
export interface TierChangedData {
  from: Tier;
  to: Tier;
  reason: string;
}

/**
 * The `data` of every event, by name. For command events it is the command without its `type`
 * (but `case:tierChanged`, which names both tiers).
 *
 * @example
 * const data: EngineEventData['supervision:raised'] = { level: 'yellow' };
 */
export type EngineEventData = {
  'case:registered': RegisteredData;
  'sla:warned': SlaLevelData;
  'sla:breached': SlaLevelData;
  'sla:overdue': SlaLevelData;
  'sla:cleared': SlaLevelData;
  'sla:escalated': SlaEscalatedData;
  'sla:calendarGap': SlaCalendarGapData;
  'followUp:recorded': FollowUpRecordedData;
  'case:tierChanged': TierChangedData;
} & {
  [K in Exclude<CommandType, 'changeTier'> as CommandEvents[K]]: Omit<CommandOf<K>, 'type'>;
};

/**
 * Every event name.
 *
 * @example
 * const name: EngineEventName = 'assignment:signed';
 */
export type EngineEventName = keyof EngineEventData;

/**
 * The fields every event payload has.
 *
 * @example
 * const line = (e: EngineEventBase) => `${e.eventId} ${e.name} ${e.fromState} → ${e.toState}`;
 */
export interface EngineEventBase<N extends EngineEventName = EngineEventName> {
  /** Stable: `<caseId>:<version>:<index within the command>`. */
  eventId: string;
  name: N;
  caseId: string;
  tenantId: string;
  tier: Tier;
  /** The case version this event was committed with. */
  version: number;
  /** ISO instant from the engine's clock. */
  at: string;
  actorId: string;
  /** The command that produced it (`register` for `case:registered`). */
  command: CommandType | 'register' | 'recordFollowUp' | 'tick' | 'recompute';
  /** Full state before (`inProgress.planning` for a complex phase); `null` for registration. */
  fromState: string | null;
  toState: string;
}

/**
 * One event's payload.
 *
 * @example
 * const onSigned = (e: EngineEventOf<'assignment:signed'>) => e.data.ownerId;
 */
export type EngineEventOf<N extends EngineEventName> = EngineEventBase<N> & { data: EngineEventData[N] };

/**
 * Any event.
 *
 * @example
 * const events: EngineEvent[] = await engine.history(caseId, { actor });
 */
export type EngineEvent = { [N in EngineEventName]: EngineEventOf<N> }[EngineEventName];

/**
 * The typed event map handed to eventemitter3.
 *
 * @example
 * const handler: EngineEventMap['case:urged'] = (e) => console.log(e.caseId);
 */
export type EngineEventMap = { [N in EngineEventName]: (event: EngineEventOf<N>) => void };

/**
 * Every event name, for hosts that subscribe to all of them.
 *
 * @example
 * ENGINE_EVENT_NAMES.includes('supervision:raised');
 * //=> true
 */
export const ENGINE_EVENT_NAMES: readonly EngineEventName[] = [
  'case:registered', ...Object.values(COMMAND_EVENTS),
  'sla:warned', 'sla:breached', 'sla:overdue', 'sla:cleared', 'sla:escalated', 'sla:calendarGap', 'followUp:recorded',
].filter((n, i, all) => all.indexOf(n) === i) as EngineEventName[];
