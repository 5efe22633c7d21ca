/**
 * `npm run bench` runs every benchmark below; `npm run bench -- calendar engine` runs the named ones.
 * Each writes its own section of docs/benchmarks.md and leaves the others untouched.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeRun, updateBenchmarksDoc, type BenchModule, type Section } from './_report.js';

// One line per benchmark: `bench/<name>.bench.ts`. A name whose file is not written yet is skipped.
const BENCHMARKS = [
  'calendar',
  'engine',
  'routing',
  'routing-quality',
  'sla',
  'stores',
] as const;

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

function isBenchModule(value: unknown): value is BenchModule {
  const m = value as Partial<BenchModule> | null;
  return typeof m?.name === 'string' && typeof m.title === 'string' && typeof m.run === 'function';
}

async function main(): Promise<void> {
  const known: readonly string[] = BENCHMARKS;
  const asked = process.argv.slice(2).filter((arg) => arg !== '--');
  const unknown = asked.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${known.join(', ')}.`);
    process.exitCode = 2;
    return;
  }
  const selected = asked.length > 0 ? known.filter((name) => asked.includes(name)) : known;

  const run = describeRun();
  console.log(`Benchmarks on ${run.machine}`);
  console.log(`Started ${run.date}\n`);

  const sections: Section[] = [];
  let failed = 0;
  for (const name of selected) {
    const url = new URL(`./${name}.bench.ts`, import.meta.url);
    if (!existsSync(fileURLToPath(url))) {
      console.log(`- ${name}: skipped, bench/${name}.bench.ts does not exist yet\n`);
      continue;
    }
    const mod: unknown = await import(url.href);
    if (!isBenchModule(mod) || mod.name !== name) {
      console.error(`- ${name}: bench/${name}.bench.ts must export name = '${name}', title and run()\n`);
      failed++;
      continue;
    }
    console.log(`▶ ${name}: ${mod.title}`);
    const startedAt = performance.now();
    try {
      const body = await mod.run();
      // Each section carries the date of its own run, not of the whole invocation.
      sections.push({ name, title: mod.title, body, run: describeRun() });
      console.log(`✔ ${name} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      console.error(`✘ ${name} failed; its section is left as it was.`);
      console.error(error);
      console.error('');
      failed++;
    }
  }

  if (sections.length > 0) {
    updateBenchmarksDoc(DOC, run, sections, known);
    console.log(`Wrote ${sections.map((s) => s.name).join(', ')} to docs/benchmarks.md`);
  } else {
    console.log('Nothing to write to docs/benchmarks.md');
  }
  if (failed > 0) process.exitCode = 1;
}

await main();
