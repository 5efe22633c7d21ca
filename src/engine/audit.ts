import type { AuditEntry } from '../store/case-store.js';
import { GENESIS_HASH } from '../store/memory-store.js';
import { sha256 } from './_canonical.js';

/** The result of checking a case's audit chain. */
export type AuditVerification = { ok: true; entries: number } | { ok: false; brokenAt: number; reason: 'hash' | 'link' | 'sequence' | 'head' };

/**
 * The hash of an audit entry: sha256 over the JSON array of every field but `hash` itself, in a
 * fixed order (so the input is canonical without sorting keys, and `prevHash` is covered: the
 * entries form a chain).
 *
 * @example
 * hashAuditEntry({ seq: 1, at: '2026-03-02T01:00:00.000Z', actorId: 'p1', command: 'register', fromState: null, toState: 'pendingAcceptance', summary: 'register general', prevHash: '0'.repeat(64) }).length;
 * //=> 64
 */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actorId, command, fromState, toState, summary, prevHash } = entry;
  return sha256(JSON.stringify([seq, at, actorId, command, fromState, toState, summary, prevHash]));
}

/**
 * Walks a case's audit entries and reports the first one whose sequence, link or hash is wrong.
 *
 * @example
 * verifyAuditChain([]);
 * //=> { ok: true, entries: 0 }
 */
export function verifyAuditChain(entries: readonly AuditEntry[]): AuditVerification {
  let prev = GENESIS_HASH;
  for (const [i, entry] of entries.entries()) {
    if (entry.seq !== i + 1) return { ok: false, brokenAt: i + 1, reason: 'sequence' };
    if (entry.prevHash !== prev) return { ok: false, brokenAt: entry.seq, reason: 'link' };
    if (hashAuditEntry(entry) !== entry.hash) return { ok: false, brokenAt: entry.seq, reason: 'hash' };
    prev = entry.hash;
  }
  return { ok: true, entries: entries.length };
}
