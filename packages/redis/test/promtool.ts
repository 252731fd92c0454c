import { spawnSync } from 'node:child_process';

/**
 * Runs Debian's `promtool check metrics` on a scrape: its complaints, '' when it passes, or
 * undefined after ONE loud line when promtool is missing outside CI (in CI a missing promtool
 * fails the test: `.ci/run` installs the `prometheus` package).
 */
export function promtoolCheck(text: string): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
  if (found === '') {
    if (process.env['CI']) throw new Error("promtool is missing: .ci/run installs the Debian package 'prometheus'");
    console.warn('!!!!! SKIPPED: promtool is not installed (apt-get install prometheus); the promtool check did not run !!!!!');
    return undefined;
  }
  const check = spawnSync(found, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  return check.status === 0 ? '' : `${check.stdout}${check.stderr}`;
}
