import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { TIER_DEFINITIONS, complexMachine, generalMachine, immediateMachine, type CaseEvent, type CaseInput, type CommandInput, type EventMeta } from '../../src/index.js';
import { countersignOutcome, initialContext } from '../../src/machines/_case-logic.js';
import { RegisterInputSchema } from '../../src/machines/commands.js';

const meta = (actorId = 'p1', at = '2026-03-02T01:00:00.000Z'): EventMeta => ({ actorId, at, deadline: null });
const input = (tier: 'general' | 'immediate' | 'complex'): CaseInput => ({
  data: RegisterInputSchema.parse({ tier, title: 't', description: 'd', category: 'c', requester: { name: 'n' }, channel: 'web' }),
  meta: meta(),
});
const ev = (c: CommandInput): CaseEvent => ({ cooperating: [], ...c, meta: meta() }) as unknown as CaseEvent;
const evNoDefaults = (c: CommandInput): CaseEvent => ({ ...c, meta: meta() }) as unknown as CaseEvent;

describe('tier machines', () => {
  it.each([
    ['immediate', immediateMachine],
    ['general', generalMachine],
    ['complex', complexMachine],
  ] as const)('%s has its id, an integer version and starts in pendingAcceptance', (tier, machine) => {
    expect(machine.id).toBe(`jiaoban.${tier}`);
    expect(TIER_DEFINITIONS[tier]).toMatchObject({ id: `jiaoban.${tier}`, version: 1 });
    const [s] = initialTransition(machine, input(tier));
    expect(s.value).toBe('pendingAcceptance');
    expect(s.context.tier).toBe(tier);
  });

  it('declares no delayed transitions and spawns no actors, so nothing is lost on restore', () => {
    for (const machine of [immediateMachine, generalMachine, complexMachine]) {
      expect(JSON.stringify(machine.config)).not.toContain('"after"');
      expect(JSON.stringify(machine.config)).not.toContain('"invoke"');
    }
  });

  it('is pure: the same event on the same snapshot gives equal snapshots and does not touch the input', () => {
    const [s0] = initialTransition(generalMachine, input('general'));
    const frozen = JSON.stringify(generalMachine.getPersistedSnapshot(s0));
    const [a] = transition(generalMachine, s0, ev({ type: 'accept' }));
    const [b] = transition(generalMachine, s0, ev({ type: 'accept' }));
    expect(generalMachine.getPersistedSnapshot(a)).toEqual(generalMachine.getPersistedSnapshot(b));
    expect(JSON.stringify(generalMachine.getPersistedSnapshot(s0))).toBe(frozen);
  });

  it('returns the very same snapshot for an event it does not take (how the engine detects INVALID_TRANSITION)', () => {
    const [s0] = initialTransition(generalMachine, input('general'));
    const [s1] = transition(generalMachine, s0, ev({ type: 'reply', summary: 's', resolved: true, signOff: { leaderId: 'l', level: 'deputy' } }));
    expect(s1).toBe(s0);
  });

  it('restores from its persisted snapshot through JSON and continues identically', () => {
    let [s] = initialTransition(complexMachine, input('complex'));
    for (const c of [
      { type: 'accept' },
      { type: 'dispatch', lead: { unitId: 'u1', duty: 'd' }, cooperating: [{ unitId: 'u2', duty: 'd' }] },
      { type: 'sign', unitId: 'u1', ownerId: 'p1' },
      { type: 'submitPlan', solution: 's', workPlan: 'w', deliverables: ['x'], proposedCloseDate: '2026-06-30', feedbackCadenceDays: 7, countersignMode: 'all' },
    ] as CommandInput[]) [s] = transition(complexMachine, s, evNoDefaults(c));
    expect(s.value).toEqual({ inProgress: 'reviewing' });
    const persisted = JSON.parse(JSON.stringify(complexMachine.getPersistedSnapshot(s))) as { value: never; context: never };
    const restored = complexMachine.resolveState({ value: persisted.value, context: persisted.context });
    const review = ev({ type: 'review', aspect: 'risk', passed: false });
    const [x] = transition(complexMachine, s, review);
    const [y] = transition(complexMachine, restored, review);
    expect(y.value).toEqual({ inProgress: 'planning' });
    expect(complexMachine.getPersistedSnapshot(y)).toEqual(complexMachine.getPersistedSnapshot(x));
  });
});

