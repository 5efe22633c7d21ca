/**
 * Both SQL adapters store an outbox row's JSON with its event spliced in as the text already written
 * for the events table. The text must be exactly what serialising the row whole gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outboxBody } from '../../src/adapters/_shared.js';
import type { OutboxRow, StoredEvent } from '../../src/store/case-store.js';

const event = (data: unknown): StoredEvent => ({
  eventId: 'c-1:2:0', name: 'case:accepted', caseId: 'c-1', tenantId: 't"1', version: 2, at: '2026-03-02T01:00:00.000Z', data,
});
const row = (payload: StoredEvent): OutboxRow => ({ id: payload.eventId, tenantId: payload.tenantId, caseId: payload.caseId, name: payload.name, payload, createdAt: payload.at });

describe('outboxBody', () => {
  it('writes what JSON.stringify writes for the whole row', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (data) => {
        const e = event(data);
        const o = row(e);
        expect(outboxBody(o, { value: e, json: JSON.stringify(e) })).toBe(JSON.stringify(o));
      }),
      { numRuns: 200 },
    );
  });

  it('serialises the row whole when the payload is not the event given, or the row has other fields', () => {
    const e = event({ note: '已受理' });
    const other = event({ note: 'another' });
    const stale = { value: other, json: JSON.stringify(other) };
    expect(outboxBody(row(e), stale)).toBe(JSON.stringify(row(e)));
    const extra = { ...row(other), extra: 1 } as OutboxRow;
    expect(outboxBody(extra, stale)).toBe(JSON.stringify(extra));
    expect(outboxBody(row(e), undefined)).toBe(JSON.stringify(row(e)));
  });
});
