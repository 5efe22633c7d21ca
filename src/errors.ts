/**
 * One error class for the whole library. Callers switch on the literal `code`; the message is for
 * humans; `details` is structured data safe to log (it never carries a requester's personal data);
 * the original error, when there is one, sits in `cause`.
 */

/** Every stable error code. See docs/errors.md for when each is raised. */
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'PERMISSION',
  'INVALID_TRANSITION',
  'CONCURRENCY',
  'IDEMPOTENCY_CONFLICT',
  'ROUTING',
  'CALENDAR_RANGE',
  'CALENDAR_CONFIG',
  'INCOMPATIBLE_DEFINITION',
  'SCHEMA_VERSION',
  'STORE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** A problem with one input field, in the shape zod reports it. */
export interface FieldIssue {
  path: ReadonlyArray<string | number>;
  message: string;
}

/** The `details` each code carries. Codes not listed carry a free-form record. */
export interface ErrorDetailsMap {
  VALIDATION: { issues: FieldIssue[] };
  NOT_FOUND: { entity: string; id: string };
  PERMISSION: { command: string; actorId: string; reason: string };
  INVALID_TRANSITION: { command: string; state: string; caseId: string };
  CONCURRENCY: { caseId: string; expected: number; actual: number | null };
  IDEMPOTENCY_CONFLICT: { idempotencyKey: string };
  ROUTING: RoutingErrorDetails;
  CALENDAR_RANGE: { date: string; covered: { from: number; to: number } };
  CALENDAR_CONFIG: { reason: string; field?: string };
  INCOMPATIBLE_DEFINITION: { machineId: string; storedVersion: number; currentVersion: number };
  SCHEMA_VERSION: { expected: number; actual: number };
  STORE: { operation: string; outcome?: 'failed' | 'unknown'; reason?: string };
}

export type ErrorDetails<C extends ErrorCode> = ErrorDetailsMap[C];

/**
 * Why routing gave no automatic decision. A literal union so that callers can `switch` on it:
 * `manualDispatchRequired` is the anti-ping-pong stop (the duty chief must force-dispatch, 强派),
 * `allCandidatesReturned` means every unit a policy named has already returned or transferred the case,
 * `noCandidate` means no policy named any unit, `unknownCategory` that the category is not in the
 * dispatch catalogue (派单目录), `unknownUnit` / `inactiveUnit` that a unit id is not (or no longer) in
 * the directory, `invalidDispatch` that a manual dispatch is malformed (duplicate unit, lead also
 * listed as cooperating, primary owner outside the lead unit).
 */
export type RoutingFailureReason =
  | 'noCandidate'
  | 'allCandidatesReturned'
  | 'manualDispatchRequired'
  | 'unknownUnit'
  | 'inactiveUnit'
  | 'unknownCategory'
  | 'invalidDispatch';

/** What the center must do when automatic routing stops (details of `manualDispatchRequired`). */
export type RoutingRequiredAction = 'forceDispatch' | 'flagSupervision';

/**
 * The `details` of a `ROUTING` error, discriminated by `reason`. `triedUnits` (ids of the units that
 * already returned or transferred the case) stays optional on every variant, as before.
 */
export type RoutingErrorDetails =
  | {
      reason: 'manualDispatchRequired';
      caseId: string;
      returnCount: number;
      maxAutoReturns: number;
      triedUnits?: string[];
      /** Always `['forceDispatch', 'flagSupervision']`: 值班长强派, then 督办. */
      requiredActions: RoutingRequiredAction[];
      escalateTo: 'dutyChief';
      /**
       * 首接负责制: the first unit that received the case (the oldest entry of `triedUnits`), which owns its
       * coordination and is the default target of the forced dispatch. Absent when nobody was tried.
       */
      firstReceiverUnitId?: string;
    }
  | {
      reason: 'noCandidate' | 'allCandidatesReturned' | 'unknownCategory';
      caseId: string;
      category: string;
      policy: string;
      triedUnits?: string[];
      /** The policies' own explanations of why they named nobody, in Chinese, for the dispatcher. */
      notes: string[];
    }
  | {
      reason: 'unknownUnit' | 'inactiveUnit' | 'invalidDispatch';
      unitIds: string[];
      caseId?: string;
      triedUnits?: string[];
      problem?: string;
    };

/**
 * The base error of jiaoban.
 *
 * @example
 * try {
 *   calendar.addWorkingDays(new Date('2031-01-01'), 1);
 * } catch (error) {
 *   if (isJiaobanError(error, 'CALENDAR_RANGE')) console.log(error.details.covered);
 *   //=> { from: 2019, to: 2026 }
 * }
 */
export class JiaobanError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name: string = 'JiaobanError';
  readonly code: C;
  readonly details: ErrorDetails<C>;

  constructor(code: C, message: string, details: ErrorDetails<C>, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
  }

  toJSON(): { name: string; code: C; message: string; details: ErrorDetails<C> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Narrows an unknown thrown value to a `JiaobanError`, optionally of one code.
 *
 * @example
 * isJiaobanError(new JiaobanError('NOT_FOUND', 'no case', { entity: 'case', id: 'c1' }), 'NOT_FOUND');
 * //=> true
 */
export function isJiaobanError<C extends ErrorCode>(error: unknown, code?: C): error is JiaobanError<C> {
  return error instanceof JiaobanError && (code === undefined || error.code === code);
}

/**
 * A version conflict: someone committed to the case between this command's load and its commit.
 * Carries `expected` and `actual` at the top level for callers that retry.
 *
 * @example
 * const error = new ConcurrencyError('c-1', 3, 4);
 * [error.code, error.expected, error.actual];
 * //=> ['CONCURRENCY', 3, 4]
 */
export class ConcurrencyError extends JiaobanError<'CONCURRENCY'> {
  override readonly name: string = 'ConcurrencyError';
  readonly expected: number;
  readonly actual: number | null;

  constructor(caseId: string, expected: number, actual: number | null, options?: { cause?: unknown }) {
    super('CONCURRENCY', `case ${caseId} is at version ${actual ?? 'none'}, expected ${expected}`, { caseId, expected, actual }, options);
    this.expected = expected;
    this.actual = actual;
  }
}
