import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, isJiaobanError, type Actor, type CaseView, type CommandResult, type CommandInput, type SupervisionLevel, type Tier } from '../../src/index.js';
import { A, COOP, COOP2, LEAD, OTHER, actor, dump, harness, registration, replyCmd } from './_helpers.js';

/**
 * Model-based test: random command sequences from random actors against a reference model that
 * knows only what must always hold, whatever the path:
 * - version = 1 + number of accepted commands, and the audit log has exactly `version` entries, chained;
 * - once a lead unit has signed (and until the case goes back to dispatch), exactly one active lead
 *   assignment and one primary owner, and they agree;
 * - an archived case never changes again; a rejected command changes nothing;
 * - counters never go down; supervision only goes up unless it was cancelled;
 * - the case runs on the machine of its (possibly changed) tier.
 */

const ROOT = actor('p-root', [...ROLES], [LEAD, COOP, COOP2, OTHER]);
const ACTORS: Actor[] = [ROOT, ROOT, ROOT, A.leadHandler, A.coop, A.dutyChief, A.requester, A.otherHandler, A.supervisor];
const units = [LEAD, COOP, COOP2, OTHER];

const CONSTANTS: CommandInput[] = [
    { type: 'accept' }, { type: 'approveReturn' }, { type: 'rejectReturn', primaryOwnerId: 'p-forced' }, { type: 'resume' },
    { type: 'approveExtension' }, { type: 'rejectExtension' }, { type: 'approveSuspension' }, { type: 'rejectSuspension' },
    { type: 'unshelve' }, { type: 'approveReply' }, { type: 'conclude' }, { type: 'archive' }, { type: 'urge' },
    { type: 'markUrgent' }, { type: 'cancelUrgent' }, { type: 'cancelSupervision' }, { type: 'startImplementation' },
    { type: 'requestExtension', reason: 'r', workingDays: 2 }, { type: 'requestSuspension', reason: 'other', explanation: 'e' },
    { type: 'requestReturn', reason: 'mandate', explanation: 'e' }, { type: 'shelve', explanation: 'e' }, { type: 'sendBack', reason: 'r' },
    { type: 'redo', reason: 'r' }, { type: 'appeal', reason: 'r' }, { type: 'reportProgress', progress: 'p' },
    { type: 'reportFirstFeedback', summary: 's' }, { type: 'contactRequester', method: 'phone', reached: true },
    { type: 'cancel', reason: 'duplicate' }, { type: 'answerDirectly', answer: 'a' }, { type: 'decline', reason: 'other', explanation: 'e' },
    replyCmd,
    { type: 'changeTier', tier: 'immediate', reason: 'r' }, { type: 'changeTier', tier: 'general', reason: 'r' },
    { type: 'changeTier', tier: 'complex', reason: 'r' },
  { type: 'submitPlan', solution: 's', workPlan: 'w', deliverables: ['d'], proposedCloseDate: '2026-06-30', feedbackCadenceDays: 7 },
];

const shapedArb: fc.Arbitrary<CommandInput> = fc.oneof(
  fc.record({ type: fc.constant('dispatch' as const), lead: fc.record({ unitId: fc.constantFrom(...units), duty: fc.constant('d') }), cooperating: fc.subarray([{ unitId: COOP, duty: 'd' }, { unitId: COOP2, duty: 'd' }]) }),
  fc.record({ type: fc.constant('acceptAndDispatch' as const), lead: fc.record({ unitId: fc.constantFrom(...units), duty: fc.constant('d') }) }),
  fc.record({ type: fc.constant('sign' as const), unitId: fc.constantFrom(...units), ownerId: fc.constantFrom('p-1', 'p-2') }),
  fc.record({ type: fc.constant('submitOpinion' as const), unitId: fc.constantFrom(...units), opinion: fc.constant('o'), consent: fc.boolean() }),
  fc.record({ type: fc.constant('deemConsent' as const), unitId: fc.constantFrom(...units) }),
  fc.record({ type: fc.constant('addUnit' as const), unitId: fc.constantFrom(...units), duty: fc.constant('d') }),
  fc.record({ type: fc.constant('redispatch' as const), lead: fc.record({ unitId: fc.constantFrom(...units), duty: fc.constant('d') }), reason: fc.constant('r') }),
  fc.record({ type: fc.constant('transfer' as const), toUnitId: fc.constantFrom(...units), duty: fc.constant('d'), reason: fc.constant('r') }),
  fc.record({ type: fc.constant('evaluate' as const), result: fc.constantFrom('verySatisfied', 'satisfied', 'dissatisfied', 'veryDissatisfied', 'unreachable') }),
  fc.record({ type: fc.constant('decideAppeal' as const), upheld: fc.boolean() }),
  fc.record({ type: fc.constant('raiseSupervision' as const), level: fc.constantFrom('normal', 'yellow', 'red') }),
  fc.record({ type: fc.constant('review' as const), aspect: fc.constantFrom('risk', 'cost', 'effect'), passed: fc.boolean() }),
  fc.record({ type: fc.constant('countersign' as const), unitId: fc.constantFrom(...units), decision: fc.constantFrom('agree', 'object') }),
);

const commandArb: fc.Arbitrary<CommandInput> = fc.oneof(fc.constantFrom(...CONSTANTS), shapedArb);

/**
 * A step either issues an arbitrary command as an arbitrary actor (mostly refused: that exercises
 * "a rejected command changes nothing"), or picks, by index, one of the pool commands the engine
 * currently accepts for ROOT (so sequences get deep into the process instead of stalling at intake).
 */
