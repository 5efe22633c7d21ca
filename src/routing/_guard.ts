// Internal helpers shared by policies, combinators and the router. Not exported from the package.
import { JiaobanError } from '../errors.js';
import type { Directory } from './create-directory.js';
import type {
  CooperatingUnit,
  MaybePromise,
  Ranking,
  RoutingCandidate,
  RoutingContext,
  RoutingDecision,
  RoutingNote,
  RoutingRequest,
} from './routing-policy.js';

/**
 * Chains on a value that may or may not be a promise, without turning a synchronous chain asynchronous:
 * the built-in policies are all synchronous and a decision must not pay for a microtask it does not need.
 */
export function _then<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Like `_then`, but also routes a synchronous throw or a rejection to `onError`. */
export function _attempt<T, U>(
  run: () => MaybePromise<T>,
  next: (value: T) => MaybePromise<U>,
  onError: (error: unknown) => MaybePromise<U>,
): MaybePromise<U> {
  let value: MaybePromise<T>;
  try {
    value = run();
  } catch (error) {
    return onError(error);
  }
  return value instanceof Promise ? value.then(next, onError) : next(value);
}

/** `Promise.all` that stays synchronous when every element already is. */
export function _all<T>(values: MaybePromise<T>[]): MaybePromise<T[]> {
  return values.some((value) => value instanceof Promise) ? Promise.all(values) : (values as T[]);
}

/** Best first; ties broken by unit id so that the same inputs always give the same decision. */
export function _byScore(a: RoutingCandidate, b: RoutingCandidate): number {
  return b.score - a.score || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0);
}

/** The unit's display name for reasons, or its id when the directory does not know it. */
export function _unitName(directory: Directory, unitId: string): string {
  return directory.unit(unitId)?.name ?? unitId;
}

/** `a/b/c` → `['a/b/c', 'a/b', 'a']`: a category and its ancestors, most specific first. */
export function _categoryAncestors(category: string): string[] {
  const keys = [category];
  let cut = category.lastIndexOf('/');
  while (cut > 0) {
    keys.push(category.slice(0, cut));
    cut = category.lastIndexOf('/', cut - 1);
  }
  return keys;
}

/** 0.912 → '91%'. */
export function _percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

/** Scores go through several policies and weights; two decimals are what a human can read. */
export function _round(score: number): number {
  return Math.round(score * 1000) / 1000;
}

function _triedOutcome(request: RoutingRequest, unitId: string): RoutingRequest['triedUnits'][number] | undefined {
  // A case is tried by a handful of units at most: a linear scan beats building a Set per decision.
  for (const tried of request.triedUnits) if (tried.unitId === unitId) return tried;
  return undefined;
}

function _cleanCooperating(
  cooperating: CooperatingUnit[],
  leadUnitId: string,
  request: RoutingRequest,
  directory: Directory,
): CooperatingUnit[] {
  let clean: CooperatingUnit[] | undefined;
  for (let i = 0; i < cooperating.length; i += 1) {
    const entry = cooperating[i] as CooperatingUnit;
    const unit = directory.unit(entry.unitId);
    const drop =
      entry.unitId === leadUnitId ||
      unit === undefined ||
      !unit.active ||
      _triedOutcome(request, entry.unitId) !== undefined ||
      cooperating.findIndex((other) => other.unitId === entry.unitId) < i;
    if (drop && clean === undefined) clean = cooperating.slice(0, i);
    else if (!drop && clean !== undefined) clean.push(entry);
  }
  return clean ?? cooperating;
}

/**
 * The always-on guard. Drops candidates whose unit is unknown or inactive in the directory, or already
 * returned or transferred this case; cleans their cooperating lists the same way (and never lists the lead
 * as its own cooperating unit); drops a primary owner who is not a member of the unit. Every drop leaves a
 * note, so that the reasons tell the dispatcher what was skipped and why. Idempotent.
 */
