// The default candidate pool of the load- and performance-based policies.
import { _categoryAncestors } from './_guard.js';
import type { RoutingContext, RoutingRequest } from './routing-policy.js';

/**
 * Units whose mandates (职能) cover the case's category or one of its ancestors: a unit competent for
 * `urban` is competent for `urban/streetlight`.
 */
export function _mandatePool(request: RoutingRequest, context: RoutingContext): string[] {
  const ids: string[] = [];
  for (const key of _categoryAncestors(request.category)) {
    for (const unit of context.directory.unitsWithMandate(key)) if (!ids.includes(unit.id)) ids.push(unit.id);
  }
  return ids;
}
