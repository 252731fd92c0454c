import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { App, Router } from '@kindling/core';

const requested = process.env['KINDLING_ENGINE'];

test('the suite runs on the engine it asked for (native uWS, never its emulation, when uws)', () => {
  const app = new App(new Router(), { logger: false });
  const expected = requested === 'node' ? 'node' : Number(process.versions.node.split('.')[0]) <= 20 ? 'uws' : 'node';
  assert.equal(app.engine, expected);
});

interface Probe {
  readonly engine?: string;
  readonly error?: string;
  /** The engine.fallback log line, when one was written. */
  readonly warn?: string;
}

type Scenario = readonly [env: Record<string, string>, options: string];

/**
 * Builds one App per scenario in a fresh process (uWS is loaded once per process, so scenarios
 * that share a process share its UWS_USE_FALLBACK) and reports what each did.
 */
function probe(processEnv: Record<string, string>, scenarios: readonly Scenario[]): Promise<Probe[]> {
  const script = `
    import { App, Router } from '@kindling/core';
    const results = [];
    for (const [env, options] of ${JSON.stringify(scenarios)}) {
      delete process.env.KINDLING_ENGINE;
      Object.assign(process.env, env);
      const lines = [];
      try {
        const app = new App(new Router(), { ...(0, eval)('(' + options + ')'), logger: (await import('pino')).pino({ level: 'warn' }, { write: (line) => lines.push(line) }) });
        results.push({ engine: app.engine, warn: lines.find((l) => l.includes('engine.fallback')) });
      } catch (err) {
        results.push({ error: err.constructor.name + ': ' + err.message });
      }
    }
    process.stdout.write(JSON.stringify(results));
  `;
  const env: NodeJS.ProcessEnv = { ...process.env, ...processEnv };
  delete env['KINDLING_ENGINE'];
  if (processEnv['UWS_USE_FALLBACK'] === undefined) delete env['UWS_USE_FALLBACK'];
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('.', import.meta.url).pathname, env, timeout: 50_000 });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  return new Promise((resolve, reject) =>
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout) as Probe[]);
      } catch {
        reject(new Error(`probe printed: ${stdout}`));
      }
    }),
  );
}

let results: Record<string, Probe> = {};
before(async () => {
  const names = ['nodeOption', 'nodeVariable', 'optionWins', 'badOption', 'badVariable', 'auto', 'uwsForced'] as const;
  const [plain, fallback] = await Promise.all([
    probe({}, [
      [{}, "{ engine: 'node' }"],
      [{ KINDLING_ENGINE: 'node' }, '{}'],
      [{ KINDLING_ENGINE: 'bogus' }, "{ engine: 'node' }"],
      [{}, "{ engine: 'uWS' }"],
      [{ KINDLING_ENGINE: 'bun' }, '{}'],
      [{}, '{}'],
      [{}, "{ engine: 'uws' }"],
    ]),
    probe({ UWS_USE_FALLBACK: '1' }, [
      [{}, '{}'],
      [{}, "{ engine: 'uws' }"],
    ]),
  ]);
  results = Object.fromEntries(names.map((name, i) => [name, plain[i] as Probe]));
  results['fallbackAuto'] = fallback[0] as Probe;
  results['fallbackForced'] = fallback[1] as Probe;
});

function result(name: string): Probe {
  const found = results[name];
  assert.ok(found, `probe ${name} ran`);
  return found;
}

describe('choosing the engine', () => {
  test("engine: 'node' runs on node:http + ws, with no fallback warning", () => {
    const outcome = result('nodeOption');
    assert.equal(outcome.engine, 'node');
    assert.equal(outcome.warn, undefined);
  });

  test('KINDLING_ENGINE=node picks node; the option wins over the variable', () => {
    assert.equal(result('nodeVariable').engine, 'node');
    assert.equal(result('optionWins').engine, 'node');
  });

  test('an unknown engine name is a TypeError naming where it came from', () => {
    assert.match(result('badOption').error ?? '', /^TypeError: the engine option must be 'auto', 'uws' or 'node', got "uWS"/);
    assert.match(result('badVariable').error ?? '', /^TypeError: KINDLING_ENGINE must be 'auto', 'uws' or 'node', got "bun"/);
  });

  test('UWS_USE_FALLBACK=1: auto runs on node with one warning; uws forced is a start-up error', () => {
    const auto = result('fallbackAuto');
    assert.equal(auto.engine, 'node');
    assert.match(auto.warn ?? '', /"level":40.*UWS_USE_FALLBACK.*node engine/);
    const forced = result('fallbackForced');
    assert.match(forced.error ?? '', /^Error: engine 'uws' cannot start: .*UWS_USE_FALLBACK/);
  });

  test('auto picks uws where the native binding loads (Node 20 here)', {
    skip: Number(process.versions.node.split('.')[0]) > 20 && 'no native uWS for this Node',
  }, () => {
    const outcome = result('auto');
    assert.equal(outcome.engine, 'uws');
    assert.equal(outcome.warn, undefined);
  });

  test("on a Node without a uWS binary, auto picks node with a warning naming the ABI and the fix; 'uws' is an error", {
    skip: Number(process.versions.node.split('.')[0]) <= 20 && 'this Node has a native uWS binary',
  }, () => {
    const auto = result('auto');
    assert.equal(auto.engine, 'node');
    assert.match(auto.warn ?? '', new RegExp(`ABI ${process.versions.modules}.*official uWebSockets.js release`));
    const forced = result('uwsForced');
    assert.match(forced.error ?? '', new RegExp(`^Error: engine 'uws' cannot start: .*ABI ${process.versions.modules}`));
  });
});
