// The harness must work in an app's vitest suite, not only under node:test: run
// packages/testing/vitest/harness.spec.ts with the repository's vitest and require that every
// test in it passed. Exit code 0 alone is not enough: vitest also exits 0 when it skipped
// everything, so the summary's counts are checked too.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// This file runs from packages/testing/dist-test/, three levels below the repository root.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VITEST = join(ROOT, 'node_modules', '.bin', 'vitest');
const SPEC_ROOT = join('packages', 'testing', 'vitest');
/** The number of `it`s in harness.spec.ts. */
const EXPECTED_TESTS = 10;
const RUN_TIMEOUT_MS = 20_000;

interface VitestRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Runs `vitest run` on the spec directory with the Node running this test; kills it after RUN_TIMEOUT_MS. */
function runVitest(extraArgs: readonly string[] = []): Promise<VitestRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  // Set by node --test for its own child processes; vitest is not one of them.
  delete env['NODE_TEST_CONTEXT'];
  delete env['FORCE_COLOR'];
  return new Promise((resolve, reject) => {
    // The same Node binary as this test (not whichever `node` the shebang finds): the
    // uWebSockets.js build loads natively on Node 20 only.
    const child = spawn(process.execPath, [VITEST, 'run', '--root', SPEC_ROOT, '--reporter=verbose', ...extraArgs], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout also kills vitest's forked workers.
      detached: true,
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n[killed after ${RUN_TIMEOUT_MS} ms]`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** Fails unless vitest exited 0 after passing exactly `tests` tests in one file, and nothing else. */
function assertAllPassed(run: VitestRun, tests: number): void {
  const context = `vitest output:\n${run.output}`;
  assert.equal(run.signal, null, `vitest was killed by ${run.signal}\n${context}`);
  assert.equal(run.code, 0, `vitest exited with ${run.code}\n${context}`);
  assert.match(run.output, /Test Files\s+1 passed \(1\)/, `expected 1 passed test file\n${context}`);
  assert.match(run.output, new RegExp(`Tests\\s+${tests} passed \\(${tests}\\)`), `expected ${tests} passed tests\n${context}`);
}

describe('@kindling/testing under vitest', () => {
  it('finds vitest at the repository root and the spec beside it', () => {
    assert.ok(existsSync(VITEST), `${VITEST} is missing: vitest is a root devDependency`);
    assert.ok(existsSync(join(ROOT, SPEC_ROOT, 'harness.spec.ts')), 'harness.spec.ts is missing');
  });

  it('passes every test of harness.spec.ts', async () => {
    const run = await runVitest();
    assertAllPassed(run, EXPECTED_TESTS);
    for (const name of ['echoes text and binary frames over a WebSocket', 'runs a handler with extractors in memory']) {
      assert.match(run.output, new RegExp(`✓ harness\\.spec\\.ts > .* > ${name}`), `"${name}" not reported as passed\n${run.output}`);
    }
  });

  it('counts a run that skipped everything as a failure, although vitest exits 0', async () => {
    const run = await runVitest(['--testNamePattern', 'matches no test in the spec']);
    assert.equal(run.code, 0, `vitest exited with ${run.code}\n${run.output}`);
    assert.throws(() => assertAllPassed(run, EXPECTED_TESTS), assert.AssertionError);
    assert.match(run.output, new RegExp(`Tests\\s+${EXPECTED_TESTS} skipped`));
  });
});
