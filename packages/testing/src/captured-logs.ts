import { pino, type Level, type Logger } from 'pino';
import { callSite, failure, indent, preview } from './expectations/expectation-error.js';
import { diffJson } from './expectations/json-match.js';
import { sleep } from './expectations/timeouts.js';

/** One line of the app's log as pino wrote it: `level` (number), `time`, `msg` and the fields. */
export interface LogEntry {
  readonly level: number;
  readonly time: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/**
 * What a log entry must look like: an object matched partially (`{ msg: 'ws.reject', status:
 * 403 }`; RegExp and predicate leaves allowed) or a predicate on the entry.
 */
export type LogMatcher = Readonly<Record<string, unknown>> | ((entry: LogEntry) => boolean);

/** The pino level names, for `logs: { level }`. */
export type LogLevel = Level;

const POLL_MS = 10;

/**
 * The app's log kept in memory: a pino logger whose every line is parsed and appended to
 * {@link CapturedLogs.entries}, so tests can find lifecycle events (`ws.open`, `ws.close`,
 * `ws.reject`, ...).
 */
export class CapturedLogs {
  /** Every entry so far, oldest first. */
  readonly entries: LogEntry[] = [];
  /** The logger to hand the app. */
  readonly logger: Logger;

  constructor(level: LogLevel = 'debug') {
    this.logger = pino({ level }, { write: (line: string) => this.entries.push(JSON.parse(line) as LogEntry) });
  }

  /** The first entry that matches, if any. */
  find(matcher: LogMatcher): LogEntry | undefined {
    return this.entries.find((entry) => matches(matcher, entry));
  }

  /**
   * Waits until an entry matches (checking every 10 ms) and resolves with the first one;
   * fails after `timeoutMs` listing the last entries.
   */
  async expect(matcher: LogMatcher, timeoutMs: number, site: Error = callSite()): Promise<LogEntry> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.find(matcher);
      if (found) return found;
      const left = deadline - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(POLL_MS, left));
    }
    const recent = this.entries.slice(-8).map(describeEntry);
    const lines = [
      'expectLog failed',
      `  expected: a log entry ${typeof matcher === 'function' ? `accepted by ${preview(matcher)}` : `matching ${preview(matcher)}`}`,
      `  received: none within ${timeoutMs} ms (${this.entries.length} entries)`,
      '  last entries:',
      indent(recent.length ? recent.join('\n') : '(none)', 4),
    ];
    throw failure(site, lines.join('\n'));
  }
}

function matches(matcher: LogMatcher, entry: LogEntry): boolean {
  return typeof matcher === 'function' ? matcher(entry) : diffJson(matcher, entry, 'partial').length === 0;
}

const LEVELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const SKIPPED = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

function describeEntry(entry: LogEntry): string {
  const fields = Object.entries(entry)
    .filter(([key]) => !SKIPPED.has(key))
    .map(([key, value]) => `${key}=${preview(value, 60)}`)
    .join(' ');
  return `${LEVELS[entry.level] ?? entry.level} ${entry.msg ?? ''}${fields ? ` ${fields}` : ''}`.slice(0, 240);
}
