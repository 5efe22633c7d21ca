/**
 * Who may issue which command. Deny by default: a command absent from the table, or an actor with
 * none of its roles, is refused. Roles split in three kinds:
 * - centre roles (intake, dispatcher, dutyChief, reviewer, supervisor, revisitAgent, admin) act on
 *   any case of their tenant;
 * - unit roles (liaison, handler, unitLeader, cooperatingUnit) act only for a unit they belong to:
 *   the lead unit for lead commands, the named unit for `sign` / `submitOpinion` / `countersign`;
 * - `requester` acts only on a case whose requester id is the actor's id.
 * Approvals (return, extension, suspension, appeal) are never granted to the case's requester nor to
 * the person who filed the request being decided (four eyes).
 */
import type { CaseView } from './case-view.js';
import type { Command, CommandType } from './commands.js';

/**
 * Every role the default table knows.
 *
 * @example
 * ROLES.includes('dutyChief');
 * //=> true
 */
export const ROLES = [
  'requester', 'intake', 'dispatcher', 'dutyChief', 'liaison', 'handler', 'unitLeader', 'cooperatingUnit',
  'reviewer', 'supervisor', 'revisitAgent', 'admin',
] as const;
/**
 * One role of the default table.
 *
 * @example
 * const roles: Role[] = ['handler', 'unitLeader'];
 */
export type Role = (typeof ROLES)[number];

/**
 * Commands plus the engine's non-command operations that are authorised the same way.
 *
 * @example
 * const op: Operation = 'readAudit';
 */
export type Operation = CommandType | 'register' | 'read' | 'readAudit' | 'recordFollowUp' | 'recompute';

/**
 * Roles allowed per operation.
 *
 * @example
 * const table: PermissionTable = { ...DEFAULT_PERMISSIONS, urge: ['supervisor'] };
 */
export type PermissionTable = Readonly<Record<Operation, readonly Role[]>>;

/**
 * Who acts: an authenticated person of one tenant, as the host's identity system knows them.
 *
 * @example
 * const liaison: Actor = { id: 'p-li', roles: ['liaison'], unitIds: ['u-water'], tenantId: 'shenzhen' };
 */
export interface Actor {
  id: string;
  roles: Role[];
  unitIds: string[];
  tenantId: string;
}

const UNIT_ROLES: ReadonlySet<Role> = new Set(['liaison', 'handler', 'unitLeader', 'cooperatingUnit']);
const CENTRE_ROLES: ReadonlySet<Role> = new Set(['intake', 'dispatcher', 'dutyChief', 'reviewer', 'supervisor', 'revisitAgent', 'admin']);

const ALL: readonly Role[] = ROLES;
const LEAD_WORK: readonly Role[] = ['handler', 'unitLeader'];
const LEAD_DESK: readonly Role[] = ['liaison', 'handler', 'unitLeader'];
const APPROVER: readonly Role[] = ['dutyChief', 'supervisor'];
const OVERSIGHT: readonly Role[] = ['supervisor'];

/**
 * The default role table. Judgement calls are documented in docs/process.md.
 *
 * @example
 * DEFAULT_PERMISSIONS.approveExtension;
 * //=> ['dutyChief', 'supervisor']
 */
