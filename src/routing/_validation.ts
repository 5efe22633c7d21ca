// Turns zod failures and our own cross-reference checks into the library's VALIDATION error.
import type { z } from 'zod';
import { JiaobanError, type FieldIssue } from '../errors.js';

export function _validationError(what: string, issues: FieldIssue[], cause?: unknown): JiaobanError<'VALIDATION'> {
  const first = issues[0];
  const where = first === undefined ? '' : `: ${first.path.join('.')} ${first.message}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new JiaobanError('VALIDATION', `invalid ${what}${where}${more}`, { issues }, { cause });
}

/** Parses with zod, throwing VALIDATION (the ZodError as `cause`) instead of a ZodError. */
export function _parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
    message: issue.message,
  }));
  throw _validationError(what, issues, result.error);
}
