import { describe, expect, it } from 'vitest';
import { migrateSnapshot, type MigrationTarget } from '../../src/machines/migrate-snapshot.js';
import { JiaobanError } from '../../src/errors.js';

const renameHandling = { from: 1, migrate: (s: { value: unknown; context: unknown }) => ({ ...s, value: s.value === 'handling' ? 'inProgress' : s.value }) };
const addUrgent = { from: 2, migrate: (s: { value: unknown; context: unknown }) => ({ ...s, context: { ...(s.context as object), urgent: false } }) };
const v3: MigrationTarget = { id: 'jiaoban.general', version: 3, migrations: [addUrgent, renameHandling] };

function incompatible(run: () => unknown): JiaobanError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(JiaobanError);
    expect((error as JiaobanError).code).toBe('INCOMPATIBLE_DEFINITION');
    return error as JiaobanError;
  }
  throw new Error('expected INCOMPATIBLE_DEFINITION');
}

describe('migrateSnapshot', () => {
  it('returns the snapshot unchanged when the versions match', () => {
    const snapshot = { value: 'inProgress', context: { a: 1 } };
    expect(migrateSnapshot({ id: 'jiaoban.general', version: 3 }, snapshot, v3)).toEqual(snapshot);
  });

  it('chains registered steps in version order, whatever order they were registered in', () => {
    const migrated = migrateSnapshot({ id: 'jiaoban.general', version: 1 }, { value: 'handling', context: {} }, v3);
    expect(migrated).toEqual({ value: 'inProgress', context: { urgent: false } });
  });

  it('does not mutate the stored snapshot', () => {
    const stored = { value: 'handling', context: { n: 1 } };
    migrateSnapshot({ id: 'jiaoban.general', version: 1 }, stored, { id: 'jiaoban.general', version: 2, migrations: [{ from: 1, migrate: (s) => { (s.context as { n: number }).n = 2; return s; } }] });
    expect(stored).toEqual({ value: 'handling', context: { n: 1 } });
  });

  it('refuses a version with no registered step', () => {
    const error = incompatible(() => migrateSnapshot({ id: 'jiaoban.general', version: 1 }, { value: 'x', context: {} }, { id: 'jiaoban.general', version: 3, migrations: [addUrgent] }));
    expect(error.details).toEqual({ machineId: 'jiaoban.general', storedVersion: 1, currentVersion: 3 });
  });

  it('refuses a snapshot newer than the code', () => {
    incompatible(() => migrateSnapshot({ id: 'jiaoban.general', version: 4 }, { value: 'x', context: {} }, v3));
  });

  it('refuses a snapshot of another machine', () => {
    incompatible(() => migrateSnapshot({ id: 'jiaoban.complex', version: 3 }, { value: 'x', context: {} }, v3));
  });

  it('turns a failing migration into a typed error with the cause kept', () => {
    const boom = new Error('bad data');
    const error = incompatible(() => migrateSnapshot({ id: 'jiaoban.general', version: 2 }, { value: 'x', context: {} }, { id: 'jiaoban.general', version: 3, migrations: [{ from: 2, migrate: () => { throw boom; } }] }));
    expect(error.cause).toBe(boom);
  });
});