export const DEFAULT_PERMISSIONS: PermissionTable = Object.freeze({
  register: ['intake', 'requester'],
  read: ALL,
  readAudit: ['dutyChief', 'supervisor', 'admin'],
  accept: ['intake', 'dispatcher', 'dutyChief'],
  decline: ['intake', 'dutyChief'],
  answerDirectly: ['intake'],
  acceptAndDispatch: ['intake', 'dispatcher', 'dutyChief'],
  // 改变办理类别 re-reads the case against the 派单目录 and moves every deadline: the dispatcher's
  // (分办/预审) and the duty chief's call, not intake's (which picked the tier at registration).
  changeTier: ['dispatcher', 'dutyChief'],
  dispatch: ['dispatcher', 'dutyChief'],
  sign: ['liaison', 'handler', 'unitLeader', 'cooperatingUnit'],
  requestReturn: LEAD_DESK,
  approveReturn: ['dutyChief', 'reviewer', 'supervisor'],
  rejectReturn: ['dutyChief', 'reviewer', 'supervisor'],
  redispatch: ['dispatcher', 'dutyChief'],
  transfer: LEAD_WORK,
  addUnit: ['dispatcher', 'dutyChief', 'unitLeader'],
  submitOpinion: ['cooperatingUnit', 'liaison', 'handler', 'unitLeader'],
  deemConsent: ['dispatcher', 'dutyChief', 'supervisor'],
  contactRequester: LEAD_DESK,
  reportProgress: LEAD_DESK,
  reportFirstFeedback: LEAD_DESK,
  requestExtension: LEAD_WORK,
  approveExtension: APPROVER,
  rejectExtension: APPROVER,
  requestSuspension: LEAD_WORK,
  approveSuspension: APPROVER,
  rejectSuspension: APPROVER,
  resume: ['dutyChief', 'supervisor', 'handler', 'unitLeader'],
  shelve: APPROVER,
  unshelve: APPROVER,
  reply: LEAD_WORK,
  approveReply: ['reviewer', 'dutyChief'],
  sendBack: ['reviewer', 'dutyChief'],
  evaluate: ['requester', 'revisitAgent'],
  conclude: ['revisitAgent', 'reviewer', 'dutyChief'],
  redo: ['dutyChief', 'reviewer', 'supervisor'],
  appeal: ['unitLeader'],
  decideAppeal: APPROVER,
  archive: ['dutyChief', 'admin'],
  cancel: ['dutyChief', 'admin', 'requester'],
  raiseSupervision: OVERSIGHT,
  cancelSupervision: OVERSIGHT,
  urge: ['supervisor', 'dutyChief', 'dispatcher'],
  markUrgent: ['dutyChief', 'supervisor', 'dispatcher'],
  cancelUrgent: ['dutyChief', 'supervisor', 'dispatcher'],
  submitPlan: LEAD_WORK,
  review: ['reviewer'],
  countersign: ['unitLeader', 'cooperatingUnit'],
  startImplementation: LEAD_WORK,
  // 回头看 is the revisit desk's work; recompute (after a holiday notice) is an administrator's.
  recordFollowUp: ['revisitAgent', 'dutyChief'],
  recompute: ['admin', 'dutyChief'],
});

/** Commands that decide someone else's request: four eyes apply. */
const APPROVALS: ReadonlySet<Operation> = new Set([
  'approveReturn', 'rejectReturn', 'approveExtension', 'rejectExtension', 'approveSuspension', 'rejectSuspension', 'decideAppeal',
]);

/** Commands a unit role issues for a unit named in the command rather than for the lead unit. */
const NAMED_UNIT: ReadonlySet<Operation> = new Set(['sign', 'submitOpinion', 'countersign']);

/**
 * A permission decision; `reason` ends up in the `PERMISSION` error's details.
 *
 * @example
 * const no: Decision = { allowed: false, reason: 'urgentNeedsPrincipal' };
 */
export type Decision = { allowed: true } | { allowed: false; reason: string };

/**
 * What a permission decision looks at. `case` is null for `register`.
 *
 * @example
 * const decide = (req: AuthorizationRequest, d: Decision): Decision =>
 *   req.operation === 'cancel' && req.case?.state === 'inProgress' ? { allowed: false, reason: 'handling' } : d;
 */
export interface AuthorizationRequest {
  actor: Actor;
  operation: Operation;
  command: Command | null;
  case: CaseView | null;
}

/**
 * The parts of a case the default table looks at (a `CaseView` has them all).
 *
 * @example
 * const facts: CaseFacts = view;
 */
export type CaseFacts = Pick<CaseView, 'requester' | 'leadUnitId' | 'assignments' | 'returnRequest' | 'extension' | 'suspension' | 'appeal'>;

/**
 * Host overrides of the default table.
 *
 * @example
 * createEngine({ permissions: { table: { shelve: ['reviewer'] }, mode: 'extend', decide: (req, d) => d } });
 */
