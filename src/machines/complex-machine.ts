import { buildTierMachine } from './_build-tier-machine.js';

/**
 * The complex tier machine (`jiaoban.complex`). 复杂协同类: handling runs planning → triple review (risk, cost, effect) → countersign → implementation.
 * Pure: run it with xstate's `initialTransition` / `transition`; the engine does exactly that.
 *
 * @example
 * import { initialTransition, transition } from 'xstate';
 * const [s0] = initialTransition(complexMachine, { data, meta: { actorId: 'p-intake', at: '2026-03-02T01:00:00Z', deadline: null } });
 * const [s1] = transition(complexMachine, s0, { type: 'accept', meta: { actorId: 'p-intake', at: '2026-03-02T01:05:00Z', deadline: null } });
 * s1.value;
 * //=> 'pendingDispatch'
 */
export const complexMachine = buildTierMachine('complex');
