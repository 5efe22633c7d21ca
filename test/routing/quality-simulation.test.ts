// The routing quality simulation (bench/routing-quality.bench.ts) on a small stream. Only laws are checked
// here: which policy does better is a measurement, reported by the bench, never asserted.
import { beforeAll, describe, expect, it } from 'vitest';
import { caseStream, createCity, simulate, type City, type CaseSpec, type SimulationResult } from '../../bench/_city.js';
import { qualityPolicies } from '../../bench/routing-quality.bench.js';
import { cnMainland } from '../../src/calendar/index.js';

const SEEDS = { city: 2026, stream: 12345, behaviour: 7 };
const CASES = 150;

let city: City;
let stream: CaseSpec[];
const results: SimulationResult[] = [];

beforeAll(async () => {
  city = createCity(SEEDS.city);
  stream = caseStream(city, cnMainland(), { seed: SEEDS.stream, cases: CASES });
  // Catalogue-only and performance-aware, the two policies the bench compares.
  for (const { policy } of qualityPolicies(city).slice(0, 2)) results.push(await simulate(city, stream, policy, { seed: SEEDS.behaviour }));
});

describe('routing quality simulation', () => {
  it('uses one stream of cases, inside the years the official calendar covers', () => {
    expect(stream).toHaveLength(CASES);
    expect(new Set(stream.map((c) => c.id)).size).toBe(CASES);
    for (const c of stream) expect(new Date(c.arrival).getUTCFullYear()).toBe(2026);
  });

  it('gives every category a catalogue lead and two to four other mandated units', () => {
    for (const category of city.categories) {
      expect(category.mandated[0]).toBe(category.catalogueLead);
      expect(category.mandated.length - 1).toBeGreaterThanOrEqual(2);
      expect(category.mandated.length - 1).toBeLessThanOrEqual(4);
      expect(new Set(category.mandated).size).toBe(category.mandated.length);
    }
  });

  it('concludes every case or explains why not', () => {
    for (const result of results) {
      expect(result.outcomes).toHaveLength(CASES);
      for (const outcome of result.outcomes) {
        if (outcome.state !== 'concluded') expect(outcome.explanation, outcome.caseId).toBeTruthy();
      }
    }
  });

  it('leaves exactly one active lead unit after every dispatch', () => {
    for (const result of results) {
      expect(result.decisions.length).toBeGreaterThanOrEqual(CASES);
      for (const decision of result.decisions) expect(decision.leadsAfterDispatch, decision.caseId).toBe(1);
    }
  });

  it('never lets the router offer a unit that already returned the case', () => {
    for (const result of results) {
      const automatic = result.decisions.filter((d) => d.mode === 'automatic');
      // The run must exercise returns, or this law would hold vacuously.
      expect(automatic.some((d) => d.triedUnits.length > 0)).toBe(true);
      for (const decision of automatic) expect(decision.triedUnits, decision.caseId).not.toContain(decision.leadUnitId);
    }
  });

  it('force-dispatches only after the second return, and only when the router refused', () => {
    for (const result of results) {
      const forced = result.decisions.filter((d) => d.mode === 'forced');
      expect(forced.length).toBeGreaterThan(0);
      for (const decision of forced) {
        expect(decision.routingError).toBe('manualDispatchRequired');
        expect(decision.triedUnits.length).toBeGreaterThanOrEqual(2);
        // 首接负责制: the duty chief sends it back to the first receiver.
        expect(decision.leadUnitId).toBe(decision.triedUnits[0]);
      }
      const stopHits = result.outcomes.reduce((sum, o) => sum + o.stopHits, 0);
      expect(stopHits).toBe(forced.length);
    }
  });

  it('gives identical results for the same seeds', async () => {
    const [catalogueOnly] = qualityPolicies(city);
    if (catalogueOnly === undefined) throw new Error('no policy');
    const again = await simulate(createCity(SEEDS.city), caseStream(createCity(SEEDS.city), cnMainland(), { seed: SEEDS.stream, cases: CASES }), catalogueOnly.policy, { seed: SEEDS.behaviour });
    expect(again).toEqual(results[0]);
  });

  it('draws a different stream from a different seed', () => {
    const other = caseStream(city, cnMainland(), { seed: SEEDS.stream + 1, cases: CASES });
    expect(other.map((c) => c.category)).not.toEqual(stream.map((c) => c.category));
  });
});