const POOL: CommandInput[] = [...CONSTANTS, ...fc.sample(shapedArb, { numRuns: 600, seed: 7 })].filter(
  (c, i, all) => all.findIndex((d) => JSON.stringify(d) === JSON.stringify(c)) === i,
);
const stepArb = fc.record({ command: commandArb, actor: fc.constantFrom(...ACTORS), guided: fc.nat({ max: 9 }).map((n) => n < 8), pick: fc.nat() });
const EXITS = new Set(['cancel', 'decline', 'answerDirectly', 'archive']);
const PROGRESS = new Set([
  'accept', 'dispatch', 'acceptAndDispatch', 'sign', 'submitOpinion', 'deemConsent', 'reply', 'approveReply', 'evaluate', 'conclude',
  'submitPlan', 'review', 'countersign', 'startImplementation', 'resume', 'unshelve', 'redo', 'appeal', 'decideAppeal', 'sendBack',
  'rejectReturn', 'approveReturn',
]);
/** Accepted commands per tier:state, printed with MODEL_STATS=1 to check the walk reaches every state. */
const STATS = new Map<string, number>();
const RANK: Record<SupervisionLevel, number> = { none: 0, normal: 1, yellow: 2, red: 3 };
const SIGNED = new Set(['inProgress', 'suspended', 'shelved', 'pendingReview', 'appealPending']);

function checkOwnership(v: CaseView): void {
  const leads = v.assignments.filter((a) => a.role === 'lead' && a.state !== 'withdrawn' && a.state !== 'replaced');
  expect(leads.length).toBeLessThanOrEqual(1);
  expect(v.leadUnitId).toBe(leads[0]?.unitId ?? null);
  if (SIGNED.has(v.state)) {
    expect(leads).toHaveLength(1);
    expect(v.primaryOwnerId).not.toBeNull();
    expect(v.primaryOwnerId).toBe(leads[0]?.ownerId);
  }
  const units = v.assignments.filter((a) => a.state !== 'withdrawn' && a.state !== 'replaced').map((a) => a.unitId);
  expect(new Set(units).size).toBe(units.length);
}

describe('model: random command sequences', () => {
  it('keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Tier>('immediate', 'general', 'complex'), fc.array(stepArb, { minLength: 20, maxLength: 80, size: 'max' }), async (tier, steps) => {
        const h = harness();
        const { case: c } = await h.engine.register(registration(tier), { actor: A.intake });
        const read = { actor: ROOT };
        const model = { accepted: 0, archived: false, urges: 0, supervision: 0 as number };
        let prev = await h.engine.get(c.id, read);
        for (const step of steps) {
          let { command, actor: who } = step;
          if (step.guided) {
            const ok: CommandInput[] = [];
            for (const candidate of POOL) if ((await h.engine.can(c.id, candidate, { actor: ROOT })).allowed) ok.push(candidate);
            // Exits (cancel, decline, direct answer, archive) are picked rarely so that lives get long.
            const onward = ok.filter((x) => !EXITS.has(x.type));
            const forward = onward.filter((x) => PROGRESS.has(x.type));
            const choices = step.pick % 12 === 0 ? ok : step.pick % 6 !== 0 && forward.length > 0 ? forward : onward.length > 0 ? onward : ok;
            if (choices.length > 0) {
              command = choices[step.pick % choices.length] as CommandInput;
              who = ROOT;
            }
          }
          const before = await dump(h.engine, c.id);
          const outcome: CommandResult | unknown = await h.engine.execute(c.id, command, { actor: who }).then((r) => r, (e: unknown) => e);
          if (isJiaobanError(outcome)) {
            expect(['PERMISSION', 'INVALID_TRANSITION']).toContain(outcome.code);
            expect(await dump(h.engine, c.id)).toBe(before);
            continue;
          }
          expect(model.archived).toBe(false);
          model.accepted += 1;
          const reached = `${(outcome as CommandResult).case.tier}:${(outcome as CommandResult).case.state}`;
          STATS.set(reached, (STATS.get(reached) ?? 0) + 1);
          // Urges come from the command and from SLA escalations (system urges in the same commit).
          model.urges += (outcome as CommandResult).events.filter((e) => e.name === 'case:urged').length;
          if (command.type === 'archive') model.archived = true;
          const v = await h.engine.get(c.id, read);
          expect(v.version).toBe(1 + model.accepted);
          expect(v.counters.urge).toBe(model.urges);
          for (const k of ['redo', 'return', 'transfer', 'urge'] as const) expect(v.counters[k]).toBeGreaterThanOrEqual(prev.counters[k]);
          if (command.type !== 'cancelSupervision') expect(RANK[v.supervision.level]).toBeGreaterThanOrEqual(RANK[prev.supervision.level]);
          checkOwnership(v);
          // A change of tier (改变办理类别) moves the case to that tier's machine.
          expect(v.machine.id).toBe(`jiaoban.${v.tier}`);
          prev = v;
        }
        const audit = await h.engine.audit(c.id, read);
        expect(audit).toHaveLength(1 + model.accepted);
        expect(await h.engine.verifyAudit(c.id, read)).toEqual({ ok: true, entries: 1 + model.accepted });
      }),
      { numRuns: 60 },
    );
    if (process.env.MODEL_STATS) console.log([...STATS].sort());
  }, 120_000);
});
