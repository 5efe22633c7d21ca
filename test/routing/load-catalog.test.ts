import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import { createDirectory, loadCatalog } from '../../src/routing/index.js';
import { catalog, catalogJson, directory } from './_fixtures.js';

const sample = (file: string): unknown => JSON.parse(readFileSync(new URL(`../../examples/catalog/${file}`, import.meta.url), 'utf8'));

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isJiaobanError(error, 'VALIDATION')) return error.details.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a VALIDATION error');
}

describe('loadCatalog', () => {
  it('keys subcategories as top/sub and labels them with names', () => {
    const entry = catalog.lookup('urban/streetlight');
    expect(entry?.label).toBe('城市管理/路灯');
    expect(entry?.lead).toBe('chengguan');
    expect(entry?.cooperating).toEqual([{ unitId: 'gongdian', duty: '线路抢修' }]);
  });

  it('inherits tier and time limits from the category, then the defaults', () => {
    expect(catalog.lookup('utilities/power')?.terms).toEqual({
      category: 'utilities/power',
      tier: 'immediate',
      timeLimits: { sign: { value: 1, unit: 'workingDays' }, conclude: { value: 24, unit: 'naturalHours' } },
    });
    expect(catalog.lookup('utilities/water')?.terms.tier).toBe('general');
    expect(catalog.lookup('urban/vending')?.terms.tier).toBe('general');
  });

  it('inherits the lead’s duty from the top category unless the subcategory sets its own', () => {
    expect(catalog.lookup('urban/vending')?.leadDuty).toBe('牵头处置, 答复诉求人');
    expect(catalog.lookup('utilities/power')?.leadDuty).toBe('抢修恢复供电');
    expect(catalog.lookup('utilities/water')?.leadDuty).toBeUndefined();
  });

  it('resolves an unknown subcategory to the nearest ancestor that names a lead', () => {
    expect(catalog.resolve('urban/graffiti')?.key).toBe('urban');
    expect(catalog.resolve('utilities/heating')).toBeUndefined();
    expect(catalog.lookup('urban/graffiti')).toBeUndefined();
  });

  it('rejects a unit that is both lead and cooperating', () => {
    const json = { ...catalogJson, categories: [{ id: 'x', name: 'X', subcategories: [{ id: 'y', name: 'Y', lead: 'u', cooperating: [{ unit: 'u', duty: 'd' }] }] }] };
    expect(issuesOf(() => loadCatalog(json))).toEqual(['categories.0.subcategories.0.cooperating.0.unit: u is the lead unit and cannot also cooperate']);
  });

  it('rejects units the directory does not know, or that are inactive, when given the directory', () => {
    const json = { id: 'c', name: 'C', categories: [{ id: 'x', name: 'X', lead: 'ghost', alternates: ['closed'] }] };
    expect(issuesOf(() => loadCatalog(json, { directory }))).toEqual([
      'categories.0.lead: unknown unit ghost',
      'categories.0.alternates.0: inactive unit closed',
    ]);
  });

  it('rejects a subcategory without a lead and an id with a slash', () => {
    const issues = issuesOf(() => loadCatalog({ id: 'c', name: 'C', categories: [{ id: 'a/b', name: 'X', subcategories: [{ id: 'y', name: 'Y' }] }] }));
    expect(issues.some((issue) => issue.startsWith('categories.0.id'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('categories.0.subcategories.0.lead'))).toBe(true);
  });

  it('rejects duplicate category keys', () => {
    const json = { id: 'c', name: 'C', categories: [{ id: 'x', name: 'X', lead: 'u' }, { id: 'x', name: 'X2', lead: 'u' }] };
    expect(issuesOf(() => loadCatalog(json))).toEqual(['categories.1.id: duplicate category x']);
  });

  it('loads the sample city-12345 catalogue against the sample directory', () => {
    const sampleCatalog = loadCatalog(sample('city-12345.json'), { directory: createDirectory(sample('city-12345-directory.json')) });
    const tops = sampleCatalog.entries().filter((entry) => !entry.key.includes('/'));
    expect(tops.length).toBeGreaterThanOrEqual(12);
    expect(sampleCatalog.entries().length - tops.length).toBeGreaterThanOrEqual(40);
    expect(sampleCatalog.lookup('urban/streetlight')?.lead).toBe('unit.chengguan');
    expect(sampleCatalog.lookup('safety/gas-leak')?.terms.tier).toBe('immediate');
  });
});
