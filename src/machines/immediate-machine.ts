import { buildTierMachine } from './_build-tier-machine.js';

/**
 * The immediate tier machine (`jiaoban.immediate`). 即时响应类: the standard flow plus `acceptAndDispatch` (受理 and 派单 in one step) and `reportFirstFeedback`.
 * Pure: run it with xstate's `initialTransition` / `transition`; the engine does exactly that.
 *
 * @example
 * import { initialTransition, transition } from 'xstate';
 * const [s0] = initialTransition(immediateMachine, { data, meta: { actorId: 'p-intake', at: '2026-03-02T01:00:00Z', deadline: null } });
 * const [s1] = transition(immediateMachine, s0, { type: 'accept', meta: { actorId: 'p-intake', at: '2026-03-02T01:05:00Z', deadline: null } });
 * s1.value;
 * //=> 'pendingDispatch'
 */
export const immediateMachine = buildTierMachine('immediate');
