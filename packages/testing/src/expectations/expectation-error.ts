/**
 * The error every failed expectation throws. Its message says what was expected, what
 * arrived, where (the route or request) and what happened just before (the last frames).
 * See docs/testing.md.
 *
 * @example
 * ```ts
 * await assert.rejects(ws.expectText('hi'), ExpectationError);
 * ```
 */
export class ExpectationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpectationError';
  }
}

/**
 * Records where an expectation was called, so a failure that happens later (on a timer or a
 * socket event) still points at the line of the test that made it.
 */
export function callSite(): Error {
  return new Error('call site');
}

// This package's own directory (dist/ when compiled): its frames say nothing about the test.
const OWN_DIR = new URL('..', import.meta.url);
const OWN_FRAMES = [OWN_DIR.href, decodeURIComponent(OWN_DIR.pathname)];

/**
 * An {@link ExpectationError} whose stack is the caller's, not the event loop's, starting at
 * the test's own line.
 */
export function failure(site: Error, message: string): ExpectationError {
  const error = new ExpectationError(message);
  const frames = (site.stack ?? '')
    .split('\n')
    .slice(1)
    .filter((line) => !OWN_FRAMES.some((dir) => line.includes(dir)));
  if (frames.length > 0) error.stack = `${error.name}: ${message}\n${frames.join('\n')}`;
  return error;
}

const MAX_PREVIEW = 300;

/**
 * A short, readable rendering of a value for failure messages: JSON for data, `/re/` for
 * regular expressions, the name for predicates and classes, a hex preview for bytes.
 */
export function preview(value: unknown, max = MAX_PREVIEW): string {
  let text: string;
  if (value instanceof RegExp) text = String(value);
  else if (value instanceof Uint8Array) text = previewBytes(value);
  else if (typeof value === 'function') text = describeFunction(value);
  else if (value === undefined) text = 'undefined';
  else if (typeof value === 'bigint') text = `${value}n`;
  else {
    try {
      text = JSON.stringify(value, jsonReplacer) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

function describeFunction(fn: { readonly name: string }): string {
  const source = Function.prototype.toString.call(fn);
  if (source.startsWith('class')) return `DTO ${fn.name || '(anonymous class)'}`;
  return `predicate ${fn.name || '(anonymous)'}`;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return describeFunction(value);
  if (value instanceof Uint8Array) return previewBytes(value);
  if (typeof value === 'bigint') return `${value}n`;
  return value;
}

/** `<5 bytes: 01 02 03 04 05>` (at most 16 bytes shown). */
export function previewBytes(data: Uint8Array): string {
  const shown = Array.from(data.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `<${data.byteLength} bytes${data.byteLength ? `: ${shown}` : ''}${data.byteLength > 16 ? ' …' : ''}>`;
}

/** Indents every line of `text` by `spaces`. */
export function indent(text: string, spaces = 2): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}
