// The month around Spring Festival 2026 for a few dozen cases: registrations on working days, most
// handled in time, some late, one extended, one suspended over the break. Each evening prints the
// board: how many open cases are green, yellow, red or overdue (their worst running clock, replies
// awaiting the centre's review included), and how many are under supervision (督办).
import { createEngine, memoryStore, type Actor, type CommandInput, type Tier } from 'jiaoban';
import { cnMainland } from 'jiaoban/calendar';
import { SimulatedClock } from 'jiaoban/testing';
import { actorsOf } from './_story.js';

const T = 'demo';
const who = actorsOf(T);
const intake = who('p-intake', ['intake']);
const dispatcher = who('p-dispatch', ['dispatcher']);
const chief = who('p-chief', ['dutyChief']);
const reviewer = who('p-review', ['reviewer']);
const revisit = who('p-revisit', ['revisitAgent']);
const unit = (u: string) => who(`p@${u}`, ['liaison', 'handler', 'unitLeader'], [u]);
const UNITS = ['u-water', 'u-road', 'u-housing', 'u-env'];

type Planned = { day: string; caseNo: number; command: CommandInput | 'register'; actor: Actor; tier?: Tier };

export async function main(): Promise<void> {
  const calendar = cnMainland();
  const clock = new SimulatedClock('2026-02-02T00:00:00Z');
  const engine = createEngine({ store: memoryStore({ outbox: false }), clock, calendars: { working: calendar } });
  // A deterministic plan: case n arrives on the n-th working morning (two a day), is accepted and
  // dispatched that day, signed the next morning, and answered after 1–5 working days.
  const plan: Planned[] = [];
  let day = new Date('2026-02-02T01:00:00Z');
  for (let n = 0; n < 36; n++) {
    // `day` is always a working morning (09:00): 420 working minutes later is its close, and the
    // next working instant after that is the next working morning.
    if (n % 2 === 0 && n > 0) day = calendar.nextWorkingTime(calendar.addWorkingMinutes(day, 420));
    const u = UNITS[n % UNITS.length] as string;
    const tier: Tier = n % 6 === 5 ? 'complex' : 'general';
    const at = (wd: number) => (wd === 0 ? day : calendar.nextWorkingTime(calendar.addWorkingMinutes(day, wd * 420))).toISOString();
    plan.push({ day: at(0), caseNo: n, command: 'register', actor: intake, tier });
    plan.push({ day: at(0), caseNo: n, command: { type: 'accept' }, actor: intake });
    plan.push({ day: at(0), caseNo: n, command: { type: 'dispatch', lead: { unitId: u, duty: '处置' }, cooperating: [] }, actor: dispatcher });
    plan.push({ day: at(1), caseNo: n, command: { type: 'sign', unitId: u, ownerId: `p@${u}` }, actor: unit(u) });
    if (n === 7) {
      plan.push({ day: at(1), caseNo: n, command: { type: 'requestExtension', reason: '等待配件', workingDays: 3 }, actor: unit(u) });
      plan.push({ day: at(1), caseNo: n, command: { type: 'approveExtension' }, actor: chief });
    }
    if (n === 9) {
      plan.push({ day: at(1), caseNo: n, command: { type: 'requestSuspension', reason: 'awaitingThirdParty', explanation: '等待供电' }, actor: unit(u) });
      plan.push({ day: at(1), caseNo: n, command: { type: 'approveSuspension' }, actor: chief });
      plan.push({ day: at(5), caseNo: n, command: { type: 'resume' }, actor: chief });
    }
    const answerAfter = tier === 'complex' ? 0 : 1 + ((n * 7) % 5);
    if (answerAfter > 0) {
      const replied = answerAfter + (n === 9 ? 5 : 0);
      plan.push({ day: at(replied), caseNo: n, command: { type: 'reply', summary: '已处理', resolved: true, signOff: { leaderId: `p@${u}`, level: 'deputy' } }, actor: unit(u) });
      // The centre reviews and closes most replies the next working day; every fifth is left waiting.
      if (n % 5 !== 4) {
        plan.push({ day: at(replied + 1), caseNo: n, command: { type: 'approveReply' }, actor: reviewer });
        plan.push({ day: at(replied + 1), caseNo: n, command: { type: 'evaluate', result: 'satisfied' }, actor: revisit });
        plan.push({ day: at(replied + 1), caseNo: n, command: { type: 'conclude' }, actor: revisit });
      }
    }
  }
  plan.sort((a, b) => a.day.localeCompare(b.day));
  const ids = new Map<number, string>();
  const observer = who('p-board', ['dutyChief']);
  let next = 0;
  console.log('date         green yellow   red overdue   督办 (· = day off)');
  for (let d = Date.parse('2026-02-02T10:00:00Z'); d <= Date.parse('2026-03-13T10:00:00Z'); d += 86_400_000) {
    // Commands of the day, then the evening's tick (18:00 Beijing) and the board.
    while (next < plan.length && Date.parse((plan[next] as Planned).day) <= d) {
      const p = plan[next++] as Planned;
      clock.set(new Date(Math.max(Date.parse(p.day), clock.now().getTime())));
      await engine.tick({ tenantId: T });
      if (p.command === 'register') {
        const { case: c } = await engine.register({
          tier: p.tier ?? 'general', title: `第${p.caseNo + 1}号诉求`, description: '示例', category: 'demo',
          requester: { name: '张三' }, channel: 'hotline',
        }, { actor: intake });
        ids.set(p.caseNo, c.id);
      } else {
        await engine.execute(ids.get(p.caseNo) as string, p.command, { actor: p.actor }).catch(() => undefined);
      }
    }
    clock.set(new Date(d));
    await engine.tick({ tenantId: T });
    const count = { green: 0, yellow: 0, red: 0, overdue: 0 };
    const supervised: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await engine.query({}, { actor: observer }, { limit: 100, cursor });
      for (const c of page.items) {
        if (c.closure !== null) continue;
        count[c.sla.level] += 1;
        if (c.supervision.level !== 'none') supervised.push(c.supervision.level);
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    const date = new Date(d + 8 * 3_600_000).toISOString().slice(0, 10);
    const off = calendar.isWorkingDay(new Date(d)) ? ' ' : '·';
    const pad = (n: number) => String(n).padStart(5);
    console.log(`${date}${off}${pad(count.green)} ${pad(count.yellow)} ${pad(count.red)} ${pad(count.overdue)}   ${supervised.filter((l) => l === 'normal').length} normal, ${supervised.filter((l) => l === 'yellow').length} yellow`);
  }
}
