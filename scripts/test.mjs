#!/usr/bin/env node
// The one test command (`npm test`, also run by .ci/run). It runs every check the project promises
// and ends with a plain `N passed, N failed` line, because CI reads that line and not vitest's summary:
//   1. the type check of src/, test/, examples/ and bench/ (examples in the docs must compile);
//   2. the whole vitest suite in the host's zone;
//   3. the calendar tests again under a non-UTC zone, so that a leak of the host zone shows;
//   4. the package lint (build, publint, are-the-types-wrong).
// Each vitest test counts once per run; each non-vitest step counts as one check.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function step(label, command, args, env) {
  if (run(label, command, args, env)) passed += 1;
  else {
    failed += 1;
    failures.push(label);
  }
}

function vitest(label, files, env) {
  const out = `.vitest-results-${label.replace(/\W+/g, '-')}.json`;
  rmSync(out, { force: true });
  const ok = run(label, 'npx', ['vitest', 'run', ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], env);
  if (!existsSync(out)) {
    failed += 1;
    failures.push(`${label} (no results file)`);
    return;
  }
  const results = JSON.parse(readFileSync(out, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  skipped += results.numPendingTests + results.numTodoTests;
  // A suite that fails to load has no failed *test*, but it is a failure all the same.
  const brokenFiles = results.testResults.filter((file) => file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed'));
  failed += brokenFiles.length;
  for (const file of brokenFiles) failures.push(`${label}: ${file.name} did not load`);
  if (results.numFailedTests > 0) failures.push(`${label}: ${results.numFailedTests} failed`);
  if (!ok && results.numFailedTests === 0 && brokenFiles.length === 0) {
    failed += 1;
    failures.push(`${label}: vitest exited non-zero`);
  }
  if (results.numTotalTests === 0) {
    failed += 1;
    failures.push(`${label}: no test ran`);
  }
}

step('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
vitest('vitest', []);
vitest('calendar under TZ=America/New_York', ['test/calendar'], { TZ: 'America/New_York' });
step('package lint', 'npm', ['run', '--silent', 'lint:package']);

if (failures.length > 0) console.log(`\nFailures:\n  ${failures.join('\n  ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
