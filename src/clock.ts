/**
 * Where the library gets "now". Nothing inside jiaoban calls `Date.now()` or `new Date()` for the
 * current time: the engine asks its clock, so that tests and SLA simulations can drive time
 * deterministically and several processes can agree on what a timestamp means.
 *
 * @example
 * const fixed: Clock = { now: () => new Date('2026-03-02T09:00:00+08:00') };
 * fixed.now().toISOString();
 * //=> '2026-03-02T01:00:00.000Z'
 */
export interface Clock {
  now(): Date;
}

/**
 * The wall clock of the host process; the default clock of `createEngine`.
 *
 * @example
 * const engine = createEngine({ clock: systemClock });
 * systemClock.now() instanceof Date;
 * //=> true
 */
export const systemClock: Clock = Object.freeze({
  now: (): Date => new Date(),
});