export interface PermissionOptions {
  /** Roles per operation. With `mode: 'extend'` (default) they are added to the defaults; with `'replace'` the given table is the whole table. */
  table?: Partial<Record<Operation, readonly Role[]>>;
  mode?: 'extend' | 'replace';
  /**
   * Last word on every decision: receives the request and the table's decision, returns the final
   * one. Use it for rules the table cannot express (unit hierarchies, leader-level sign-off).
   */
  decide?: (request: AuthorizationRequest, decision: Decision) => Decision;
}

/**
 * Merges host options into the default table.
 *
 * @example
 * resolvePermissionTable({ table: { urge: ['handler'] } }).urge;
 * //=> ['supervisor', 'dutyChief', 'dispatcher', 'handler']
 */
export function resolvePermissionTable(options: PermissionOptions | undefined): PermissionTable {
  if (options?.table === undefined) return DEFAULT_PERMISSIONS;
  if (options.mode === 'replace') {
    const table: Partial<Record<Operation, readonly Role[]>> = {};
    for (const op of Object.keys(DEFAULT_PERMISSIONS) as Operation[]) table[op] = options.table[op] ?? [];
    return table as PermissionTable;
  }
  const table: Record<string, readonly Role[]> = { ...DEFAULT_PERMISSIONS };
  for (const [op, roles] of Object.entries(options.table)) {
    if (roles !== undefined) table[op] = [...new Set([...(table[op] ?? []), ...roles])];
  }
  return table as PermissionTable;
}

const deny = (reason: string): Decision => ({ allowed: false, reason });

/** The unit a unit-role actor must belong to for this operation, or null when there is none. */
function unitFor(op: Operation, command: Command | null, view: CaseFacts | null): string | null {
  if (NAMED_UNIT.has(op) && command !== null && 'unitId' in command) return command.unitId;
  return view?.leadUnitId ?? null;
}

function requestFiler(op: Operation, view: CaseFacts): string | null {
  switch (op) {
    case 'approveReturn':
    case 'rejectReturn':
      return view.returnRequest?.requestedBy ?? null;
    case 'approveExtension':
    case 'rejectExtension':
      return view.extension.requestedBy;
    case 'approveSuspension':
    case 'rejectSuspension':
      return view.suspension.requestedBy;
    case 'decideAppeal':
      return view.appeal?.by ?? null;
    default:
      return null;
  }
}

/**
 * The table's decision for one request (before the host's `decide` hook).
 *
 * @example
 * authorize(DEFAULT_PERMISSIONS, { actor: { id: 'p1', roles: ['handler'], unitIds: [], tenantId: 't' }, operation: 'dispatch', command: null, case: null });
 * //=> { allowed: false, reason: 'role' }
 */
export function authorize(
  table: PermissionTable,
  request: Omit<AuthorizationRequest, 'case'> & { case: CaseFacts | null },
): Decision {
  const { actor, operation: op, command, case: view } = request;
  const allowedRoles = table[op] ?? [];
  const granting = actor.roles.filter((r) => allowedRoles.includes(r));
  if (granting.length === 0) return deny('role');

  if (view !== null && APPROVALS.has(op)) {
    if (view.requester.id !== undefined && view.requester.id === actor.id) return deny('ownCase');
    if (requestFiler(op, view) === actor.id) return deny('ownRequest');
  }
  if (view === null || granting.some((r) => CENTRE_ROLES.has(r))) return { allowed: true };

  let reason = 'role';
  for (const role of granting) {
    if (role === 'requester') {
      if (view.requester.id !== undefined && view.requester.id === actor.id) return { allowed: true };
      reason = 'notRequester';
    } else if (UNIT_ROLES.has(role)) {
      if (op === 'read') {
        if (view.assignments.some((a) => actor.unitIds.includes(a.unitId))) return { allowed: true };
        reason = 'notAssignedUnit';
        continue;
      }
      const unit = unitFor(op, command, view);
      if (unit === null || !actor.unitIds.includes(unit)) {
        reason = 'notAssignedUnit';
        continue;
      }
      // A cooperating unit's people act for their own share, never for the lead's.
      if (role === 'cooperatingUnit' && unit === view.leadUnitId) {
        reason = 'notLeadUnit';
        continue;
      }
      return { allowed: true };
    }
  }
  return deny(reason);
}
