import { describe, expect, it } from 'vitest';
import { isJiaobanError } from '../../src/errors.js';
import { validateManualDispatch, type ManualDispatch } from '../../src/routing/index.js';
import { directory, request } from './_fixtures.js';

function details(dispatch: ManualDispatch) {
  try {
    validateManualDispatch(dispatch, directory);
  } catch (error) {
    if (isJiaobanError(error, 'ROUTING')) return error.details;
    throw error;
  }
  throw new Error('expected a ROUTING error');
}

describe('validateManualDispatch', () => {
  it('turns a valid dispatch into a decision with reasons', () => {
    const decision = validateManualDispatch(
      { leadUnitId: 'chengguan', cooperating: [{ unitId: 'gongdian', duty: '线路抢修' }], primaryOwnerId: 'p.wang' },
      directory,
      { actorId: 'p.dispatcher' },
    );
    expect(decision).toEqual({
      leadUnitId: 'chengguan',
      cooperating: [{ unitId: 'gongdian', duty: '线路抢修' }],
      primaryOwnerId: 'p.wang',
      score: 1,
      reasons: ['人工派单: 主办 城管局 (派单员 p.dispatcher)', '协办: 供电公司 — 线路抢修'],
      policy: 'manual',
      alternatives: [],
    });
  });

  it('carries the lead’s duty when the dispatcher gives one', () => {
    expect(validateManualDispatch({ leadUnitId: 'chengguan', leadDuty: '牵头处置' }, directory).leadDuty).toBe('牵头处置');
  });

  it('accepts a unit that already returned the case, and records the forced dispatch', () => {
    const decision = validateManualDispatch({ leadUnitId: 'chengguan' }, directory, {
      request: request({ triedUnits: [{ unitId: 'chengguan', outcome: 'returned', reason: '属地不符' }], returnCount: 2 }),
    });
    expect(decision.reasons).toContain('强派: 城管局 曾退单 (属地不符), 由人工审定后仍派给该单位');
  });

  it('rejects units the directory does not know, listing all of them', () => {
    expect(details({ leadUnitId: 'ghost', cooperating: [{ unitId: 'phantom', duty: 'x' }] })).toEqual({ reason: 'unknownUnit', unitIds: ['ghost', 'phantom'] });
  });

  it('rejects inactive units', () => {
    expect(details({ leadUnitId: 'closed' })).toMatchObject({ reason: 'inactiveUnit', unitIds: ['closed'] });
  });

  it('rejects a lead that is also cooperating, a repeated unit and an empty duty', () => {
    expect(details({ leadUnitId: 'chengguan', cooperating: [{ unitId: 'chengguan', duty: 'x' }] })).toMatchObject({ reason: 'invalidDispatch' });
    expect(details({ leadUnitId: 'chengguan', cooperating: [{ unitId: 'gongdian', duty: 'x' }, { unitId: 'gongdian', duty: 'y' }] })).toMatchObject({
      reason: 'invalidDispatch',
      unitIds: ['gongdian'],
    });
    expect(details({ leadUnitId: 'chengguan', cooperating: [{ unitId: 'gongdian', duty: ' ' }] })).toMatchObject({ reason: 'invalidDispatch' });
  });

  it('rejects a primary owner outside the lead unit or unknown', () => {
    expect(details({ leadUnitId: 'chengguan', primaryOwnerId: 'p.li' })).toMatchObject({ reason: 'invalidDispatch' });
    expect(details({ leadUnitId: 'chengguan', primaryOwnerId: 'p.nobody' })).toMatchObject({ reason: 'invalidDispatch' });
  });

  it('puts the case id into the error when it knows the case', () => {
    try {
      validateManualDispatch({ leadUnitId: 'ghost' }, directory, { request: request({ caseId: 'c-42' }) });
      expect.unreachable();
    } catch (error) {
      expect(isJiaobanError(error, 'ROUTING') && error.details).toMatchObject({ caseId: 'c-42' });
    }
  });
});
