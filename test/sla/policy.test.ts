import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES } from '../../src/machines/commands.js';
import { isJiaobanError } from '../../src/errors.js';
import {
  DEFAULT_SLA_POLICY, DEFAULT_SLA_POLICY_INPUT, ladderFor, parseSlaPolicy, resolveClockDefinitions, type ClockDefinition,
} from '../../src/sla/index.js';

const summary = (d: ClockDefinition) => [d.name, d.scope, d.unit, d.target];

describe('the default SLA policy', () => {
  it('has the immediate tier limits of the issue: 2 natural hours to handling, 24 natural hours to first feedback', () => {
    const defs = resolveClockDefinitions(DEFAULT_SLA_POLICY, 'immediate').filter((d) => d.scope === 'case' && ['response', 'firstFeedback'].includes(d.name));
    expect(defs.map(summary)).toEqual([
      ['response', 'case', 'naturalMinutes', 120],
      ['firstFeedback', 'case', 'naturalMinutes', 1440],
    ]);
    expect(defs[0]?.startOn).toEqual(['register']);
    expect(defs[0]?.stopOn).toContainEqual({ type: 'sign', role: 'lead' });
  });

  it('has the general tier limits: 4 working hours register→accept, 3 working days accept→reply', () => {
    const defs = resolveClockDefinitions(DEFAULT_SLA_POLICY, 'general');
    const acceptance = defs.find((d) => d.name === 'acceptance');
    const conclusion = defs.find((d) => d.name === 'conclusion');
    expect(acceptance && summary(acceptance)).toEqual(['acceptance', 'case', 'workingMinutes', 240]);
    expect([acceptance?.startOn, acceptance?.stopOn?.[0]]).toEqual([['register'], 'accept']);
    expect(conclusion && summary(conclusion)).toEqual(['conclusion', 'case', 'workingDays', 3]);
    expect([conclusion?.startOn, conclusion?.stopOn]).toEqual([['accept', 'acceptAndDispatch'], ['reply']]);
    expect(conclusion?.extendOn).toEqual(['approveExtension']);
    expect(conclusion?.resetOn).toEqual(['redo', 'sendBack']);
  });

  it('has the complex tier limits: 1 working day to the lead sign, 10 working days to implementation', () => {
    const defs = resolveClockDefinitions(DEFAULT_SLA_POLICY, 'complex');
    expect(defs.filter((d) => ['leadDesignation', 'solution'].includes(d.name)).map(summary)).toEqual([
      ['leadDesignation', 'case', 'workingDays', 1],
      ['solution', 'case', 'workingDays', 10],
    ]);
    expect(defs.find((d) => d.name === 'solution')?.stopOn).toEqual(['startImplementation']);
  });

  it('runs per-assignment sign (1 wd) and cooperating response (4 wh, deemed consent on silence) in every tier', () => {
    for (const tier of ['immediate', 'general', 'complex']) {
      const defs = resolveClockDefinitions(DEFAULT_SLA_POLICY, tier).filter((d) => d.scope === 'assignment');
      expect(defs.map((d) => [d.name, d.role ?? 'any', d.unit, d.target, d.onSilence ?? null])).toEqual([
        ['sign', 'any', 'workingDays', 1, null],
        ['response', 'cooperating', 'workingMinutes', 240, 'deemConsent'],
      ]);
    }
  });

  it('has a next-working-day revisit after approveReply and follow-ups 30 and 90 days after conclusion', () => {
    const defs = resolveClockDefinitions(DEFAULT_SLA_POLICY, 'general');
    const revisit = defs.find((d) => d.name === 'revisit');
    expect([revisit?.unit, revisit?.target, revisit?.startOn]).toEqual(['workingDays', 1, ['approveReply']]);
    expect(defs.filter((d) => d.name.startsWith('followUp')).map((d) => [d.name, d.delay, d.startOn])).toEqual([
      ['followUp30', { days: 30 }, ['conclude']],
      ['followUp90', { days: 90 }, ['conclude']],
    ]);
  });

  it('warns at 2/3 and escalates along the ladder of the issue, red card excluded', () => {
    expect(DEFAULT_SLA_POLICY.levels.threshold).toBeCloseTo(2 / 3);
    expect(DEFAULT_SLA_POLICY.escalation.map((s) => [s.id, s.on, s.after ?? null, s.actions.map((a) => a.type)])).toEqual([
      ['urgeOwner', 'yellow', null, ['urge']],
      ['urgeAndNotifyLeader', 'red', null, ['urge', 'notify']],
      ['superviseNormal', 'overdue', { workingDays: 1 }, ['supervise']],
      ['superviseYellow', 'overdue', { workingDays: 5 }, ['supervise', 'notify']],
    ]);
    expect(DEFAULT_SLA_POLICY.escalation.every((s) => s.holdUntilWorkingHours)).toBe(true);
  });

  it('names only events the engine knows: its command types plus register, changeTier, recordFollowUp, withdrawAssignment', () => {
    const known = new Set<string>([...COMMAND_TYPES, 'register', 'changeTier', 'recordFollowUp', 'withdrawAssignment']);
    const names: string[] = [];
    for (const tier of Object.keys(DEFAULT_SLA_POLICY.tiers)) {
      for (const d of resolveClockDefinitions(DEFAULT_SLA_POLICY, tier)) {
        for (const list of [d.startOn, d.pauseOn, d.resumeOn, d.stopOn, d.resetOn, d.extendOn, d.cancelOn]) {
          for (const m of list) names.push(typeof m === 'string' ? m : m.type);
        }
      }
    }
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  it('gives the cooperating response clock a single deem-consent step at its deadline', () => {
    const response = resolveClockDefinitions(DEFAULT_SLA_POLICY, 'general').find((d) => d.scope === 'assignment' && d.name === 'response');
    expect(response && ladderFor(DEFAULT_SLA_POLICY, 'general', response)).toEqual([
      { id: 'deemConsent', on: 'red', actions: [{ type: 'deemConsent' }], holdUntilWorkingHours: false },
    ]);
  });

  it('lets a clock set onSilence: escalate to run the ordinary ladder instead', () => {
    const policy = parseSlaPolicy({
      ...DEFAULT_SLA_POLICY_INPUT,
      common: [{ name: 'response', scope: 'assignment', role: 'cooperating', unit: 'workingMinutes', target: 240, startOn: ['dispatch'], onSilence: 'escalate' }],
    });
    const response = resolveClockDefinitions(policy, 'general').find((d) => d.name === 'response');
    expect(response && ladderFor(policy, 'general', response).map((s) => s.id)).toEqual(['urgeOwner', 'urgeAndNotifyLeader', 'superviseNormal', 'superviseYellow']);
  });
});

describe('parseSlaPolicy', () => {
  const base = { tiers: { general: { clocks: [] } }, escalation: [] };
  const clock = { name: 'c', scope: 'case', unit: 'workingDays', target: 3, startOn: ['accept'] };

  const issuesOf = (input: unknown): string[] => {
    try {
      parseSlaPolicy(input);
    } catch (error) {
      if (isJiaobanError(error, 'VALIDATION')) return error.details.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw error;
    }
    return [];
  };

  it('fills in the defaults of a minimal policy', () => {
    const policy = parseSlaPolicy({ ...base, tiers: { general: { clocks: [clock] } } });
    const c = policy.tiers.general?.clocks[0];
    expect([c?.pauseOn, c?.redo, policy.levels.overdueAfter, policy.cancelAllOn]).toEqual([[], {}, { workingDays: 1 }, ['cancel']]);
  });

  it('refuses a red-card supervision step: that stays a human decision', () => {
    expect(issuesOf({ ...base, escalation: [{ id: 'x', on: 'overdue', actions: [{ type: 'supervise', level: 'red' }] }] })).not.toEqual([]);
  });

  it('refuses a redo limit longer than the first one', () => {
    expect(issuesOf({ ...base, tiers: { general: { clocks: [{ ...clock, redo: { target: 5 } }] } } })).toEqual([
      'tiers.general.clocks.0.redo.target: a redo limit may be the same or shorter, not longer',
    ]);
  });

  it('refuses a fractional working-day target and duplicate clock names', () => {
    expect(issuesOf({ ...base, tiers: { general: { clocks: [{ ...clock, target: 1.5 }] } } })).toHaveLength(1);
    expect(issuesOf({ ...base, tiers: { general: { clocks: [clock, clock] } } })).toHaveLength(1);
  });

  it('refuses a threshold outside (0, 1)', () => {
    expect(issuesOf({ ...base, levels: { threshold: 1 } })).toHaveLength(1);
  });

  it('makes an unknown tier a VALIDATION error rather than a case without clocks', () => {
    expect(() => resolveClockDefinitions(DEFAULT_SLA_POLICY, 'urgent')).toThrow(/no tier 'urgent'/);
  });
});
