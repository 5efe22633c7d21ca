// Shared by the engine examples: how a story's actors are made and how a case's history is printed.
import type { Actor, AuditVerification, Clock, Engine, EngineEvent, ReadContext } from '../src/index.js';

/** Event times as a Beijing dispatcher reads them: month-day hour:minute in Asia/Shanghai. */
export const beijingTime = (iso: string): string => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');

export const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - [...text].length));

/** Makes the actors of one tenant. */
export const actorsOf =
  (tenantId: string) =>
  (id: string, roles: Actor['roles'], unitIds: string[] = []): Actor => ({ id, roles, unitIds, tenantId });

/** A clock that moves a fixed step per reading, so the printed times tell a story. */
export function storyClock(startIso: string, stepMinutes: number): Clock {
  let t = Date.parse(startIso);
  return { now: () => new Date((t += stepMinutes * 60_000)) };
}

/** Prints the case's history and whether its audit chain is intact. */
export async function printHistory(engine: Engine, caseId: string, ctx: ReadContext): Promise<void> {
  const events: EngineEvent[] = await engine.history(caseId, ctx);
  for (const e of events) {
    const move = e.fromState === e.toState ? e.toState : `${e.fromState ?? '∅'} → ${e.toState}`;
    console.log(`  v${String(e.version).padStart(2)}  ${beijingTime(e.at)}  ${pad(e.name, 24)} ${pad(e.actorId, 16)} ${move}`);
  }
  const verdict: AuditVerification = await engine.verifyAudit(caseId, ctx);
  console.log(`  audit chain: ${verdict.ok ? `intact (${verdict.entries} entries)` : `broken at entry ${verdict.brokenAt} (${verdict.reason})`}`);
}
