import { cnMainland } from '../../src/calendar/index.js';
import type { WorkCalendar } from '../../src/calendar/index.js';
import { DEFAULT_SLA_POLICY, resolveClockDefinitions, type ClockDefinition } from '../../src/sla/index.js';

/** Wall-clock time in Beijing → Date. Shanghai has no DST, so a fixed +08:00 is exact. */
export const bj = (local: string): Date => new Date(`${local}+08:00`);

/** A Date → 'YYYY-MM-DDTHH:MM(:SS)' in Beijing, for readable assertions. */
export const local = (d: Date | string | null): string | null => {
  if (d === null) return null;
  const t = new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString();
  return t.endsWith(':00.000Z') ? t.slice(0, 16) : t.slice(0, 19);
};

export const MIN = 60_000;

export const cn: WorkCalendar = cnMainland();

export function def(tier: string, name: string, scope: 'case' | 'assignment' = 'case'): ClockDefinition {
  const found = resolveClockDefinitions(DEFAULT_SLA_POLICY, tier).find((d) => d.name === name && d.scope === scope);
  if (found === undefined) throw new Error(`no clock ${scope}:${name} in ${tier}`);
  return found;
}
