/**
 * The domain data a tier machine carries in its context. It is persisted inside xstate's own
 * snapshot, so everything here is plain JSON (ISO strings, arrays, no Maps, no Dates).
 */
import type {
  Channel, CommandOf, CommandType, CountersignMode, EvaluationResult, RegisterData, Requester,
  ReviewAspect, SupervisionLevel, Tier,
} from './commands.js';

/**
 * 主办 (lead) or 协办 (cooperating).
 *
 * @example
 * view.assignments.filter((a) => a.role === ('cooperating' satisfies AssignmentRole));
 */
export type AssignmentRole = 'lead' | 'cooperating';

/**
 * One unit's share of a case.
 * - `pendingSign` 待签收 → `working` 办理中 → `submitted` (lead replied / cooperating unit gave its
 *   opinion) → `done` once the reply is approved.
 * - `returnRequested` while the centre reviews the lead unit's 退单.
 * - `withdrawn` after an approved return or a cancellation; `replaced` after 改派/转派 (a newer
 *   assignment points back here through `replaces`).
 */
export type AssignmentState = 'pendingSign' | 'working' | 'returnRequested' | 'submitted' | 'done' | 'withdrawn' | 'replaced';

export interface Opinion {
  text: string;
  consent: boolean;
  /** True when consent was deemed (视为同意) rather than given. */
  deemed: boolean;
  at: string;
}

export interface Assignment {
  /** `a1`, `a2`, … unique within the case, in creation order. */
  id: string;
  unitId: string;
  role: AssignmentRole;
  duty: string;
  state: AssignmentState;
  /** The person responsible for this unit's share; for the lead this is the case's primary owner. */
  ownerId: string | null;
  /** The assignment this one replaces (改派 / 转派), forming the case's step chain. */
  replaces: string | null;
  createdAt: string;
  signedAt: string | null;
  opinion: Opinion | null;
}

export interface Supervision {
  level: SupervisionLevel;
  /** The highest level ever reached; kept for KPIs even after cancellation. */
  highest: SupervisionLevel;
  by: string | null;
  at: string | null;
}

export interface Counters {
  /** 重办: send-backs by the reviewer plus redos after a dissatisfied evaluation. */
  redo: number;
  /** 退单 requests. */
  return: number;
  /** 转派 and 改派. */
  transfer: number;
  /** 催办. */
  urge: number;
}

export type RequestStatus = 'none' | 'requested' | 'approved' | 'rejected';

export interface ExtensionStatus {
  status: RequestStatus;
  requestedBy: string | null;
  requestedAt: string | null;
  requestedDays: number;
  /** Working days granted over the life of the case (an extension adds, it never resets). */
  grantedDays: number;
  /** How many extensions were approved; a second one usually needs a higher approver. */
  approvals: number;
}

export interface SuspensionStatus {
  status: 'none' | 'requested' | 'active' | 'rejected';
  reason: string | null;
  requestedBy: string | null;
  since: string | null;
}

export interface ReturnRequest {
  unitId: string;
  reason: CommandOf<'requestReturn'>['reason'];
  explanation: string;
  requestedBy: string;
  at: string;
}

export interface ReplyRecord {
  summary: string;
  resolved: boolean;
  substantiated: boolean | null;
  signOff: CommandOf<'reply'>['signOff'];
  by: string;
  at: string;
}

export interface EvaluationRecord {
  result: EvaluationResult;
  by: string;
  at: string;
}

export interface AppealRecord {
  reason: string;
  by: string;
  at: string;
  decision: 'pending' | 'upheld' | 'rejected';
  decidedBy: string | null;
}

/** The phases inside `inProgress` for the complex tier. */
export type ComplexPhase = 'planning' | 'reviewing' | 'countersigning' | 'approved' | 'implementing';

export interface Plan {
  revision: number;
  solution: string;
  workPlan: string;
  deliverables: string[];
  proposedCloseDate: string;
  feedbackCadenceDays: number;
  countersignMode: CountersignMode;
  submittedBy: string;
  submittedAt: string;
  reviews: Partial<Record<ReviewAspect, { passed: boolean; by: string; at: string }>>;
  /** unitId → decision, for the current revision. */
  countersigns: Record<string, 'agree' | 'object'>;
}

/**
 * The case's domain data, as the machine carries it.
 *
 * @example
 * const [snapshot] = initialTransition(generalMachine, input);
 * snapshot.context.assignments;
 * //=> []
 */
export interface CaseContext {
  tier: Tier;
  title: string;
  description: string;
  category: string;
  location: string | null;
  tags: string[];
  requester: Requester;
  channel: Channel;
  receivedAt: string;
  registeredBy: string;
  dueAt: string | null;
  assignments: Assignment[];
  leadUnitId: string | null;
  primaryOwnerId: string | null;
  supervision: Supervision;
  urgent: boolean;
  counters: Counters;
  extension: ExtensionStatus;
  suspension: SuspensionStatus;
  returnRequest: ReturnRequest | null;
  reply: ReplyRecord | null;
  evaluation: EvaluationRecord | null;
  appeal: AppealRecord | null;
  /** 直办 answer given at intake, if any. */
  directAnswer: string | null;
  firstFeedbackAt: string | null;
  firstContactAt: string | null;
  lastProgressAt: string | null;
  progressReports: number;
  /** How the case left the open states, when it did. */
  closure: { kind: 'declined' | 'cancelled' | 'concluded'; reason: string | null; at: string; by: string } | null;
  /** Complex tier: the current phase inside `inProgress` (kept so resume/re-sign lands in the right one). */
  phase: ComplexPhase | null;
  plan: Plan | null;
}

/**
 * What the engine adds to every command before it becomes a machine event.
 *
 * @example
 * const meta: EventMeta = { actorId: 'p-li', at: '2026-03-02T01:00:00.000Z', deadline: null };
 */
export interface EventMeta {
  actorId: string;
  /** ISO instant from the engine's clock. */
  at: string;
  /**
   * The deadline the "before the deadline" guards check, as the engine resolved it (the SLA module
   * will supply it; until then the case's `dueAt` or the host's `deadline` hook). `null`: unknown.
   */
  deadline: string | null;
}

/**
 * A machine event: a validated command plus the engine's meta.
 *
 * @example
 * transition(generalMachine, snapshot, { type: 'accept', meta });
 */
export type CaseEvent = { [K in CommandType]: CommandOf<K> & { meta: EventMeta } }[CommandType];

/**
 * The input of a machine's initial transition (what `register` produces).
 *
 * @example
 * initialTransition(generalMachine, { data: RegisterInputSchema.parse(input), meta });
 */
export interface CaseInput {
  data: RegisterData;
  meta: EventMeta;
}
