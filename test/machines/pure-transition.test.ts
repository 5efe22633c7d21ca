/**
 * The engine steps machines with `pureTransition` (one inert scope per machine) instead of
 * xstate's `transition` (a new actor, and a new initial snapshot, per call). Same answers required:
 * equal snapshots for taken events, the very same snapshot object for refused ones (the engine's
 * INVALID_TRANSITION test), over random event sequences on every tier.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { TIER_DEFINITIONS, type CaseEvent, type CommandInput, type Tier } from '../../src/index.js';
import { pureInitialTransition, pureTransition } from '../../src/machines/_pure-transition.js';
import { RegisterInputSchema } from '../../src/machines/commands.js';

const meta = { actorId: 'p1', at: '2026-03-02T01:00:00.000Z', deadline: null };
const reply: CommandInput = { type: 'reply', summary: '已修复', resolved: true, signOff: { leaderId: 'p-l', level: 'deputy' } };
const COMMANDS: CommandInput[] = [
  { type: 'accept' },
  { type: 'acceptAndDispatch', lead: { unitId: 'u1', duty: 'd' }, cooperating: [{ unitId: 'u2', duty: 'd' }] },
  { type: 'dispatch', lead: { unitId: 'u1', duty: 'd' }, cooperating: [{ unitId: 'u2', duty: 'd' }] },
  { type: 'sign', unitId: 'u1', ownerId: 'p1' },
  { type: 'sign', unitId: 'u2', ownerId: 'p2' },
  { type: 'submitOpinion', unitId: 'u2', opinion: '同意', consent: true },
  { type: 'urge' },
  { type: 'raiseSupervision', level: 'yellow' },
  { type: 'changeTier', tier: 'complex', reason: '跨部门' },
  { type: 'submitPlan', solution: 's', workPlan: 'w', deliverables: ['x'], proposedCloseDate: '2026-06-30', feedbackCadenceDays: 7 },
  { type: 'review', aspect: 'risk', passed: true },
  { type: 'review', aspect: 'cost', passed: true },
  { type: 'review', aspect: 'effect', passed: false },
  { type: 'startImplementation' },
  reply,
  { type: 'approveReply' },
  { type: 'sendBack', reason: '未解决' },
  { type: 'evaluate', result: 'satisfied' },
  { type: 'conclude' },
  { type: 'archive' },
];

describe('pureInitialTransition', () => {
  it('gives the snapshot xstate’s initialTransition gives, on every tier, called again and again', () => {
    const text = fc.string({ minLength: 1, maxLength: 20 }).filter((t) => t.trim().length > 0);
    fc.assert(
      fc.property(fc.constantFrom<Tier>('general', 'immediate', 'complex'), text, text, fc.constantFrom('hotline', 'web', 'app'), (tier, title, name, channel) => {
        const machine = TIER_DEFINITIONS[tier].machine;
        const data = RegisterInputSchema.parse({ tier, title, description: 'd', category: 'c', requester: { name }, channel });
        const [expected] = initialTransition(machine, { data, meta });
        const actual = pureInitialTransition(machine, { data, meta });
        expect(machine.getPersistedSnapshot(actual)).toEqual(machine.getPersistedSnapshot(expected));
        expect(actual.status).toBe('active');
      }),
      { numRuns: 100 },
    );
  });
});

describe('pureTransition', () => {
  it('answers as xstate’s transition does, on every tier, for taken and refused events alike', () => {
    fc.assert(
      fc.property(fc.constantFrom<Tier>('general', 'immediate', 'complex'), fc.array(fc.nat(COMMANDS.length - 1), { maxLength: 40 }), (tier, picks) => {
        const machine = TIER_DEFINITIONS[tier].machine;
        const data = RegisterInputSchema.parse({ tier, title: 't', description: 'd', category: 'c', requester: { name: 'n' }, channel: 'web' });
        let [s] = initialTransition(machine, { data, meta });
        for (const pick of picks) {
          const event = { countersignMode: 'all', ...COMMANDS[pick], meta } as unknown as CaseEvent;
          const [expected] = transition(machine, s, event);
          const actual = pureTransition(machine, s, event);
          expect(actual === s).toBe(expected === s);
          expect(machine.getPersistedSnapshot(actual)).toEqual(machine.getPersistedSnapshot(expected));
          s = actual;
        }
      }),
      { numRuns: 200 },
    );
  });
});
