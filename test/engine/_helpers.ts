import { createEngine, memoryStore, type Actor, type Clock, type CommandInput, type Engine, type EngineOptions, type RegisterInput, type Role, type Tier } from '../../src/index.js';

/** A clock tests move by hand; every read advances one minute so timestamps are distinct and ordered. */
export class StepClock implements Clock {
  private t: number;
  constructor(start = '2026-03-02T01:00:00.000Z', private readonly stepMs = 60_000) {
    this.t = Date.parse(start);
  }
  now(): Date {
    const d = new Date(this.t);
    this.t += this.stepMs;
    return d;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const TENANT = 't-shenzhen';
export const LEAD = 'u-water';
export const COOP = 'u-housing';
export const COOP2 = 'u-police';
export const OTHER = 'u-transport';

export const actor = (id: string, roles: Role[], unitIds: string[] = [], tenantId = TENANT): Actor => ({ id, roles, unitIds, tenantId });

export const A = {
  intake: actor('p-intake', ['intake']),
  dispatcher: actor('p-dispatch', ['dispatcher']),
  dutyChief: actor('p-chief', ['dutyChief']),
  reviewer: actor('p-review', ['reviewer']),
  supervisor: actor('p-super', ['supervisor']),
  revisit: actor('p-revisit', ['revisitAgent']),
  admin: actor('p-admin', ['admin']),
  requester: actor('r-1', ['requester']),
  leadLiaison: actor('p-lead-liaison', ['liaison'], [LEAD]),
  leadHandler: actor('p-lead-handler', ['handler'], [LEAD]),
  leadLeader: actor('p-lead-leader', ['unitLeader'], [LEAD]),
  coop: actor('p-coop', ['cooperatingUnit'], [COOP]),
  coopLeader: actor('p-coop-leader', ['unitLeader'], [COOP]),
  coop2: actor('p-coop2', ['cooperatingUnit'], [COOP2]),
  coop2Leader: actor('p-coop2-leader', ['unitLeader'], [COOP2]),
  otherHandler: actor('p-other-handler', ['handler', 'liaison'], [OTHER]),
  otherLeader: actor('p-other-leader', ['unitLeader'], [OTHER]),
  foreignChief: actor('p-chief', ['dutyChief'], [], 't-other'),
} as const;

export const PHONE = '13812345678';
export const ID_CARD = '440301199001011234';

export function registration(tier: Tier = 'general', extra: Partial<RegisterInput> = {}): RegisterInput {
  return {
    tier,
    title: '小区路灯不亮',
    description: '3号楼前路灯连续一周不亮，夜间出行不便',
    category: 'municipal.lighting',
    location: '福田区某小区3号楼',
    requester: { id: 'r-1', name: '张三', phone: PHONE, idCard: ID_CARD },
    channel: 'hotline',
    ...extra,
  };
}

export interface Harness {
  engine: Engine;
  clock: StepClock;
  run(caseId: string, command: CommandInput, who: Actor): Promise<string>;
}

export function harness(options: EngineOptions = {}): Harness {
  const clock = new StepClock();
  let n = 0;
  const engine = createEngine({ store: memoryStore(), clock, ids: { caseId: () => `c-${++n}` }, ...options });
  return {
    engine,
    clock,
    async run(caseId, command, who) {
      const r = await engine.execute(caseId, command, { actor: who });
      return r.case.phase === null ? r.case.state : `${r.case.state}.${r.case.phase}`;
    },
  };
}

export const dispatchCmd = (coops: string[] = [COOP]): CommandInput => ({
  type: 'dispatch',
  lead: { unitId: LEAD, duty: '排查并修复路灯' },
  cooperating: coops.map((unitId) => ({ unitId, duty: '配合提供线路资料' })),
});

export const replyCmd: CommandInput = {
  type: 'reply', summary: '已更换灯具，恢复照明', resolved: true, signOff: { leaderId: 'p-lead-leader', level: 'deputy' },
};

/** Registers a case and drives it to `inProgress` (signed by the lead, one cooperating unit signed). */
export async function toInProgress(h: Harness, tier: Tier = 'general', coops: string[] = [COOP]): Promise<string> {
  const { case: c } = await h.engine.register(registration(tier), { actor: A.intake });
  await h.run(c.id, { type: 'accept' }, A.intake);
  await h.run(c.id, dispatchCmd(coops), A.dispatcher);
  await h.run(c.id, { type: 'sign', unitId: LEAD, ownerId: 'p-lead-handler' }, A.leadLiaison);
  return c.id;
}

/** Snapshot of everything the store holds about a case, as one string, for byte-for-byte comparisons. */
export async function dump(engine: Engine, caseId: string, tenantId = TENANT): Promise<string> {
  const s = engine.store;
  return JSON.stringify([
    await s.load(tenantId, caseId),
    await s.history(tenantId, caseId),
    await s.audit(tenantId, caseId),
    await s.readOutbox(tenantId, 100_000),
  ]);
}
