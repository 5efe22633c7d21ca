/**
 * The checks every store runs on lease arguments before it touches anything: a malformed claim or
 * renewal is `VALIDATION` and leases nothing. Shared by the memory store and the SQL adapters, so
 * that the same input gets the same answer everywhere.
 */
import { JiaobanError, type FieldIssue } from '../errors.js';
import type { ClaimOptions, RenewOptions } from './case-store.js';

/** PostgreSQL's `integer`: a lease longer than ~24.8 days is not a lease. */
export const MAX_LEASE_MS = 2_147_483_647;

const isDate = (v: unknown): v is Date => v instanceof Date && !Number.isNaN(v.getTime());
const isLeaseMs = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_LEASE_MS;

function fail(operation: string, issues: FieldIssue[]): never {
  throw new JiaobanError('VALIDATION', `invalid ${operation} options: ${issues.map((i) => i.path.join('.')).join(', ')}`, { issues });
}

/** `limit` 1–1000, `leaseMs` 1–MAX_LEASE_MS (integers), `owner` 1–200 characters, `now` a valid Date. */
export function checkClaimOptions(operation: string, options: ClaimOptions): void {
  const o = (options ?? {}) as Partial<Record<keyof ClaimOptions, unknown>>;
  const issues: FieldIssue[] = [];
  if (!Number.isInteger(o.limit) || (o.limit as number) < 1 || (o.limit as number) > 1000) issues.push({ path: ['limit'], message: 'an integer from 1 to 1000' });
  if (!isLeaseMs(o.leaseMs)) issues.push({ path: ['leaseMs'], message: `an integer number of ms from 1 to ${MAX_LEASE_MS}` });
  if (typeof o.owner !== 'string' || o.owner.length === 0 || o.owner.length > 200) issues.push({ path: ['owner'], message: 'a string of 1 to 200 characters' });
  if (!isDate(o.now)) issues.push({ path: ['now'], message: 'a valid Date' });
  if (issues.length > 0) fail(operation, issues);
}

/** `leaseMs` 1–MAX_LEASE_MS, `now` a valid Date. */
export function checkRenewOptions(operation: string, options: RenewOptions): void {
  const o = (options ?? {}) as Partial<Record<keyof RenewOptions, unknown>>;
  const issues: FieldIssue[] = [];
  if (!isLeaseMs(o.leaseMs)) issues.push({ path: ['leaseMs'], message: `an integer number of ms from 1 to ${MAX_LEASE_MS}` });
  if (!isDate(o.now)) issues.push({ path: ['now'], message: 'a valid Date' });
  if (issues.length > 0) fail(operation, issues);
}

/** The ids of an ack or release, de-duplicated: an array of at most 1000 strings, and a string token. */
export function checkHeldIds(operation: string, ids: readonly string[], token: string): string[] {
  const issues: FieldIssue[] = [];
  if (!Array.isArray(ids) || ids.length > 1000 || !ids.every((id) => typeof id === 'string')) issues.push({ path: ['ids'], message: 'an array of at most 1000 ids' });
  if (typeof token !== 'string' || token.length === 0) issues.push({ path: ['token'], message: 'the lease token of the claim' });
  if (issues.length > 0) fail(operation, issues);
  return [...new Set(ids)];
}
