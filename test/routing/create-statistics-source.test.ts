import { describe, expect, it } from 'vitest';
import { computeStatistics, createStatisticsSource, statisticsFromRecords } from '../../src/routing/index.js';
import { records } from './_fixtures.js';

describe('createStatisticsSource', () => {
  it('serves the unit total and exact categories', () => {
    const source = statisticsFromRecords(records('u', 2, { category: 'urban/streetlight' }));
    expect(source.unit('u')?.dispatched).toBe(2);
    expect(source.category('u', 'urban')?.dispatched).toBe(2);
    expect(source.category('u', 'urban/vending')).toBeUndefined();
    expect(source.unit('v')).toBeUndefined();
  });

  it('lets a later row replace an earlier one', () => {
    const [row] = computeStatistics(records('u', 1));
    if (row === undefined) throw new Error('no row');
    const source = createStatisticsSource([row, { ...row, dispatched: 99 }]);
    expect(source.unit('u')?.dispatched).toBe(99);
  });
});
