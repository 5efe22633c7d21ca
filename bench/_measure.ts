import { Bench, type FnReturnedObject } from 'tinybench';

/**
 * Runs cases `[from, from + count)` and returns a number derived from every result, so the engine
 * cannot drop the work. Each benchmark writes its own loop: a loop shared by all libraries would turn
 * the library call into a megamorphic call site and tax the fastest one most.
 */
export type Batch = (from: number, count: number) => number;

export interface Throughput {
  /** Single operations per second: 1000 / mean latency of one operation in ms. */
  readonly opsPerSecond: number;
  /** tinybench's relative margin of error of that mean, in percent (95%). */
  readonly rme: number;
  /** Operations per timed sample. */
  readonly batchSize: number;
  readonly samples: number;
}

export interface ThroughputOptions {
  /** Cases available to `batch`: indices run from 0 to `cases - 1`, then wrap. */
  readonly cases: number;
  /** Time budget in ms for the measured phase. */
  readonly time: number;
  /** Wall time one sample aims at, in ms. */
  readonly sampleTime?: number;
}

let sink = 0;

/** Keeps the results observable after the run; print it or ignore it. */
export function checksum(): number {
  return sink;
}

/** Runs `total` operations in batches, wrapping over the cases; returns the elapsed ms. */
function runOps(batch: Batch, cases: number, total: number): number {
  const started = performance.now();
  let done = 0;
  while (done < total) {
    const count = Math.min(cases, total - done);
    sink += batch(0, count);
    done += count;
  }
  return performance.now() - started;
}

/**
 * Measures the throughput of one deadline computation. One timed sample runs a batch of consecutive
 * cases sized to take about `sampleTime` ms (a single call of the fastest library is below the timer's
 * useful resolution); the sample reported to tinybench is that batch's time divided by its size.
 */
export function measureThroughput(name: string, batch: Batch, options: ThroughputOptions): Throughput {
  const { cases, time } = options;
  const sampleTime = options.sampleTime ?? 2;

  // Size the batch from a short untimed run, which also warms the code up.
  let ops = 1;
  let elapsed = runOps(batch, cases, ops);
  while (elapsed < 20 && ops < 1e8) {
    ops *= 4;
    elapsed = runOps(batch, cases, ops);
  }
  const batchSize = Math.max(1, Math.min(cases, Math.round((sampleTime * ops) / Math.max(elapsed, 1e-3))));

  let cursor = 0;
  const bench = new Bench({ name, time, warmupTime: Math.min(250, time / 4), iterations: 8, throws: true });
  bench.add(
    name,
    (): FnReturnedObject => {
      if (cursor + batchSize > cases) cursor = 0;
      const started = performance.now();
      sink += batch(cursor, batchSize);
      const ms = performance.now() - started;
      cursor += batchSize;
      return { overriddenDuration: ms / batchSize, overriddenIterationCost: ms };
    },
    { async: false },
  );
  bench.runSync();

  const task = bench.getTask(name);
  const result = task?.result;
  if (result === undefined || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    throw new Error(`benchmark task "${name}" did not complete (${result?.state ?? 'missing'})`);
  }
  return {
    opsPerSecond: 1000 / result.latency.mean,
    rme: result.latency.rme,
    batchSize,
    samples: result.latency.samplesCount,
  };
}
