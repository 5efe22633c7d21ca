// jiaoban/routing: who handles a case. Policies rank units with reasons; a router guards every decision.
export type { RoutingErrorDetails, RoutingFailureReason, RoutingRequiredAction } from '../errors.js';

export {
  TIERS,
  definePolicy,
  type CaseLocation,
  type CooperatingUnit,
  type MaybePromise,
  type PolicyDefinition,
  type PoolFunction,
  type Ranking,
  type RoutingCandidate,
  type RoutingContext,
  type RoutingDecision,
  type RoutingNote,
  type RoutingNoteCode,
  type RoutingPolicy,
  type RoutingRequest,
  type Tier,
  type TriedUnit,
} from './routing-policy.js';

export {
  createDirectory,
  DirectoryJsonSchema,
  DirectoryMembershipSchema,
  DirectoryPersonSchema,
  DirectoryUnitSchema,
  type Directory,
  type DirectoryJson,
  type DirectoryMembership,
  type DirectoryPerson,
  type DirectoryUnit,
} from './create-directory.js';

export {
  computeStatistics,
  type AssignmentRecord,
  type ComputeStatisticsOptions,
  type LoadByTier,
  type UnitStatistics,
} from './compute-statistics.js';
export { createStatisticsSource, statisticsFromRecords, type StatisticsSource } from './create-statistics-source.js';

export {
  CatalogCategorySchema,
  CatalogCooperatingSchema,
  CatalogSchema,
  CatalogSubcategorySchema,
  loadCatalog,
  TimeLimitSchema,
  TimeLimitsSchema,
  type Catalog,
  type CatalogEntry,
  type CatalogJson,
  type CatalogTerms,
  type LoadCatalogOptions,
  type TimeLimit,
  type TimeLimits,
} from './load-catalog.js';

export { byCatalog } from './by-catalog.js';
export { AreaSchema, AreasSchema, byJurisdiction, type Area, type ByJurisdictionOptions } from './by-jurisdiction.js';
export { bySkills, type BySkillsOptions } from './by-skills.js';
export { DEFAULT_LOAD_WEIGHTS, leastLoaded, type LeastLoadedOptions } from './least-loaded.js';
export {
  byPerformance,
  DEFAULT_PERFORMANCE_WEIGHTS,
  type ByPerformanceOptions,
  type PerformanceWeights,
} from './by-performance.js';

export { firstMatch } from './first-match.js';
export { weighted, type WeightedEntry } from './weighted.js';
export { fallback, type FallbackOptions } from './fallback.js';
export { createRouter, isRouter, type Router, type RouterOptions, type RouterRanking } from './create-router.js';
export {
  validateManualDispatch,
  type ManualDispatch,
  type ValidateManualDispatchOptions,
} from './validate-manual-dispatch.js';
