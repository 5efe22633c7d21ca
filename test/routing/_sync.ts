// The built-in policies are synchronous; these helpers assert that and unwrap the value for the tests.
import type { MaybePromise } from '../../src/routing/index.js';

export function sync<T>(value: MaybePromise<T>): T {
  if (value instanceof Promise) throw new Error('expected a synchronous result');
  return value;
}
