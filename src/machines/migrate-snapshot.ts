import { JiaobanError } from '../errors.js';

/** A persisted xstate snapshot as the store holds it: the state value and the case context. */
export interface PersistedSnapshot {
  value: unknown;
  context: unknown;
}

/**
 * One step of a machine's history: turns a snapshot persisted by version `from` into one that
 * version `from + 1` restores. Pure; it receives a copy and may return a new object or the same one.
 */
export interface SnapshotMigration {
  from: number;
  migrate(snapshot: PersistedSnapshot): PersistedSnapshot;
}

/** Where a snapshot came from and where it must go. */
export interface MigrationTarget {
  id: string;
  version: number;
  migrations?: readonly SnapshotMigration[];
}

/**
 * Brings a stored snapshot up to the current machine version, one registered step at a time.
 *
 * The rule is "a path or a typed refusal": a snapshot of another machine id, of a version newer than
 * the code, or of an older version with a missing step raises `INCOMPATIBLE_DEFINITION`. Restoring
 * it anyway would put the case in a state the running machine may not have, and the mistake would
 * only show commands later.
 *
 * @example
 * const target = { id: 'jiaoban.general', version: 2, migrations: [
 *   { from: 1, migrate: (s) => ({ ...s, value: s.value === 'handling' ? 'inProgress' : s.value }) },
 * ] };
 * migrateSnapshot({ id: 'jiaoban.general', version: 1 }, { value: 'handling', context: {} }, target);
 * //=> { value: 'inProgress', context: {} }
 */
export function migrateSnapshot(
  stored: { id: string; version: number },
  snapshot: PersistedSnapshot,
  target: MigrationTarget,
): PersistedSnapshot {
  const refuse = (why: string): JiaobanError<'INCOMPATIBLE_DEFINITION'> =>
    new JiaobanError('INCOMPATIBLE_DEFINITION', `snapshot of ${stored.id}@${stored.version} cannot become ${target.id}@${target.version}: ${why}`, {
      machineId: stored.id,
      storedVersion: stored.version,
      currentVersion: target.version,
    });
  if (stored.id !== target.id) throw refuse('different machine');
  if (stored.version > target.version) throw refuse('the snapshot is newer than the code');
  let current = snapshot;
  for (let version = stored.version; version < target.version; version += 1) {
    const step = target.migrations?.find((m) => m.from === version);
    if (step === undefined) throw refuse(`no migration registered from version ${version}`);
    try {
      current = step.migrate(structuredClone(current));
    } catch (cause) {
      throw new JiaobanError(
        'INCOMPATIBLE_DEFINITION',
        `migration of ${stored.id} from version ${version} failed`,
        { machineId: stored.id, storedVersion: stored.version, currentVersion: target.version },
        { cause },
      );
    }
  }
  return current;
}
