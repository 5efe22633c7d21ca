/**
 * `jiaoban/testing`: what a host's test suite needs — a simulated clock, the SLA scenario runner,
 * and (from the conformance kit) the store conformance suite for adapter authors.
 */

// --- SLA simulation (issue 4) ---
export { SimulatedClock, type NaturalStep, type WorkingStep } from './simulated-clock.js';
export {
  resolveInstant,
  runScenario,
  type ExpectationResult,
  type Scenario,
  type ScenarioActor,
  type ScenarioCase,
  type ScenarioExpectation,
  type ScenarioInstant,
  type ScenarioNotice,
  type ScenarioResult,
  type ScenarioStep,
  type TimelineEntry,
} from './run-scenario.js';

// --- store conformance kit (exports go below this line) ---
export * from './conformance/index.js';
