/**
 * SLA clocks: the policy format and defaults, the pure clock algebra, and the reducer the engine
 * calls. Depends on the calendar only.
 *
 * @example
 * import { applySlaEvent, evaluateClocks, emptySlaClocks, DEFAULT_SLA_POLICY } from 'jiaoban';
 * const ctx = { policy: DEFAULT_SLA_POLICY, calendars: { working: cnMainland() }, tier: 'general' };
 * const { clocks } = applySlaEvent(emptySlaClocks('general'), { type: 'register', at: new Date() }, ctx);
 * evaluateClocks(clocks, new Date(), ctx).nextWakeAt;
 */
export {
  ClockDefinitionSchema,
  ClockUnitSchema,
  DEFAULT_ESCALATION,
  DEFAULT_SLA_POLICY,
  DEFAULT_SLA_POLICY_INPUT,
  DurationSchema,
  EscalationActionSchema,
  EscalationLadderSchema,
  EscalationStepSchema,
  EventMatcherSchema,
  LevelRulesSchema,
  LevelSchema,
  RecipientSchema,
  SlaPolicySchema,
  SlaRoleSchema,
  TierSlaPolicySchema,
  ladderFor,
  parseSlaPolicy,
  resolveClockDefinitions,
  type ClockDefinition,
  type ClockDefinitionInput,
  type ClockUnit,
  type Duration,
  type EscalationAction,
  type EscalationLadder,
  type EscalationStep,
  type EventMatcher,
  type Level,
  type LevelRules,
  type Recipient,
  type SlaPolicy,
  type SlaPolicyInput,
  type SlaRole,
} from './policy.js';
export {
  cancelClock,
  createClock,
  extendClock,
  isStale,
  openClock,
  pauseClock,
  recomputeClock,
  resetClock,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  type ClockPause,
  type ClockState,
  type ClockStatus,
  type CreateClockOptions,
  type ExtendOptions,
  type Retarget,
} from './clock-state.js';
export { levelAt, type ClockReading } from './level-at.js';
export { nextDueInstants, type DueInstant, type NextDueOptions } from './next-due-instants.js';
export {
  applySlaEvent,
  calendarFor,
  emptySlaClocks,
  refreshCalendars,
  type ApplySlaEventResult,
  type ClockChange,
  type ClockChangeType,
  type SlaCalendars,
  type SlaClocks,
  type SlaContext,
  type SlaEvent,
  type SlaLogEntry,
} from './apply-sla-event.js';
export {
  LEVEL_EVENTS,
  evaluateClocks,
  type EvaluateClocksResult,
  type SlaEscalation,
  type SlaTimer,
  type SlaTransition,
  type SlaTransitionEvent,
} from './evaluate-clocks.js';
export { caseLevel, earliestDeadline } from './case-level.js';
