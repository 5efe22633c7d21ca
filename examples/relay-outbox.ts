// Delivering a case's events to another system (an OA message centre, a data platform) through the
// outbox: at least once, with stable event ids, so the consumer de-duplicates on `eventId`. The
// downstream fails once mid-batch; the relay gives the rest back, and the next run delivers from the
// failed event on. `ack: 'batch'` acknowledges a batch with one store call (docs/adapters.md).
// Run: npx tsx examples/relay-outbox.ts
import { createEngine, type StoredEvent } from '../src/index.js';
import { actorsOf, storyClock } from './_story.js';

const TENANT = 'city-12345';
const person = actorsOf(TENANT);
const intake = person('op-wang', ['intake']);
const dispatcher = person('disp-li', ['dispatcher']);
const liaison = person('water-liaison', ['liaison'], ['u-water']);

/** The downstream system: keeps each event once, whatever the relay sends twice. */
class MessageCentre {
  readonly received = new Map<string, StoredEvent>();
  duplicates = 0;
  private failuresLeft = 1;

  publish(event: StoredEvent): void {
    // The third event of the first run hits an outage: the relay must not acknowledge it.
    if (this.received.size === 2 && this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('message centre unavailable');
    }
    if (this.received.has(event.eventId)) this.duplicates += 1;
    else this.received.set(event.eventId, event);
  }
}

export async function main(): Promise<void> {
  const engine = createEngine({ clock: storyClock('2026-03-02T00:30:00Z', 10), ids: { caseId: () => 'GEN-2026-000456' } });
  const { case: c } = await engine.register(
    { tier: 'general', title: '路灯不亮', description: '3号楼前路灯不亮', category: 'municipal.lighting', requester: { name: '张三' }, channel: 'hotline' },
    { actor: intake },
  );
  await engine.execute(c.id, { type: 'accept' }, { actor: intake });
  await engine.execute(c.id, { type: 'dispatch', lead: { unitId: 'u-water', duty: '排查修复' }, cooperating: [] }, { actor: dispatcher });
  await engine.execute(c.id, { type: 'sign', unitId: 'u-water', ownerId: 'water-liaison' }, { actor: liaison });

  const centre = new MessageCentre();
  const relay = () => engine.relay({ tenantId: TENANT, handler: (e) => centre.publish(e), ack: 'batch', workerId: 'relay-1' });
  try {
    await relay();
  } catch (error) {
    console.log(`first run stopped: ${(error as Error).message}; ${centre.received.size} events published and acknowledged, the rest given back`);
  }
  const { delivered } = await relay();
  console.log(`second run delivered ${delivered} events`);
  for (const e of centre.received.values()) console.log(`  ${e.eventId}  ${e.name}`);
  console.log(`the centre holds ${centre.received.size} events, ${centre.duplicates} duplicates dropped`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
