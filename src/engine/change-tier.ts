/**
 * 改变办理类别 (升级为复杂协同类, 降为一般办理类…) on the engine's side. The machines decide where a
 * change is allowed (`changeTier` in `pendingAcceptance` / `pendingDispatch`, to another tier) and
 * record the new tier in the context; this module moves the case to the new tier's machine. The SLA
 * glue already reads the tier from the context, so the same commit re-tiers the clocks from the
 * case's original start (`applySlaEvent`), and the row's `tier` / `machine` make every later command
 * restore the case with the new tier's machine.
 */
import { JiaobanError } from '../errors.js';
import type { CaseContext } from '../machines/case-context.js';
import type { TierDefinition } from '../machines/tier-definitions.js';
import type { StoredCase } from '../store/case-store.js';
import type { Command, Tier } from './commands.js';
import type { TierChangedData } from './events.js';

type Snapshot = ReturnType<TierDefinition['machine']['resolveState']>;

/**
 * Where a transition left the case: the same machine, or after a change of tier the new tier's
 * machine holding the same state and context, with what changed and the row fields that follow.
 */
export interface FollowedTier {
  def: TierDefinition;
  snapshot: Snapshot;
  /** `null` unless the transition changed the tier. */
  change: TierChangedData | null;
  /** The row's `tier` and `machine` after the change (`null`: unchanged), so later loads pick the new machine. */
  row: Pick<StoredCase, 'tier' | 'machine'> | null;
}

/**
 * Moves a transitioned snapshot to the machine of the tier its context names, when the command
 * changed it. The target machine must be able to hold the state: the built-in ones always can (they
 * share every state where the change is allowed); a host machine (`createEngine({ tiers })`) that
 * cannot is `INCOMPATIBLE_DEFINITION`, so the command writes nothing rather than store a case no
 * later command could restore.
 *
 * @example
 * const [next] = transition(def.machine, snapshot, { type: 'changeTier', tier: 'complex', reason: '跨部门', meta });
 * const moved = followTier(TIER_DEFINITIONS, def, snapshot.context, next, command);
 * [moved.def.id, moved.change, moved.row];
 * //=> ['jiaoban.complex', { from: 'general', to: 'complex', reason: '跨部门' }, { tier: 'complex', machine: { id: 'jiaoban.complex', version: 1 } }]
 */
export function followTier(
  tiers: Readonly<Record<Tier, TierDefinition>>,
  def: TierDefinition,
  before: CaseContext,
  next: Snapshot,
  command: Command,
): FollowedTier {
  const to = next.context.tier;
  if (to === before.tier) return { def, snapshot: next, change: null, row: null };
  const target = tiers[to];
  let snapshot: Snapshot;
  try {
    snapshot = target.machine.resolveState({ value: next.value as never, context: next.context });
  } catch (cause) {
    throw new JiaobanError('INCOMPATIBLE_DEFINITION', `${target.id}@${target.version} cannot hold a case in ${JSON.stringify(next.value)}`, {
      machineId: target.id, storedVersion: def.version, currentVersion: target.version,
    }, { cause });
  }
  return {
    def: target,
    snapshot,
    change: { from: before.tier, to, reason: command.type === 'changeTier' ? command.reason : '' },
    row: { tier: to, machine: { id: target.id, version: target.version } },
  };
}
