import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import { createDirectory } from '../../src/routing/index.js';
import { directory, directoryJson } from './_fixtures.js';

function validationIssues(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isJiaobanError(error, 'VALIDATION')) return error.details.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected a VALIDATION error');
}

describe('createDirectory', () => {
  it('looks up units, people and memberships by id', () => {
    expect(directory.unit('chengguan')?.name).toBe('城管局');
    expect(directory.person('p.li')?.skills).toEqual(['电力', '路灯']);
    expect(directory.members('chengguan').map((m) => m.personId)).toEqual(['p.wang']);
    expect(directory.memberships('p.zheng').map((m) => m.unitId)).toEqual(['street.a']);
    expect(directory.isMember('p.wang', 'chengguan')).toBe(true);
    expect(directory.isMember('p.wang', 'gongdian')).toBe(false);
  });

  it('returns undefined or an empty list for unknown ids', () => {
    expect(directory.unit('nope')).toBeUndefined();
    expect(directory.members('nope')).toEqual([]);
    expect(directory.unitsWithTag('nope')).toEqual([]);
  });

  it('fills defaults: active, no mandates, no tags, member role', () => {
    const small = createDirectory({ units: [{ id: 'u', name: 'U' }], people: [{ id: 'p', name: 'P' }], memberships: [{ personId: 'p', unitId: 'u' }] });
    expect(small.unit('u')).toEqual({ id: 'u', name: 'U', mandates: [], tags: [], active: true });
    expect(small.members('u')[0]?.role).toBe('member');
  });

  it('knows each unit’s direct superior and subordinates', () => {
    expect(directory.superior('street.a')?.id).toBe('district');
    expect(directory.superior('city')).toBeUndefined();
    expect(directory.subordinates('district').map((u) => u.id)).toEqual(['street.a', 'street.b']);
  });

  it('inherits the calendar from the nearest superior that has one', () => {
    expect(directory.calendarId('street.a')).toBe('cn');
    expect(directory.calendarId('gongdian')).toBe('24x7');
  });

  it('indexes units by mandate and tag, and people by skill', () => {
    expect(directory.unitsWithMandate('urban/vending').map((u) => u.id)).toEqual(['street.a', 'street.b']);
    expect(directory.unitsWithTag('路灯').map((u) => u.id)).toEqual(['chengguan', 'gongdian']);
    expect(directory.peopleWithSkill('电力').map((p) => p.id)).toEqual(['p.li', 'p.gone']);
  });

  it('rejects JSON that does not match the schema, with the path', () => {
    expect(validationIssues(() => createDirectory({ units: [{ id: '', name: 'x' }] }))).toEqual([
      expect.stringMatching(/^units\.0\.id: /),
    ]);
  });

  it('rejects duplicate ids, unknown superiors and dangling memberships, all at once', () => {
    const issues = validationIssues(() =>
      createDirectory({
        units: [
          { id: 'a', name: 'A', superiorId: 'ghost' },
          { id: 'a', name: 'A again' },
        ],
        people: [{ id: 'p', name: 'P' }],
        memberships: [{ personId: 'nobody', unitId: 'nowhere' }],
      }),
    );
    expect(issues).toEqual([
      'units.1.id: duplicate unit id a',
      'units.0.superiorId: unknown superior ghost',
      'memberships.0.unitId: unknown unit nowhere',
      'memberships.0.personId: unknown person nobody',
    ]);
  });

  it('rejects a cycle in the superior chain', () => {
    const issues = validationIssues(() =>
      createDirectory({ units: [{ id: 'a', name: 'A', superiorId: 'b' }, { id: 'b', name: 'B', superiorId: 'a' }] }),
    );
    expect(issues[0]).toMatch(/cycle/);
  });

  it('builds 1,000 units and 10,000 people in well under a second', () => {
    const units = Array.from({ length: 1000 }, (_, i) => ({ id: `u${i}`, name: `U${i}`, ...(i > 0 ? { superiorId: `u${Math.floor((i - 1) / 10)}` } : {}) }));
    const people = Array.from({ length: 10_000 }, (_, i) => ({ id: `p${i}`, name: `P${i}`, skills: [`s${i % 50}`] }));
    const memberships = people.map((p, i) => ({ personId: p.id, unitId: `u${i % 1000}` }));
    const started = performance.now();
    const big = createDirectory({ units, people, memberships });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(big.peopleWithSkill('s7')).toHaveLength(200);
    expect(big.calendarId('u999')).toBeUndefined();
  });

  it('accepts the fixture JSON unchanged', () => {
    expect(createDirectory(directoryJson).units()).toHaveLength(directoryJson.units.length);
  });
});
