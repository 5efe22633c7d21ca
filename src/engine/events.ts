/**
 * The events the engine emits after a commit. Names are past-tense `noun:verb`; each carries one
 * payload object with a stable `eventId` (`<caseId>:<version>:<n>`), so a relay or a listener can
 * de-duplicate. Payloads never carry the requester's personal data.
 */
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
}

/**
 * The `data` of every event, by name. For command events it is the command without its `type`.
 *
 * @example
 * const data: EngineEventData['supervision:raised'] = { level: 'yellow' };
 */
export type EngineEventData = {
  'case:registered': RegisteredData;
} & {
  [K in CommandType as CommandEvents[K]]: Omit<CommandOf<K>, 'type'>;
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
  command: CommandType | 'register';
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
].filter((n, i, all) => all.indexOf(n) === i) as EngineEventName[];
