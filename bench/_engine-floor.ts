/**
 * The parts of a command that any engine meeting both of the engine issue's targets must do, each
 * timed alone over the commands of a real run: what is left of the throughput target's budget
 * (3 × bare `transition()` per command) once they are paid.
 *
 * The run is recorded through a store that keeps a plain copy of every commit; each part then runs
 * in a tight loop over those commands, warm, with nothing else around it, so these are lower bounds
 * of what the parts cost inside a command.
 */
import {
  CommandSchema, TIER_DEFINITIONS, createEngine, hashAuditEntry, memoryStore, type CaseStore, type CommitBatch, type Engine, type StoredCase, type Tier,
} from '../src/index.js';
import { pureTransition } from '../src/machines/_pure-transition.js';
import { compactJsonCodec } from '../src/store/_compact-json.js';

export interface FloorPart {
  label: string;
  /** Microseconds per command, the median of the timed loops. */
  micros: number;
  /** The median of the loops' ratios to the bare loop timed just before each. */
  timesBare: number;
}

export interface FloorFigures {
  /** Bare `transition()` per command: the median of the loops timed between the parts' loops. */
  bareMicros: number;
  parts: FloorPart[];
  commands: number;
}

interface Recorded {
  command: unknown;
  /** The case row the command was planned on, and the commit it produced. */
  before: StoredCase;
  after: CommitBatch;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** A memory store that also keeps a JSON copy of every commit batch and of the row it replaced. */
function recordingStore(): { store: CaseStore; commits: Array<{ before: StoredCase | null; after: CommitBatch }> } {
  const inner = memoryStore();
  const commits: Array<{ before: StoredCase | null; after: CommitBatch }> = [];
  const latest = new Map<string, StoredCase>();
  const store: CaseStore = {
    ...inner,
    commit: async (batch) => {
      const after = JSON.parse(JSON.stringify(batch)) as CommitBatch;
      commits.push({ before: latest.get(after.case.id) ?? null, after });
      latest.set(after.case.id, after.case);
      return inner.commit(batch);
    },
  };
  return { store, commits };
}

/**
 * `drive` runs the workload on the engine it is given and reports each executed command (not the
 * registrations) through `onCommand`; `bare` runs the same workload (or a part of it) through bare
 * xstate and returns the number of transitions it took.
 */
export async function measureFloor(
  drive: (engine: Engine, onCommand: (command: unknown) => void) => Promise<void>,
  bare: () => number,
  loops = 7,
): Promise<FloorFigures> {
  const { store, commits } = recordingStore();
  const recorded: Recorded[] = [];
  await drive(createEngine({ store }), (command) => {
    const { before, after } = commits[commits.length - 1] as (typeof commits)[number];
    if (before === null) throw new Error(`command on ${after.case.id} committed as its first version`);
    recorded.push({ command, before, after });
  });

  const codec = compactJsonCodec();
  const machineOf = (r: Recorded) => TIER_DEFINITIONS[r.before.tier as Tier].machine;
  const restored = recorded.map((r) => machineOf(r).resolveState(r.before.snapshot as never));
  const events = recorded.map((r) =>
    Object.assign({ meta: { actorId: r.after.audit[0]?.actorId, at: r.after.case.updatedAt, deadline: null } }, CommandSchema.parse(r.command)));
  const audits = recorded.map((r) => {
    const { hash: _hash, ...body } = r.after.audit[0] as CommitBatch['audit'][number];
    return body;
  });
  const encodedBefore = recorded.map((r) => codec.encode(r.before));
  const n = recorded.length;
  let sink = 0;

  const parts: Array<[string, () => void]> = [
    ['zod validation of the command', () => {
      for (const r of recorded) sink += CommandSchema.safeParse(r.command).success ? 1 : 0;
    }],
    ['restore (`resolveState` of the stored snapshot)', () => {
      for (let i = 0; i < n; i++) sink += machineOf(recorded[i] as Recorded).resolveState((recorded[i] as Recorded).before.snapshot as never).status.length;
    }],
    ['transition (the engine\'s reused scope)', () => {
      for (let i = 0; i < n; i++) sink += pureTransition(machineOf(recorded[i] as Recorded), restored[i] as never, events[i] as never).status.length;
    }],
    ['audit hash (SHA-256 of the entry)', () => {
      for (const a of audits) sink += hashAuditEntry(a).length;
    }],
    ['copy in: compact decode of the case row', () => {
      for (const text of encodedBefore) sink += codec.decode<StoredCase>(text).version;
    }],
    ['copy out: compact encode of the row, events and audit entry', () => {
      for (const r of recorded) sink += codec.encode(r.after.case).length + codec.encode([r.after.events, r.after.audit]).length;
    }],
  ];

  // Each loop of a part is paired with a loop of bare transitions just before it, so a busy
  // neighbour or a heavier heap slows both sides of a ratio.
  const timed = (fn: () => void): number => {
    const t = performance.now();
    fn();
    return (performance.now() - t) * 1000;
  };
  let bareCommands = bare();
  const bareSamples: number[] = [];
  const figures: FloorFigures = { bareMicros: 0, parts: [], commands: n };
  for (const [label, fn] of parts) {
    fn();
    const micros: number[] = [];
    const ratios: number[] = [];
    for (let k = 0; k < loops; k++) {
      const b = timed(() => {
        bareCommands = bare();
      }) / bareCommands;
      const m = timed(fn) / n;
      bareSamples.push(b);
      micros.push(m);
      ratios.push(m / b);
    }
    figures.parts.push({ label, micros: median(micros), timesBare: median(ratios) });
  }
  figures.bareMicros = median(bareSamples);
  // Keep every loop's result observable, so none of them can be optimised away.
  if (sink === -1 || bareCommands === -1) throw new Error('unreachable');
  return figures;
}
