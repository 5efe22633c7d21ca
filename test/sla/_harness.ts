import type { WorkCalendar } from '../../src/calendar/index.js';
import {
  DEFAULT_SLA_POLICY, applySlaEvent, emptySlaClocks, evaluateClocks, type ClockChange, type EvaluateClocksResult, type SlaClocks,
  type SlaContext, type SlaEscalation, type SlaEvent, type SlaPolicy, type SlaTransition,
} from '../../src/sla/index.js';
import { bj, cn, local } from './_fixtures.js';

/**
 * Drives one case's clocks the way the engine will: apply an event, then evaluate at its instant;
 * `tick(t)` evaluates alone. Keeps everything announced, readable in Beijing time.
 */
export class CaseHarness {
  sla: SlaClocks;
  tier: string;
  readonly transitions: SlaTransition[] = [];
  readonly escalations: SlaEscalation[] = [];
  readonly changes: ClockChange[] = [];
  last: EvaluateClocksResult | null = null;

  constructor(tier: string, readonly calendars: SlaContext['calendars'] = { working: cn }, readonly policy: SlaPolicy = DEFAULT_SLA_POLICY) {
    this.tier = tier;
    this.sla = emptySlaClocks(tier);
  }

  ctx(): SlaContext {
    return { policy: this.policy, calendars: this.calendars, tier: this.tier };
  }

  /** `at` is Beijing wall time. */
  on(type: string, at: string, extra: Omit<SlaEvent, 'type' | 'at'> = {}): this {
    const r = applySlaEvent(this.sla, { type, at: bj(at), ...extra }, this.ctx());
    this.sla = r.clocks;
    this.changes.push(...r.changes);
    return this.tick(at);
  }

  tick(at: string): this {
    const r = evaluateClocks(this.sla, bj(at), this.ctx());
    this.sla = r.clocks;
    this.last = r;
    this.transitions.push(...r.transitions);
    this.escalations.push(...r.escalations);
    this.changes.push(...r.changes);
    return this;
  }

  clock(key: string) {
    const c = this.sla.clocks[key];
    if (c === undefined) throw new Error(`no clock ${key}; have ${Object.keys(this.sla.clocks).join(', ')}`);
    return c;
  }

  deadline(key: string): string | null {
    return local(this.clock(key).deadline);
  }

  /** 'sla:warned conclusion @2026-02-24T17:03:20' lines. */
  fired(key?: string): string[] {
    return this.transitions.filter((t) => key === undefined || t.clockKey === key).map((t) => `${t.event} ${t.clockKey} @${local(t.at)}`);
  }

  steps(key?: string): string[] {
    return this.escalations.filter((e) => key === undefined || e.clockKey === key).map((e) => `${e.stepId} ${e.clockKey} @${local(e.dueAt)}`);
  }
}

export type { WorkCalendar };

/** Levels of the named clocks at `at`, e.g. `{ conclusion: 'yellow' }`. */
export function board(h: CaseHarness, at: Date, keys: string[]): Record<string, string> {
  const r = evaluateClocks(h.sla, at, h.ctx());
  const out: Record<string, string> = {};
  for (const key of keys) out[key] = r.clocks.clocks[key]?.level ?? 'none';
  return out;
}
