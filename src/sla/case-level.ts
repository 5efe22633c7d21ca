import { LEVEL_RANK } from './_clock-math.js';
import type { SlaClocks } from './apply-sla-event.js';
import type { Level } from './policy.js';

/**
 * The colour of a case for boards and the store's `level` index: the worst level announced on its
 * pending clocks (running or paused). Stopped, cancelled and scheduled clocks do not colour a case;
 * their history is in `concludedOverdue` and the events. Call it on `evaluateClocks`' output, whose
 * announced levels are current as of the evaluation.
 *
 * @example
 * caseLevel(evaluateClocks(clocks, now, ctx).clocks); //=> 'yellow'
 */
export function caseLevel(sla: SlaClocks): Level {
  let worst: Level = 'green';
  for (const clock of Object.values(sla.clocks)) {
    if (clock.status !== 'running' && clock.status !== 'paused') continue;
    if (LEVEL_RANK[clock.level] > LEVEL_RANK[worst]) worst = clock.level;
  }
  return worst;
}

/**
 * The earliest deadline among the running clocks (for a `dueBefore` index), or `null`. A paused
 * clock has no deadline until it resumes.
 *
 * @example
 * earliestDeadline(clocks); //=> '2026-02-26T09:30:00.000Z'
 */
export function earliestDeadline(sla: SlaClocks): string | null {
  let earliest: string | null = null;
  for (const clock of Object.values(sla.clocks)) {
    if (clock.status !== 'running' || clock.deadline === null) continue;
    if (earliest === null || clock.deadline < earliest) earliest = clock.deadline;
  }
  return earliest;
}
