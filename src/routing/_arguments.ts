// Programmer errors in building a policy (no policies, bad weights) are VALIDATION errors, reported at
// construction time rather than on the first case.
import { _validationError } from './_validation.js';

export function _require(condition: boolean, what: string, message: string): void {
  if (!condition) throw _validationError(what, [{ path: [], message }]);
}
