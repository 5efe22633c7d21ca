// An SLA scenario as data, played by `runScenario` on a simulated clock: a general case that arrives
// the Friday before Spring Festival 2026 and is never answered. Every instant was counted by hand
// (docs/sla.md walks through it). In a vitest suite: `expect((await runScenario(s)).passed).toBe(true)`.
import { runScenario, type Scenario } from 'jiaoban/testing';

export const fridayBeforeSpringFestival: Scenario = {
  name: 'general case, Fri 13 Feb 2026 16:10, unanswered',
  start: '2026-02-13T08:10:00Z',
  cases: [{
    id: 'c1',
    at: '+0m',
    register: {
      tier: 'general', title: '小区路灯不亮', description: '3号楼前路灯连续一周不亮', category: 'municipal.lighting',
      requester: { name: '张三', phone: '13800138000' }, channel: 'hotline',
    },
    steps: [
      // Sat 14 Feb is a make-up working day: accepted at 09:30 Beijing.
      { at: '2026-02-14T01:30:00Z', by: 'intake', command: { type: 'accept' } },
      { at: '+10m', by: 'dispatcher', command: { type: 'dispatch', lead: { unitId: 'u-water', duty: '排查修复' }, cooperating: [] } },
      { at: '+10m', by: 'unit:u-water', command: { type: 'sign', unitId: 'u-water', ownerId: 'p-owner' } },
    ],
  }],
  expect: [
    // 4 working hours from Fri 16:10: Fri 80 min + Sat 09:00–11:40.
    { at: '+0m', case: 'c1', clock: 'acceptance', deadline: '2026-02-14T03:40:00Z' },
    // 3 working days 次日起算 after Sat 14 Feb: 24, 25, 26 Feb → Thu 26 Feb 17:30.
    { at: '2026-02-14T01:30:00Z', case: 'c1', clock: 'conclusion', deadline: '2026-02-26T09:30:00Z' },
    { at: '2026-02-25T07:20:00Z', case: 'c1', event: 'sla:warned', clock: 'conclusion' },
    { at: '2026-02-27T01:00:00Z', case: 'c1', event: 'sla:escalated', step: 'urgeAndNotifyLeader' },
    { at: '2026-02-27T09:30:00Z', case: 'c1', clock: 'conclusion', level: 'overdue' },
    { at: '2026-03-02T01:00:00Z', case: 'c1', supervision: 'normal' },
    { at: '2026-03-06T01:00:00Z', case: 'c1', supervision: 'yellow' },
  ],
};

export async function main(): Promise<void> {
  const { passed, results, timeline } = await runScenario(fridayBeforeSpringFestival);
  for (const t of timeline) console.log(`${t.at}  ${t.name}${t.detail === undefined ? '' : `  ${t.detail}`}`);
  for (const r of results) console.log(`${r.pass ? '✔' : '✘'} ${r.at} ${r.pass ? '' : r.message}`);
  console.log(passed ? 'all expectations hold' : 'some expectations failed');
}
