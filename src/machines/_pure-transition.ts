/**
 * The machine step the engine takes on every command, without xstate's per-call set-up.
 *
 * xstate's pure `transition(machine, snapshot, event)` builds an inert actor scope on every call,
 * and building its actor computes the machine's whole initial snapshot, only for both to be thrown
 * away: more time than the transition itself on our machines. The scope is inert (no clock, no
 * delivery, `defer`/`emit`/`stopChild` do nothing) and the engine keeps no executable actions, so
 * one scope per machine serves every transition. Actions a machine hands to the scope's executor
 * are dropped, exactly as the engine dropped the list `transition` returned.
 *
 * A machine that spawns or invokes would register its children in the shared scope's system; the
 * tier machines do neither (a test pins it), and a snapshot that comes back with children is
 * recomputed through xstate's own `transition`, so a host machine that does is still correct.
 */
import {
  createActor, initialTransition, transition, type AnyActorScope, type AnyStateMachine, type EventFromLogic, type InputFrom, type SnapshotFrom,
} from 'xstate';

const scopes = new WeakMap<AnyStateMachine, AnyActorScope>();

function scopeOf(machine: AnyStateMachine): AnyActorScope {
  let scope = scopes.get(machine);
  if (scope === undefined) {
    const self = createActor(machine);
    scope = {
      self, id: '', sessionId: '', system: self.system,
      logger: () => {}, defer: () => {}, emit: () => {}, stopChild: () => {}, actionExecutor: () => {},
    };
    scopes.set(machine, scope);
  }
  return scope;
}

/**
 * The snapshot after `event`, as `transition(machine, snapshot, event)[0]` gives it.
 *
 * @example
 * const next = pureTransition(def.machine, snapshot, { type: 'accept', meta });
 * next === snapshot; //=> false when the machine took the event
 */
export function pureTransition<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): SnapshotFrom<M> {
  const next = machine.transition(snapshot, event, scopeOf(machine)) as SnapshotFrom<M>;
  const children = (next as { children?: Record<string, unknown> }).children;
  if (children !== undefined && Object.keys(children).length > 0) return transition(machine, snapshot, event)[0] as SnapshotFrom<M>;
  return next;
}

/**
 * The machine's first snapshot for `input`, as `initialTransition(machine, input)[0]` gives it, on the
 * same shared scope (registration is one command in every life).
 *
 * @example
 * const s0 = pureInitialTransition(def.machine, { data, meta });
 * s0.value; //=> 'pendingAcceptance'
 */
export function pureInitialTransition<M extends AnyStateMachine>(machine: M, input: InputFrom<M>): SnapshotFrom<M> {
  const first = machine.getInitialSnapshot(scopeOf(machine), input) as SnapshotFrom<M>;
  const children = (first as { children?: Record<string, unknown> }).children;
  if (children !== undefined && Object.keys(children).length > 0) return initialTransition(machine, input)[0] as SnapshotFrom<M>;
  return first;
}
