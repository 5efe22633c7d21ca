// The README's "engine in thirty seconds", kept compiling and running. Run: npx tsx examples/readme-engine.ts
import { createEngine, memoryStore } from 'jiaoban';
import { SimulatedClock } from 'jiaoban/testing';

const clock = new SimulatedClock(new Date('2026-03-02T09:00:00+08:00'));
const engine = createEngine({ store: memoryStore(), clock });
const intake = { id: 'op-wang', roles: ['intake' as const], unitIds: [], tenantId: 'city' };

const { case: c } = await engine.register(
  { tier: 'general', title: '小区路灯不亮', description: '3号楼前路灯一周不亮', category: 'urban/streetlight',
    requester: { name: '张三', phone: '13812345678' }, channel: 'hotline' },
  { actor: intake },
);
const { case: accepted } = await engine.execute(c.id, { type: 'accept' }, { actor: intake });
console.log(accepted.state, accepted.sla.level, accepted.sla.dueAt);
await engine.tick({ tenantId: 'city' });
