/**
 * The command path skips the SLA evaluation when it would change nothing (`slaIsQuiet`) and stores
 * clocks compactly (`packSla`). Both are only safe if what is stored after every commit is exactly
 * what the full evaluation would have stored: checked here by re-running that evaluation on the
 * stored state after every accepted command of random lives at random instants.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cnMainland } from '../../src/calendar/index.js';
import { emptyCaseSla, slaContext, slaStep } from '../../src/engine/_sla.js';
import { FORMAT_3_TERMS, FORMAT_3_THRESHOLD, packSla, unpackSla } from '../../src/engine/_sla-packing.js';
import { resolveClockDefinitions } from '../../src/sla/policy.js';
import { DEFAULT_SLA_POLICY, createEngine, memoryStore, type Actor, type CommandInput, type Tier } from '../../src/index.js';
import { SimulatedClock } from '../../src/testing/index.js';
import { A, COOP, LEAD, TENANT, dispatchCmd, registration } from './_helpers.js';

const cn = cnMainland();
const reply: CommandInput = { type: 'reply', summary: '已修复', resolved: true, signOff: { leaderId: 'p-lead-leader', level: 'deputy' } };

/** Commands a case may be offered at any point; the machine refuses most of them in most states. */
const MOVES: Array<[CommandInput, Actor]> = [
  [{ type: 'accept' }, A.intake],
  [dispatchCmd([COOP]), A.dispatcher],
  [{ type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison],
  [{ type: 'sign', unitId: COOP, ownerId: 'p-coop' }, A.coop],
  [{ type: 'contactRequester', method: 'phone', reached: true }, A.leadHandler],
  [{ type: 'urge' }, A.supervisor],
  [{ type: 'reportProgress', progress: '处理中', percent: 40 }, A.leadHandler],
  [{ type: 'submitOpinion', unitId: COOP, opinion: '同意', consent: true }, A.coop],
  [{ type: 'requestExtension', reason: '需采购配件', workingDays: 2 }, A.leadLeader],
  [{ type: 'approveExtension' }, A.supervisor],
  [{ type: 'requestSuspension', reason: 'awaitingThirdParty', explanation: '等待供电部门' }, A.leadLeader],
  [{ type: 'approveSuspension' }, A.dutyChief],
  [{ type: 'resume' }, A.dutyChief],
  [reply, A.leadLeader],
  [{ type: 'sendBack', reason: '未解决' }, A.reviewer],
  [{ type: 'approveReply' }, A.reviewer],
  [{ type: 'reportFirstFeedback', summary: '已到场' }, A.leadHandler],
];

/** 0 to 30 working-ish hours, in minutes: short steps keep clocks green, long ones cross every mark. */
const pause = fc.integer({ min: 0, max: 30 * 60 });

describe('SLA hot path', () => {
  it('leaves after every commit exactly what a full evaluation at that instant would leave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Tier>('general', 'immediate', 'complex'),
        fc.array(fc.tuple(fc.integer({ min: 0, max: MOVES.length - 1 }), pause), { minLength: 5, maxLength: 30 }),
        async (tier, steps) => {
          const clock = new SimulatedClock('2026-02-12T02:00:00Z');
          const store = memoryStore();
          const engine = createEngine({ store, clock, ids: { caseId: () => 'c-1' } });
          await engine.register(registration(tier), { actor: A.intake });
          for (const [move, minutes] of steps) {
            clock.advance({ minutes });
            const [command, actor] = MOVES[move] as [CommandInput, Actor];
            const accepted = await engine.execute('c-1', command, { actor }).then(() => true, () => false);
            if (!accepted) continue;
            const row = await store.load(TENANT, 'c-1');
            const sla = unpackSla(row?.sla, tier, emptyCaseSla);
            // What the stored form says survives a JSON round trip unchanged.
            expect(unpackSla(JSON.parse(JSON.stringify(packSla(sla))), tier, emptyCaseSla)).toEqual(sla);
            if (sla.gap !== null) continue;
            const full = slaStep(sla, [], row?.updatedAt as string, slaContext(DEFAULT_SLA_POLICY, { working: cn }, tier));
            expect(full.transitions).toEqual([]);
            expect(full.escalations).toEqual([]);
            expect(full.timers[0]?.dueAt ?? null).toBe(sla.wakeAt);
            expect(full.sla.clocks).toEqual(sla.clocks);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('compact SLA storage', () => {
  const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
  const clock = fc.record({
    assignmentId: maybe(fc.constantFrom('a1', 'a2', 'a.3')),
    name: fc.constantFrom('conclusion', 'sign', 'response', 'firstFeedback', 'x.y'),
    scope: fc.constantFrom('case', 'assignment'),
    role: maybe(fc.constantFrom('lead', 'cooperating')),
    unitId: maybe(fc.constantFrom('u-1', 'u-2')),
    unit: fc.constantFrom('workingDays', 'workingMinutes', 'naturalMinutes'),
    // The built-in terms (format 3 omits them) as often as other values.
    target: fc.oneof(fc.constantFrom(1, 3, 120, 240, 1440), fc.integer({ min: 0, max: 500 })),
    redoTarget: fc.integer({ min: 0, max: 500 }),
    extension: fc.integer({ min: 0, max: 5 }),
    extensionDays: fc.integer({ min: 0, max: 5 }),
    threshold: fc.constantFrom(2 / 3, 0.5, 0.8),
    overdueAfter: fc.constantFrom({ workingDays: 1 }, { naturalMinutes: 60 }),
    delay: maybe(fc.constant({ naturalDays: 30 })),
    status: fc.constantFrom('idle', 'scheduled', 'running', 'paused', 'stopped'),
    cancelled: fc.boolean(),
    round: fc.integer({ min: 1, max: 3 }),
    originalStartedAt: maybe(instant),
    scheduledAt: maybe(instant),
    startedAt: maybe(instant),
    stoppedAt: maybe(fc.oneof(instant, fc.constant('2026-03-02T09:30:00+08:00'))),
    pauses: fc.array(fc.record({ from: instant, to: maybe(instant) }), { maxLength: 3 }),
    calendar: maybe(fc.record({ id: fc.constantFrom('cn-mainland', 'unit.water'), revision: fc.integer({ min: 0, max: 9 }) })),
    budgetMs: fc.integer({ min: 0, max: 10 ** 9 }),
    usedMs: fc.integer({ min: 0, max: 10 ** 9 }),
    asOf: maybe(instant),
    deadline: maybe(instant),
    level: fc.constantFrom('green', 'yellow', 'red', 'overdue'),
    warnedAt: maybe(instant),
    breachedAt: maybe(instant),
    overdueAt: maybe(instant),
    firedSteps: fc.array(fc.constantFrom('urge', 'notify', 'supervise'), { maxLength: 3 }),
    concludedOverdue: fc.boolean(),
    finalLevel: maybe(fc.constantFrom('green', 'yellow', 'red', 'overdue')),
  });

  it('reads back exactly what was written, through JSON', () => {
    fc.assert(
      fc.property(fc.array(clock, { maxLength: 6 }), (raw) => {
        const clocks: Record<string, unknown> = {};
        raw.forEach((c, i) => {
          const key = `${c.assignmentId ?? `k${i}`}.${c.name}`;
          // Field order as the SLA core writes a clock.
          clocks[key] = {
            key, name: c.name, scope: c.scope, assignmentId: c.assignmentId, role: c.role, unitId: c.unitId, unit: c.unit, target: c.target,
            redoTarget: c.redoTarget, extension: c.extension, extensionDays: c.extensionDays, threshold: c.threshold, overdueAfter: c.overdueAfter,
            delay: c.delay, status: c.status, cancelled: c.cancelled, round: c.round, originalStartedAt: c.originalStartedAt,
            scheduledAt: c.scheduledAt, startedAt: c.startedAt, stoppedAt: c.stoppedAt, pauses: c.pauses, calendar: c.calendar,
            budgetMs: c.budgetMs, usedMs: c.usedMs, asOf: c.asOf, deadline: c.deadline, level: c.level, warnedAt: c.warnedAt,
            breachedAt: c.breachedAt, overdueAt: c.overdueAt, firedSteps: c.firedSteps, concludedOverdue: c.concludedOverdue, finalLevel: c.finalLevel,
          };
        });
        const sla = { ...emptyCaseSla('general'), clocks: { version: 1 as const, tier: 'general', clocks: clocks as never, log: [] } };
        const back = unpackSla(JSON.parse(JSON.stringify(packSla(sla))), 'general', emptyCaseSla);
        expect(back).toEqual(sla);
        // Field order too, so a clock read back serialises byte for byte as it was written.
        expect(JSON.stringify(back.clocks)).toBe(JSON.stringify(sla.clocks));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a clock of an unknown shape as it is', () => {
    const odd = { key: 'odd', name: 'odd', status: 'running', extra: 1 };
    const sla = { ...emptyCaseSla('general'), clocks: { version: 1 as const, tier: 'general', clocks: { odd: odd as never }, log: [] } };
    expect(unpackSla(JSON.parse(JSON.stringify(packSla(sla))), 'general', emptyCaseSla)).toEqual(sla);
  });

  it('omits the built-in terms of a clock and still reads format 2, which stored them', () => {
    const acceptance = {
      key: 'acceptance', name: 'acceptance', scope: 'case', assignmentId: null, role: null, unitId: null, unit: 'workingMinutes', target: 240,
      redoTarget: 240, extension: 0, extensionDays: 0, threshold: 2 / 3, overdueAfter: { workingDays: 1 }, delay: null, status: 'running',
      cancelled: false, round: 1, originalStartedAt: '2026-03-02T01:00:00.000Z', scheduledAt: null, startedAt: '2026-03-02T01:00:00.000Z',
      stoppedAt: null, pauses: [], calendar: { id: 'cn-mainland', revision: 8 }, budgetMs: 14_400_000, usedMs: 0, asOf: '2026-03-02T01:00:00.000Z',
      deadline: '2026-03-02T06:30:00.000Z', level: 'green', warnedAt: null, breachedAt: null, overdueAt: null, firedSteps: [],
      concludedOverdue: false, finalLevel: null,
    };
    const sla = { ...emptyCaseSla('general'), clocks: { version: 1 as const, tier: 'general', clocks: { acceptance: acceptance as never }, log: [] } };
    const packed = packSla(sla);
    expect(packed.packed).toBe(3);
    // mask, key, status, startedAt, calendar, budgetMs, deadline: scope, unit, target, threshold and grace are the format's terms.
    expect(packed.clocks[0]).toEqual([
      expect.any(Number), 'acceptance', 'running', '2026-03-02T01:00:00.000Z', { id: 'cn-mainland', revision: 8 }, 14_400_000, '2026-03-02T06:30:00.000Z',
    ]);
    // The same clock as format 2 wrote it: the terms present, under the same mask bits.
    const format2 = {
      ...packed, packed: 2,
      clocks: [[(packed.clocks[0] as number[])[0]! + 2 ** 2 + 2 ** 6 + 2 ** 7 + 2 ** 11 + 2 ** 12, 'acceptance', 'case', 'workingMinutes', 240, 2 / 3, { workingDays: 1 },
        'running', '2026-03-02T01:00:00.000Z', { id: 'cn-mainland', revision: 8 }, 14_400_000, '2026-03-02T06:30:00.000Z']],
    };
    expect(unpackSla(JSON.parse(JSON.stringify(format2)), 'general', emptyCaseSla)).toEqual(sla);
    expect(unpackSla(JSON.parse(JSON.stringify(packed)), 'general', emptyCaseSla)).toEqual(sla);
  });

  it('reuses the rows of clocks a command left alone, and repacks one whose predecessor changed calendar', () => {
    const clock = (key: string, status: string, revision: number) => ({
      key, name: key, scope: 'case', assignmentId: null, role: null, unitId: null, unit: 'workingDays', target: 3, redoTarget: 3, extension: 0,
      extensionDays: 0, threshold: 2 / 3, overdueAfter: { workingDays: 1 }, delay: null, status, cancelled: false, round: 1,
      originalStartedAt: '2026-03-02T01:00:00.000Z', scheduledAt: null, startedAt: '2026-03-02T01:00:00.000Z', stoppedAt: null, pauses: [],
      calendar: { id: 'cn-mainland', revision }, budgetMs: 1, usedMs: 0, asOf: '2026-03-02T01:00:00.000Z', deadline: null, level: 'green',
      warnedAt: null, breachedAt: null, overdueAt: null, firedSteps: [], concludedOverdue: false, finalLevel: null,
    });
    const sla = {
      ...emptyCaseSla('general'),
      clocks: { version: 1 as const, tier: 'general', clocks: { conclusion: clock('conclusion', 'running', 8), review: clock('review', 'stopped', 8) } as never, log: [] },
    };
    const read = unpackSla(JSON.parse(JSON.stringify(packSla(sla))), 'general', emptyCaseSla);
    // Untouched: the very rows it was read from come back.
    const again = packSla(read);
    expect(again).toEqual(packSla(sla));
    // A late notice recomputes the running clock onto revision 9; the stopped one keeps revision 8,
    // which its row no longer gets from the clock before it.
    const moved = { ...read, clocks: { ...read.clocks, clocks: { ...read.clocks.clocks, conclusion: { ...read.clocks.clocks['conclusion'], calendar: { id: 'cn-mainland', revision: 9 } } } } };
    const back = unpackSla(JSON.parse(JSON.stringify(packSla(moved as never))), 'general', emptyCaseSla);
    expect([back.clocks.clocks['conclusion']?.calendar, back.clocks.clocks['review']?.calendar]).toEqual([
      { id: 'cn-mainland', revision: 9 }, { id: 'cn-mainland', revision: 8 },
    ]);
  });

  it('keeps format 3 terms equal to the built-in policy they were copied from', () => {
    // When the built-in policy changes, rows already written must keep their meaning: this fails
    // first, and the answer is a format 4 with its own table, never an edit of format 3's.
    const seen = new Set<string>();
    for (const tier of ['immediate', 'general', 'complex']) {
      for (const d of resolveClockDefinitions(DEFAULT_SLA_POLICY, tier)) {
        const slot = `${d.scope}:${d.name}`;
        seen.add(slot);
        expect([slot, FORMAT_3_TERMS[slot]]).toEqual([slot, [d.unit, d.target]]);
        expect(d.threshold ?? DEFAULT_SLA_POLICY.levels.threshold ?? FORMAT_3_THRESHOLD).toBe(FORMAT_3_THRESHOLD);
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(FORMAT_3_TERMS).sort());
  });

  it('still reads the positional format 1', () => {
    const row = {
      packed: 1, tier: 'general', timerId: null, gap: null, followUps: [], reboundOf: null, rebounded: false,
      clocks: [['acceptance', 'acceptance', 'case', null, null, null, 'workingMinutes', 240, 240, 0, 0, 2 / 3, { workingDays: 1 }, null, 'stopped', false, 1,
        '2026-03-02T01:00:00.000Z', null, '2026-03-02T01:00:00.000Z', '2026-03-02T01:00:00.000Z', [], { id: 'cn-mainland', revision: 8 }, 14400000, 0,
        '2026-03-02T01:00:00.000Z', '2026-03-02T06:30:00.000Z', 'green', null, null, null, [], false, 'green']],
      log: [['register', '2026-03-02T01:00:00.000Z']],
    };
    const sla = unpackSla(row, 'general', emptyCaseSla);
    expect(sla.clocks.clocks['acceptance']).toMatchObject({ status: 'stopped', budgetMs: 14_400_000, deadline: '2026-03-02T06:30:00.000Z', finalLevel: 'green' });
    expect(sla.clocks.log).toEqual([{ type: 'register', at: '2026-03-02T01:00:00.000Z' }]);
  });
});
