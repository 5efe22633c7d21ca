import { describe, expect, it } from 'vitest';
import { caseLevel, earliestDeadline } from '../../src/sla/index.js';
import { CaseHarness } from './_harness.js';
import { local } from './_fixtures.js';

describe('caseLevel / earliestDeadline', () => {
  it('colours a case by the worst announced level of its pending clocks', () => {
    // Accepted Mon 2 Mar 09:00 (conclusion yellow Wed 15:10); lead dispatched Mon 09:20 (sign red Tue 17:30).
    const h = new CaseHarness('general')
      .on('register', '2026-03-02T08:50').on('accept', '2026-03-02T09:00')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'water' })
      .tick('2026-03-03T18:00');
    expect(caseLevel(h.sla)).toBe('red');
    h.on('sign', '2026-03-04T09:00', { assignmentId: 'a1', role: 'lead', unitId: 'water' });
    expect(caseLevel(h.sla)).toBe('green');
    h.tick('2026-03-04T15:10');
    expect(caseLevel(h.sla)).toBe('yellow');
  });

  it('gives the earliest deadline of the running clocks, none while paused', () => {
    const h = new CaseHarness('general').on('register', '2026-03-02T08:50').on('accept', '2026-03-02T09:00')
      .on('dispatch', '2026-03-02T09:20', { assignmentId: 'a1', role: 'lead', unitId: 'water' });
    expect(local(earliestDeadline(h.sla))).toBe('2026-03-03T17:30');
    h.on('sign', '2026-03-02T10:00', { assignmentId: 'a1', role: 'lead', unitId: 'water' }).on('approveSuspension', '2026-03-02T11:00');
    expect(earliestDeadline(h.sla)).toBeNull();
  });
});
