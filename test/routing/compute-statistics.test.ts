import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeStatistics, type AssignmentRecord } from '../../src/routing/index.js';
import { records } from './_fixtures.js';

describe('computeStatistics', () => {
  it('counts open assignments by tier as load', () => {
    const rows = computeStatistics([
      ...records('u', 2, { state: 'open', tier: 'general' }),
      ...records('u', 1, { state: 'open', tier: 'complex' }),
      ...records('u', 3, { state: 'concluded' }),
    ]);
    expect(rows.find((row) => row.category === null)?.openLoad).toEqual({ immediate: 0, general: 2, complex: 1 });
  });

  it('computes on-time, return, redo rates, working days and satisfaction', () => {
    const [unit] = computeStatistics([
      { caseId: 'a', unitId: 'u', category: 'x', tier: 'general', role: 'lead', state: 'concluded', onTime: true, workingDays: 2, satisfaction: 100 },
      { caseId: 'b', unitId: 'u', category: 'x', tier: 'general', role: 'lead', state: 'concluded', onTime: false, workingDays: 4, redoCount: 1, satisfaction: 60 },
      { caseId: 'c', unitId: 'u', category: 'x', tier: 'general', role: 'lead', state: 'returned' },
      { caseId: 'd', unitId: 'u', category: 'x', tier: 'general', role: 'cooperating', state: 'withdrawn' },
    ], { rates: 'all' });
    expect(unit).toMatchObject({
      dispatched: 4,
      concluded: 2,
      returned: 1,
      onTimeRate: 0.5,
      avgWorkingDaysToConclude: 3,
      returnRate: 0.25,
      redoRate: 0.5,
      satisfaction: 80,
      rated: 2,
    });
  });

  it('rates lead work only by default, but counts cooperating work as load', () => {
    const list = [
      ...records('u', 1, { role: 'lead', state: 'concluded', onTime: true }),
      ...records('u', 1, { role: 'cooperating', state: 'concluded', onTime: false }),
      ...records('u', 1, { role: 'cooperating', state: 'open', tier: 'complex' }),
    ];
    const [lead] = computeStatistics(list);
    expect(lead).toMatchObject({ dispatched: 1, onTimeRate: 1, openLoad: { immediate: 0, general: 0, complex: 1 } });
    const [all] = computeStatistics(list, { rates: 'all' });
    expect(all).toMatchObject({ dispatched: 3, onTimeRate: 0.5, openLoad: { immediate: 0, general: 0, complex: 1 } });
  });

  it('reports null, not zero, for a rate without data', () => {
    const [row] = computeStatistics(records('u', 1, { state: 'open' }));
    expect(row).toMatchObject({ onTimeRate: null, avgWorkingDaysToConclude: null, redoRate: null, satisfaction: null, returnRate: 0 });
  });

  it('rolls a subcategory up into its top category and the unit total', () => {
    const rows = computeStatistics([
      ...records('u', 2, { category: 'urban/streetlight' }),
      ...records('u', 3, { category: 'urban/vending' }),
    ]);
    expect(rows.map((row) => [row.category, row.dispatched])).toEqual([
      [null, 5],
      ['urban', 5],
      ['urban/streetlight', 2],
      ['urban/vending', 3],
    ]);
  });

  it('keeps every rate within [0, 1] and the unit total equal to the sum of top categories (property)', () => {
    const record = fc.record({
      caseId: fc.string(),
      unitId: fc.constantFrom('u1', 'u2'),
      category: fc.constantFrom('a/x', 'a/y', 'b/z'),
      tier: fc.constantFrom('immediate', 'general', 'complex'),
      role: fc.constantFrom('lead', 'cooperating'),
      state: fc.constantFrom('open', 'concluded', 'returned', 'withdrawn'),
      onTime: fc.boolean(),
      redoCount: fc.nat(2),
      satisfaction: fc.integer({ min: 0, max: 100 }),
    }) as fc.Arbitrary<AssignmentRecord>;
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), (list) => {
        const rows = computeStatistics(list);
        for (const row of rows) {
          for (const rate of [row.onTimeRate, row.returnRate, row.redoRate]) if (rate !== null) expect(rate).toBeGreaterThanOrEqual(0);
          for (const rate of [row.onTimeRate, row.returnRate, row.redoRate]) if (rate !== null) expect(rate).toBeLessThanOrEqual(1);
        }
        for (const unitId of ['u1', 'u2']) {
          const total = rows.find((row) => row.unitId === unitId && row.category === null)?.dispatched ?? 0;
          const tops = rows.filter((row) => row.unitId === unitId && (row.category === 'a' || row.category === 'b'));
          expect(tops.reduce((sum, row) => sum + row.dispatched, 0)).toBe(total);
        }
      }),
    );
  });
});