export function _admit(policy: string, ranking: Ranking, request: RoutingRequest, directory: Directory): Ranking {
  // Combinators and the router admit what inner policies already admitted; skip the repeat, but only for
  // the very same request and directory (a policy may hand back a cached ranking for another case).
  const stamp = _admitted.get(ranking);
  if (stamp !== undefined && stamp.request === request && stamp.directory === directory) return ranking;
  const notes: RoutingNote[] = ranking.notes.slice();
  const candidates: RoutingCandidate[] = [];
  const seen = new Set<string>();
  const sorted = ranking.candidates.length > 1 ? ranking.candidates.slice().sort(_byScore) : ranking.candidates;
  for (const candidate of sorted) {
    const { unitId } = candidate;
    if (seen.has(unitId)) continue;
    seen.add(unitId);
    const unit = directory.unit(unitId);
    if (unit === undefined) {
      if (!notes.some((note) => note.code === 'unknownUnit' && note.unitId === unitId)) {
        notes.push({ policy, code: 'unknownUnit', unitId, message: `排除: 单位 ${unitId} 不在组织目录中` });
      }
      continue;
    }
    if (!unit.active) {
      if (!notes.some((note) => note.code === 'inactiveUnit' && note.unitId === unitId)) {
        notes.push({ policy, code: 'inactiveUnit', unitId, message: `排除: ${unit.name} 已停用` });
      }
      continue;
    }
    const tried = _triedOutcome(request, unitId);
    if (tried !== undefined) {
      const code = tried.outcome === 'returned' ? 'excludedReturned' : 'excludedTransferred';
      if (!notes.some((note) => note.code === code && note.unitId === unitId)) {
        const verb = tried.outcome === 'returned' ? '已退单' : '已转派';
        const why = tried.reason === undefined ? '' : ` (${tried.reason})`;
        notes.push({ policy, code, unitId, message: `排除: ${unit.name} ${verb}${why}` });
      }
      continue;
    }
    const cooperating = _cleanCooperating(candidate.cooperating, unitId, request, directory);
    const owner = candidate.primaryOwnerId;
    const ownerOk = owner === undefined || directory.isMember(owner, unitId);
    if (!ownerOk) {
      notes.push({ policy, code: 'ownerDropped', unitId, message: `第一责任人 ${owner} 不属于 ${unit.name}, 留待签收时指定` });
    }
    if (cooperating === candidate.cooperating && ownerOk) {
      candidates.push(candidate);
    } else {
      const { primaryOwnerId: _dropped, ...rest } = candidate;
      candidates.push(ownerOk ? { ...candidate, cooperating } : { ...rest, cooperating });
    }
  }
  const admitted = { candidates, notes };
  _admitted.set(admitted, { request, directory });
  return admitted;
}

const _admitted = new WeakMap<Ranking, { request: RoutingRequest; directory: Directory }>();

/** Builds the ROUTING error for a ranking with no admissible candidate, picking the most telling reason. */
export function _noDecision(policy: string, ranking: Ranking, request: RoutingRequest): JiaobanError<'ROUTING'> {
  const { notes } = ranking;
  const triedUnits = request.triedUnits.map((tried) => tried.unitId);
  const messages = notes.map((note) => note.message);
  const has = (code: RoutingNote['code']): boolean => notes.some((note) => note.code === code);
  if (has('excludedReturned') || has('excludedTransferred')) {
    return new JiaobanError(
      'ROUTING',
      `every unit the policy ${policy} named for case ${request.caseId} has already returned or transferred it`,
      { reason: 'allCandidatesReturned', caseId: request.caseId, category: request.category, policy, triedUnits, notes: messages },
    );
  }
  for (const code of ['unknownUnit', 'inactiveUnit'] as const) {
    if (has(code)) {
      const unitIds = notes.filter((note) => note.code === code).map((note) => note.unitId ?? '');
      return new JiaobanError(
        'ROUTING',
        `the policy ${policy} named only ${code === 'unknownUnit' ? 'unknown' : 'inactive'} units for case ${request.caseId}: ${unitIds.join(', ')}`,
        { reason: code, unitIds, caseId: request.caseId, triedUnits, problem: messages.join('; ') },
      );
    }
  }
  const reason = has('unknownCategory') ? 'unknownCategory' : 'noCandidate';
  return new JiaobanError(
    'ROUTING',
    reason === 'unknownCategory'
      ? `category ${request.category} of case ${request.caseId} is not in the dispatch catalogue and no other policy named a unit`
      : `the policy ${policy} named no unit for case ${request.caseId}`,
    { reason, caseId: request.caseId, category: request.category, policy, triedUnits, notes: messages },
  );
}

/** Turns an admitted ranking into a decision: the best candidate, its reasons first, then the notes. */
export function _toDecision(ranking: Ranking, maxAlternatives: number): RoutingDecision {
  const [best, ...rest] = ranking.candidates as [RoutingCandidate, ...RoutingCandidate[]];
  const reasons = best.reasons.slice();
  for (const note of ranking.notes) if (!reasons.includes(note.message)) reasons.push(note.message);
  const decision: RoutingDecision = {
    leadUnitId: best.unitId,
    // A copy: policies may share their cooperating lists between decisions (the catalogue does).
    cooperating: best.cooperating.slice(),
    score: _round(best.score),
    reasons,
    policy: best.policy,
    alternatives: rest.slice(0, maxAlternatives).map((candidate) => candidate.unitId),
  };
  if (best.leadDuty !== undefined) decision.leadDuty = best.leadDuty;
  if (best.primaryOwnerId !== undefined) decision.primaryOwnerId = best.primaryOwnerId;
  if (best.terms !== undefined) decision.terms = best.terms;
  return decision;
}

/** `decide` for any policy: guard, then best candidate, or a typed ROUTING error. */
export function _decide(
  policy: string,
  ranking: MaybePromise<Ranking>,
  request: RoutingRequest,
  context: RoutingContext,
  maxAlternatives = 3,
): MaybePromise<RoutingDecision> {
  return _then(ranking, (raw) => {
    const admitted = _admit(policy, raw, request, context.directory);
    if (admitted.candidates.length === 0) throw _noDecision(policy, admitted, request);
    return _toDecision(admitted, maxAlternatives);
  });
}