describe('changeTier (改变办理类别)', () => {
  it('records the new tier and the complex phase in pendingAcceptance and pendingDispatch, and refuses the same tier', () => {
    const [s0] = initialTransition(generalMachine, input('general'));
    const [same] = transition(generalMachine, s0, ev({ type: 'changeTier', tier: 'general', reason: 'r' }));
    expect(same).toBe(s0);
    const [up] = transition(generalMachine, s0, ev({ type: 'changeTier', tier: 'complex', reason: 'r' }));
    expect([up.value, up.context.tier, up.context.phase]).toEqual(['pendingAcceptance', 'complex', 'planning']);
    const [s1] = transition(complexMachine, initialTransition(complexMachine, input('complex'))[0], ev({ type: 'accept' }));
    const [down] = transition(complexMachine, s1, ev({ type: 'changeTier', tier: 'immediate', reason: 'r' }));
    expect([down.value, down.context.tier, down.context.phase]).toEqual(['pendingDispatch', 'immediate', null]);
  });

  it('is refused once a unit holds the case', () => {
    let [s] = initialTransition(generalMachine, input('general'));
    [s] = transition(generalMachine, s, ev({ type: 'accept' }));
    [s] = transition(generalMachine, s, ev({ type: 'dispatch', lead: { unitId: 'u1', duty: 'd' } }));
    expect(s.value).toBe('pendingSign');
    expect(transition(generalMachine, s, ev({ type: 'changeTier', tier: 'complex', reason: 'r' }))[0]).toBe(s);
  });

  it('leaves a snapshot the new tier’s machine restores and continues with its own states', () => {
    let [s] = initialTransition(generalMachine, input('general'));
    [s] = transition(generalMachine, s, ev({ type: 'accept' }));
    [s] = transition(generalMachine, s, ev({ type: 'changeTier', tier: 'complex', reason: 'r' }));
    const persisted = JSON.parse(JSON.stringify(generalMachine.getPersistedSnapshot(s))) as { value: never; context: never };
    let c = complexMachine.resolveState({ value: persisted.value, context: persisted.context });
    [c] = transition(complexMachine, c, ev({ type: 'dispatch', lead: { unitId: 'u1', duty: 'd' } }));
    [c] = transition(complexMachine, c, ev({ type: 'sign', unitId: 'u1', ownerId: 'p1' }));
    expect(c.value).toEqual({ inProgress: 'planning' });
  });
});

describe('persisted snapshots', () => {
  it('have exactly the shape the engine writes without calling getPersistedSnapshot', () => {
    let [s] = initialTransition(complexMachine, input('complex'));
    for (const c of [
      { type: 'accept' },
      { type: 'dispatch', lead: { unitId: 'u1', duty: 'd' }, cooperating: [] },
      { type: 'sign', unitId: 'u1', ownerId: 'p1' },
    ] as CommandInput[]) [s] = transition(complexMachine, s, evNoDefaults(c));
    const direct = { status: s.status, value: s.value, historyValue: {}, context: s.context, children: {} };
    expect(JSON.parse(JSON.stringify(complexMachine.getPersistedSnapshot(s)))).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(Object.keys(s.children)).toEqual([]);
  });
});

describe('countersign modes', () => {
  const ctx = (mode: 'all' | 'any' | 'vote', units: string[], signs: Record<string, 'agree' | 'object'>) => {
    const c = initialContext(input('complex'));
    c.assignments = units.map((u, i) => ({
      id: `a${i + 1}`, unitId: u, role: i === 0 ? 'lead' : 'cooperating', duty: 'd', state: 'working', ownerId: 'p', replaces: null,
      createdAt: '', signedAt: '', opinion: null,
    }));
    c.plan = {
      revision: 1, solution: '', workPlan: '', deliverables: [], proposedCloseDate: '', feedbackCadenceDays: 1, countersignMode: mode,
      submittedBy: '', submittedAt: '', reviews: {}, countersigns: signs,
    };
    return c;
  };
  it.each([
    ['all', { a: 'agree', b: 'agree' }, 'pending'],
    ['all', { a: 'agree', b: 'agree', c: 'agree' }, 'approved'],
    ['all', { a: 'object' }, 'rejected'],
    ['any', { b: 'agree' }, 'approved'],
    ['any', { a: 'object', b: 'object' }, 'pending'],
    ['any', { a: 'object', b: 'object', c: 'object' }, 'rejected'],
    ['vote', { a: 'agree' }, 'pending'],
    ['vote', { a: 'agree', b: 'agree' }, 'approved'],
    ['vote', { a: 'object', b: 'object' }, 'rejected'],
    ['vote', { a: 'object', b: 'agree' }, 'pending'],
  ] as const)('%s with %o over three units is %s', (mode, signs, outcome) => {
    expect(countersignOutcome(ctx(mode, ['a', 'b', 'c'], signs))).toBe(outcome);
  });
  it('vote over two units needs both (a strict majority) and fails on one objection', () => {
    expect(countersignOutcome(ctx('vote', ['a', 'b'], { a: 'agree' }))).toBe('pending');
    expect(countersignOutcome(ctx('vote', ['a', 'b'], { a: 'object' }))).toBe('rejected');
  });
});
