// A complex-tier case (复杂协同类): a lead unit and two cooperating units, a plan that fails the cost
// review once, the triple review (风险评估-成本测算-效果预评), a countersign (会签) with one objection
// and a second round by majority vote (票签), implementation with a suspension in the rainy season,
// and the close. Prints the history.
// Run: npx tsx examples/engine-complex.ts
import { createEngine, type Actor, type CommandInput } from '../src/index.js';
import { actorsOf, printHistory, storyClock } from './_story.js';


const TENANT = 'province-supervision';
const person = actorsOf(TENANT);

const intake = person('op-liu', ['intake']);
const dispatcher = person('disp-he', ['dispatcher']);
const chief = person('chief-ma', ['dutyChief']);
const reviewer = person('rev-gao', ['reviewer']);
const supervisor = person('sup-lin', ['supervisor']);
const revisit = person('rv-xu', ['revisitAgent']);
const leadHandler = person('urban-fang', ['handler', 'liaison'], ['u-urban']);
const leadLeader = person('urban-head', ['unitLeader'], ['u-urban']);
const waterLeader = person('water-head', ['unitLeader', 'cooperatingUnit'], ['u-water']);
const trafficLeader = person('traffic-head', ['unitLeader', 'cooperatingUnit'], ['u-traffic']);

const plan = (mode: 'all' | 'vote'): CommandInput => ({
  type: 'submitPlan',
  solution: '老城区雨污分流改造，分三段施工',
  workPlan: '一期勘察设计，二期管网施工，三期路面恢复',
  deliverables: ['改造方案', '施工组织设计', '竣工验收报告'],
  proposedCloseDate: '2026-09-30',
  feedbackCadenceDays: 7,
  countersignMode: mode,
});

export async function main(): Promise<void> {
  const engine = createEngine({ clock: storyClock('2026-03-02T01:00:00Z', 20), ids: { caseId: () => 'CPX-2026-000007' } });
  const { case: c } = await engine.register(
    {
      tier: 'complex',
      title: '老城区雨季内涝反复发生',
      description: '每逢强降雨，老城区三条道路积水超过30厘米，历史遗留问题',
      category: 'urban.drainage',
      tags: ['历史遗留', '跨部门'],
      requester: { name: '人大代表联名' },
      channel: 'letter',
    },
    { actor: intake },
  );
  const run = (command: CommandInput, actor: Actor) => engine.execute(c.id, command, { actor });

  await run({ type: 'accept' }, intake);
  await run({
    type: 'dispatch',
    lead: { unitId: 'u-urban', duty: '牵头制定并实施改造方案' },
    cooperating: [
      { unitId: 'u-water', duty: '提供管网资料并参与设计' },
      { unitId: 'u-traffic', duty: '施工期间交通组织' },
    ],
  }, dispatcher);
  await run({ type: 'sign', unitId: 'u-urban', ownerId: 'urban-fang' }, leadHandler);
  await run({ type: 'sign', unitId: 'u-water', ownerId: 'water-head' }, waterLeader);
  await run({ type: 'sign', unitId: 'u-traffic', ownerId: 'traffic-head' }, trafficLeader);
  // 会办意见 within the cooperating units' 4 working hours; silence past it would count as consent.
  await run({ type: 'submitOpinion', unitId: 'u-water', opinion: '提供管网图，参与设计', consent: true }, waterLeader);
  await run({ type: 'submitOpinion', unitId: 'u-traffic', opinion: '同意，施工期间配合交通组织', consent: true }, trafficLeader);
  await run({ type: 'raiseSupervision', level: 'normal', note: '列入年度督办事项' }, supervisor);

  await run(plan('all'), leadHandler);
  await run({ type: 'review', aspect: 'risk', passed: true }, reviewer);
  await run({ type: 'review', aspect: 'cost', passed: false, comment: '概算超出年度预算' }, reviewer);
  await run(plan('all'), leadHandler);
  for (const aspect of ['risk', 'cost', 'effect'] as const) await run({ type: 'review', aspect, passed: true }, reviewer);
  await run({ type: 'countersign', unitId: 'u-urban', decision: 'agree' }, leadLeader);
  await run({ type: 'countersign', unitId: 'u-traffic', decision: 'object', comment: '施工期与旅游旺季重叠' }, trafficLeader);

  // Back to planning; the second round is decided by majority (票签).
  await run(plan('vote'), leadHandler);
  for (const aspect of ['risk', 'cost', 'effect'] as const) await run({ type: 'review', aspect, passed: true }, reviewer);
  await run({ type: 'countersign', unitId: 'u-urban', decision: 'agree' }, leadLeader);
  await run({ type: 'countersign', unitId: 'u-water', decision: 'agree' }, waterLeader);
  await run({ type: 'startImplementation' }, leadHandler);
  await run({ type: 'reportProgress', progress: '一期勘察完成', percent: 30 }, leadHandler);
  await run({ type: 'requestSuspension', reason: 'seasonal', explanation: '汛期禁止开挖' }, leadHandler);
  await run({ type: 'approveSuspension' }, chief);
  await run({ type: 'resume' }, chief);
  await run({ type: 'reportProgress', progress: '管网施工完成', percent: 90 }, leadHandler);
  await run({ type: 'reply', summary: '三段改造完成，强降雨期间未再积水', resolved: true, signOff: { leaderId: 'urban-head', level: 'principal' } }, leadLeader);
  await run({ type: 'approveReply' }, reviewer);
  await run({ type: 'evaluate', result: 'verySatisfied' }, revisit);
  await run({ type: 'conclude' }, revisit);
  const { case: done } = await run({ type: 'archive' }, chief);

  console.log(`■ ${done.title} — ${done.state}, version ${done.version}`);
  console.log(`  plan revision ${done.plan?.revision} (${done.plan?.countersignMode}), supervision reached ${done.supervision.highest}`);
  await printHistory(engine, c.id, { actor: chief });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
