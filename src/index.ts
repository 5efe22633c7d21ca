/**
 * jiaoban — the closed loop of assigned issues (交办问题) for Chinese OA systems.
 * The root entry: the engine, the tier machines, the command schemas, the store contract, errors.
 * (The working-day calendar has its own entry, `jiaoban/calendar`.)
 */
export { createEngine } from './engine/create-engine.js';
export type { RelayOptions } from './engine/create-engine.js';
export type { MigrationResult, StoreCapabilities } from './store/case-store.js';
export {
  assignmentRecordsOf, createDispatchRouting, routingRequestFor, triedUnitsOf, DEFAULT_SATISFACTION_POINTS,
} from './engine/dispatch-routing.js';
export type { AssignmentRecordOptions, DispatchRouting, EngineRoutingOptions, ResolvedDispatch } from './engine/dispatch-routing.js';
export { migrateSnapshot } from './machines/migrate-snapshot.js';
export type { MigrationTarget, PersistedSnapshot, SnapshotMigration } from './machines/migrate-snapshot.js';
export type {
  CanResult, CommandContext, CommandResult, Engine, EngineOptions, EngineQuery, FollowUpInput, FollowUpResult, ReadContext, Scheduler,
  SchedulerOptions, TickOptions, TickResult,
} from './engine/create-engine.js';
export type { CaseView } from './engine/case-view.js';
export type { CalendarGap, ClockView, FollowUpRecord, ResolvedRecipient, SlaView } from './engine/_sla.js';
export { verifyAuditChain, hashAuditEntry } from './engine/audit.js';
export type { AuditVerification } from './engine/audit.js';
export { COMMAND_EVENTS, ENGINE_EVENT_NAMES } from './engine/events.js';
export type {
  EngineEvent, EngineEventBase, EngineEventData, EngineEventMap, EngineEventName, EngineEventOf, FollowUpRecordedData, RegisteredData,
  SlaCalendarGapData, SlaEscalatedData, SlaLevelData, TierChangedData,
} from './engine/events.js';
export { DEFAULT_PERMISSIONS, ROLES, authorize } from './engine/permissions.js';
export type {
  Actor, AuthorizationRequest, Decision, Operation, PermissionOptions, PermissionTable, Role,
} from './engine/permissions.js';
export * from './machines/commands.js';
export type {
  AppealRecord, Assignment, AssignmentRole, AssignmentState, CaseContext, CaseEvent, CaseInput, ComplexPhase, Counters,
  EvaluationRecord, EventMeta, ExtensionStatus, Opinion, Plan, ReplyRecord, RequestStatus, ReturnRequest, Supervision,
  SuspensionStatus,
} from './machines/case-context.js';
export { generalMachine } from './machines/general-machine.js';
export { immediateMachine } from './machines/immediate-machine.js';
export { complexMachine } from './machines/complex-machine.js';
export { TIER_DEFINITIONS } from './machines/tier-definitions.js';
export type { TierDefinition, TierMachine } from './machines/tier-definitions.js';
export { memoryStore, GENESIS_HASH } from './store/memory-store.js';
export type { MemoryStoreOptions } from './store/memory-store.js';
export type {
  AuditEntry, CaseQueryFilter, CaseStore, ClaimedOutboxRow, ClaimedTimer, ClaimOptions, CommitBatch, IdempotencyRecord, Lease, OutboxRow, Page,
  PageOptions, RenewOptions, StoredCase, StoredEvent, TimerRow,
} from './store/case-store.js';
// SLA clocks: policies, defaults and the pure clock algebra.
export * from './sla/index.js';
export { ConcurrencyError, ERROR_CODES, JiaobanError, isJiaobanError } from './errors.js';
export type { ErrorCode, ErrorDetails, ErrorDetailsMap, FieldIssue } from './errors.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
