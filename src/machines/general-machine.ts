import { buildTierMachine } from './_build-tier-machine.js';

/**
 * The general tier machine (`jiaoban.general`). 一般办理类: the standard flow — accept, dispatch, sign, handle, reply, review, evaluate, conclude.
 * Pure: run it with xstate's `initialTransition` / `transition`; the engine does exactly that.
 *
 * @example
 * import { initialTransition, transition } from 'xstate';
 * const [s0] = initialTransition(generalMachine, { data, meta: { actorId: 'p-intake', at: '2026-03-02T01:00:00Z', deadline: null } });
 * const [s1] = transition(generalMachine, s0, { type: 'accept', meta: { actorId: 'p-intake', at: '2026-03-02T01:05:00Z', deadline: null } });
 * s1.value;
 * //=> 'pendingDispatch'
 */
export const generalMachine = buildTierMachine('general');
