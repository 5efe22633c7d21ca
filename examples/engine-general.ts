// A general-tier case (一般办理类) walked through its life on the in-memory engine: intake, dispatch to
// a lead unit and a cooperating unit, a return the centre refuses (强派), an extension, a reply sent
// back once (退回重办), evaluation and conclusion, archive. Prints the history.
// Run: npx tsx examples/engine-general.ts
import { createEngine, isJiaobanError, type Actor } from '../src/index.js';
import { actorsOf, printHistory, storyClock } from './_story.js';


const TENANT = 'city-12345';
const person = actorsOf(TENANT);

const intake = person('op-wang', ['intake']);
const dispatcher = person('disp-li', ['dispatcher']);
const chief = person('chief-zhao', ['dutyChief']);
const reviewer = person('rev-sun', ['reviewer']);
const revisit = person('rv-zhou', ['revisitAgent']);
const liaison = person('water-liaison', ['liaison'], ['u-water']);
const handler = person('water-chen', ['handler'], ['u-water']);
const leader = person('water-head', ['unitLeader'], ['u-water']);
const housing = person('housing-wu', ['cooperatingUnit'], ['u-housing']);

export async function main(): Promise<void> {
  const engine = createEngine({ clock: storyClock('2026-03-02T00:30:00Z', 25), ids: { caseId: () => 'GEN-2026-000123' } });
  engine.on('return:rejected', (e) => console.log(`  (event) the centre ruled on the return of ${e.caseId}: the unit stays responsible`));

  const { case: c } = await engine.register(
    {
      tier: 'general',
      title: '小区二次供水水压不足',
      description: '5栋高层用户反映早晚高峰水压不足，已持续两周',
      category: 'utilities.water.pressure',
      location: '南山区某小区5栋',
      requester: { name: '李女士', phone: '13900001111' },
      channel: 'hotline',
    },
    { actor: intake, idempotencyKey: 'call-20260302-0815' },
  );
  const run = (command: Parameters<typeof engine.execute>[1], actor: Actor) => engine.execute(c.id, command, { actor });

  await run({ type: 'accept' }, intake);
  await run({
    type: 'dispatch',
    lead: { unitId: 'u-water', duty: '排查二次供水设备并恢复水压' },
    cooperating: [{ unitId: 'u-housing', duty: '协调物业开放泵房' }],
  }, dispatcher);
  await run({ type: 'sign', unitId: 'u-water', ownerId: 'water-chen' }, liaison);
  await run({ type: 'requestReturn', reason: 'ownership', explanation: '二次供水设施属物业产权' }, handler);
  await run({ type: 'rejectReturn', note: '依据供水条例，水务部门负责监管' }, chief);
  await run({ type: 'sign', unitId: 'u-housing', ownerId: 'housing-wu' }, housing);
  await run({ type: 'contactRequester', method: 'phone', reached: true }, handler);
  await run({ type: 'requestExtension', reason: '需更换加压泵，等待配件', workingDays: 3 }, handler);
  await run({ type: 'approveExtension' }, chief);

  // The reply is refused until the cooperating unit has given its opinion.
  const early = await engine.can(c.id, {
    type: 'reply', summary: '已更换加压泵', resolved: true, signOff: { leaderId: 'water-head', level: 'deputy' },
  }, { actor: handler });
  if (!early.allowed && isJiaobanError(early.error, 'INVALID_TRANSITION')) {
    console.log(`  (check) reply not yet possible in ${early.error.details.state}: the cooperating unit has not answered`);
  }
  await run({ type: 'submitOpinion', unitId: 'u-housing', opinion: '已协调物业开放泵房', consent: true }, housing);
  await run({ type: 'reply', summary: '已更换加压泵', resolved: true, signOff: { leaderId: 'water-head', level: 'deputy' } }, leader);
  await run({ type: 'sendBack', reason: '未附高峰时段水压检测记录' }, reviewer);
  await run({ type: 'reply', summary: '已更换加压泵，附早晚高峰水压记录', resolved: true, signOff: { leaderId: 'water-head', level: 'deputy' } }, leader);
  await run({ type: 'approveReply' }, reviewer);
  await run({ type: 'evaluate', result: 'satisfied' }, revisit);
  await run({ type: 'conclude' }, revisit);
  const { case: done } = await run({ type: 'archive' }, chief);

  console.log(`■ ${done.title} — ${done.state}, version ${done.version}`);
  console.log(`  lead ${done.leadUnitId}, primary owner ${done.primaryOwnerId}, redo ${done.counters.redo}, returns ${done.counters.return}, extension +${done.extension.grantedDays} working days`);
  await printHistory(engine, c.id, { actor: chief });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
