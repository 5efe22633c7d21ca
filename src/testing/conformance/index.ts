/**
 * The store conformance kit, published as part of `jiaoban/testing`. vitest is imported here and
 * only here (an optional peer dependency of the kit).
 */
export {
  CONFORMANCE_SUITES, defineStoreConformance, type ConformanceSuite, type EmptyStoreHandle, type StoreConformanceOptions, type StoreHandle,
} from './define-store-conformance.js';
export { GENESIS, auditEntry, commitBatch, type BatchOptions, type CaseFields } from './fixtures.js';
