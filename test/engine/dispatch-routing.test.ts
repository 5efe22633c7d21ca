import { describe, expect, it } from 'vitest';
import { cnMainland } from '../../src/calendar/index.js';
import { assignmentRecordsOf, createDispatchRouting, routingRequestFor, triedUnitsOf } from '../../src/engine/dispatch-routing.js';
import { JiaobanError } from '../../src/errors.js';
import type { Assignment, CaseContext } from '../../src/machines/case-context.js';
import { byCatalog, byJurisdiction, createDirectory, firstMatch, leastLoaded, loadCatalog } from '../../src/routing/index.js';
import areasJson from '../../examples/catalog/city-12345-areas.json' with { type: 'json' };
import catalogJson from '../../examples/catalog/city-12345.json' with { type: 'json' };
import directoryJson from '../../examples/catalog/city-12345-directory.json' with { type: 'json' };

const directory = createDirectory(directoryJson);
const catalog = loadCatalog(catalogJson, { directory });
const policy = firstMatch(byCatalog(catalog), byJurisdiction(areasJson), leastLoaded());
const now = new Date('2026-03-02T09:00:00+08:00');

function assignment(unitId: string, state: Assignment['state'], role: Assignment['role'] = 'lead'): Assignment {
  return { id: `a-${unitId}`, unitId, role, duty: '主办', state, ownerId: null, replaces: null, createdAt: now.toISOString(), signedAt: null, opinion: null };
}

function context(assignments: Assignment[] = []): CaseContext {
  return {
    tier: 'general', title: '路灯不亮', description: '小区门口路灯连续三晚不亮', category: 'urban/streetlight',
    location: 'taishan/caiyuan/shengping', tags: ['路灯'], assignments,
  } as unknown as CaseContext;
}

describe('routingRequestFor', () => {
  it('carries the case fields the policies read', () => {
    const request = routingRequestFor('c-1', 't-1', context());
    expect(request).toMatchObject({ caseId: 'c-1', tenantId: 't-1', tier: 'general', category: 'urban/streetlight', location: { areaId: 'taishan/caiyuan/shengping' }, tags: ['路灯'], triedUnits: [], returnCount: 0 });
  });

  it('lists withdrawn lead units as returned and replaced ones as transferred, ignoring cooperating units', () => {
    const tried = triedUnitsOf(context([assignment('unit.a', 'withdrawn'), assignment('unit.b', 'replaced'), assignment('unit.c', 'withdrawn', 'cooperating'), assignment('unit.d', 'working')]));
    expect(tried).toEqual([{ unitId: 'unit.a', outcome: 'returned' }, { unitId: 'unit.b', outcome: 'transferred' }]);
    expect(routingRequestFor('c', 't', context([assignment('unit.a', 'withdrawn'), assignment('unit.b', 'replaced')])).returnCount).toBe(1);
  });
});

describe('createDispatchRouting', () => {
  const routing = createDispatchRouting({ policy, directory: () => directory });

  it('decides one lead unit with reasons for a dispatch that names none', async () => {
    const dispatch = await routing.decide(routingRequestFor('c-1', 't', context()), now);
    expect(dispatch.lead.unitId).toBe('unit.chengguan');
    expect(dispatch.lead.duty.length).toBeGreaterThan(0);
    expect(dispatch.routing.mode).toBe('automatic');
    expect(dispatch.routing.reasons.length).toBeGreaterThan(0);
  });

  it('never offers a unit that already returned the case', async () => {
    const dispatch = await routing.decide(routingRequestFor('c-1', 't', context([assignment('unit.chengguan', 'withdrawn')])), now);
    expect(dispatch.lead.unitId).not.toBe('unit.chengguan');
  });

  it('stops automatic routing at the second return and asks for a forced dispatch', async () => {
    const request = routingRequestFor('c-1', 't', context([assignment('unit.chengguan', 'withdrawn'), assignment('unit.street.caiyuan', 'withdrawn')]));
    const error = await routing.decide(request, now).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(JiaobanError);
    expect((error as JiaobanError<'ROUTING'>).details).toMatchObject({ reason: 'manualDispatchRequired', escalateTo: 'dutyChief' });
  });

  it('rejects an explicit dispatch to a unit the directory does not know', async () => {
    const request = routingRequestFor('c-1', 't', context());
    const error = await routing.check(request, { lead: { unitId: 'unit.nowhere', duty: '主办' }, cooperating: [] }, 'p.disp', now).then(() => null, (e: unknown) => e);
    expect((error as JiaobanError).code).toBe('ROUTING');
  });

  it('records an explicit dispatch to known units as manual with reasons', async () => {
    const dispatch = await routing.check(routingRequestFor('c-1', 't', context()), { lead: { unitId: 'unit.chengguan', duty: '主办' }, cooperating: [] }, 'p.disp', now);
    expect(dispatch.routing.mode).toBe('manual');
    expect(dispatch.lead).toEqual({ unitId: 'unit.chengguan', duty: '主办' });
  });

  it('ranks candidates for a human dispatcher', async () => {
    const ranking = await routing.suggest(routingRequestFor('c-1', 't', context()), now);
    expect(ranking.candidates.length).toBeGreaterThan(0);
  });

  it('refuses a dispatch without units when no policy is configured', async () => {
    const none = createDispatchRouting(undefined);
    const error = await none.decide(routingRequestFor('c-1', 't', context()), now).then(() => null, (e: unknown) => e);
    expect((error as JiaobanError).code).toBe('VALIDATION');
  });
});

describe('assignmentRecordsOf', () => {
  const calendar = cnMainland();

  it('reports an open case as load for every active unit', () => {
    const records = assignmentRecordsOf('c-1', { ...context([assignment('unit.a', 'working'), assignment('unit.b', 'working', 'cooperating')]), closure: null } as CaseContext, { calendar });
    expect(records.map((r) => [r.unitId, r.role, r.state])).toEqual([['unit.a', 'lead', 'open'], ['unit.b', 'cooperating', 'open']]);
  });

  it('counts a returned lead against its unit and a replaced one as neutral', () => {
    const records = assignmentRecordsOf('c-1', { ...context([assignment('unit.a', 'withdrawn'), assignment('unit.b', 'replaced')]), closure: null } as CaseContext, { calendar });
    expect(records.map((r) => r.state)).toEqual(['returned', 'withdrawn']);
  });

  it('gives a concluded case its working days (次日起算), timeliness, redo count and satisfaction', () => {
    const lead = { ...assignment('unit.a', 'done'), createdAt: '2026-02-13T08:10:00.000Z' };
    const ctx = {
      ...context([lead]),
      closure: { kind: 'concluded', reason: null, at: '2026-02-25T07:00:00.000Z', by: 'rv' },
      counters: { redo: 1, return: 0, transfer: 0, urge: 0 },
      evaluation: { result: 'satisfied', by: 'rv', at: '2026-02-25T07:00:00.000Z' },
    } as unknown as CaseContext;
    // Fri 13 Feb → Wed 25 Feb: Sat 14 Feb (make-up day), Tue 24, Wed 25 are the working days after 13 Feb.
    expect(assignmentRecordsOf('c-1', ctx, { calendar, onTime: true })).toEqual([
      { caseId: 'c-1', unitId: 'unit.a', category: 'urban/streetlight', tier: 'general', role: 'lead', state: 'concluded', workingDays: 3, onTime: true, redoCount: 1, satisfaction: 90 },
    ]);
  });
});
