import type { Tier } from './commands.js';
import { MACHINE_VERSION, type TierMachine } from './_build-tier-machine.js';
import { complexMachine } from './complex-machine.js';
import { generalMachine } from './general-machine.js';
import { immediateMachine } from './immediate-machine.js';
import type { SnapshotMigration } from './migrate-snapshot.js';

/** A tier's machine with the id and integer version stored next to every snapshot. */
export interface TierDefinition {
  tier: Tier;
  /** `jiaoban.<tier>`. */
  id: string;
  /** Bumped when states or context change shape; a stored snapshot of another version is refused. */
  version: number;
  machine: TierMachine;
  /**
   * Steps that bring snapshots persisted by older versions up to `version`, one per old version.
   * A host that changes a machine bumps `version` and registers the step here; a stored case with
   * no path is refused with `INCOMPATIBLE_DEFINITION` rather than mis-restored.
   */
  migrations?: readonly SnapshotMigration[];
}

/**
 * The built-in tier definitions. Pass a modified copy as `createEngine({ tiers })` to run a
 * host-specific machine for a tier (it must keep the command vocabulary).
 *
 * @example
 * TIER_DEFINITIONS.general.id;
 * //=> 'jiaoban.general'
 */
export const TIER_DEFINITIONS: Readonly<Record<Tier, TierDefinition>> = Object.freeze({
  immediate: { tier: 'immediate', id: 'jiaoban.immediate', version: MACHINE_VERSION, machine: immediateMachine },
  general: { tier: 'general', id: 'jiaoban.general', version: MACHINE_VERSION, machine: generalMachine },
  complex: { tier: 'complex', id: 'jiaoban.complex', version: MACHINE_VERSION, machine: complexMachine },
});

export type { TierMachine };
