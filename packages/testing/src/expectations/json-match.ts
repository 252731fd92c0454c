import { isDeepStrictEqual } from 'node:util';
import { preview } from './expectation-error.js';

/**
 * How an expected JSON value is compared: `'partial'` checks only the keys the expected
 * object names (at every depth); `'exact'` also rejects extra keys.
 */
export type JsonMatchMode = 'partial' | 'exact';

/** One difference between an expected and a received JSON value, at a `$.a.b[0]` path. */
export interface JsonMismatch {
  readonly path: string;
  readonly problem: string;
}

const MAX_MISMATCHES = 20;

/**
 * The differences between `expected` and `actual`, empty when they match.
 *
 * In the expected value, objects match objects key by key (extra received keys are allowed in
 * `'partial'` mode), arrays match arrays of the same length item by item, a `RegExp` matches
 * a string it accepts, a function is a predicate on the received value, and anything else must
 * be deep-strictly equal.
 *
 * @example
 * ```ts
 * diffJson({ type: 'joined', id: /^u-/ }, { type: 'joined', id: 'u-1', at: 5 }, 'partial'); // []
 * ```
 */
export function diffJson(expected: unknown, actual: unknown, mode: JsonMatchMode): JsonMismatch[] {
  const out: JsonMismatch[] = [];
  walk(expected, actual, '$', mode, out);
  return out;
}

/** The mismatches as indented lines, one per difference. */
export function formatMismatches(mismatches: readonly JsonMismatch[]): string {
  const lines = mismatches.map((m) => `${m.path}: ${m.problem}`);
  if (mismatches.length >= MAX_MISMATCHES) lines.push(`… (stopped after ${MAX_MISMATCHES} differences)`);
  return lines.join('\n');
}

function walk(expected: unknown, actual: unknown, path: string, mode: JsonMatchMode, out: JsonMismatch[]): void {
  if (out.length >= MAX_MISMATCHES) return;
  const report = (problem: string): void => {
    out.push({ path, problem });
  };
  if (expected instanceof RegExp) {
    expected.lastIndex = 0;
    if (typeof actual !== 'string' || !expected.test(actual)) report(`expected a string matching ${String(expected)}, received ${preview(actual, 80)}`);
    return;
  }
  if (typeof expected === 'function') {
    const predicate = expected as (value: unknown) => unknown;
    let accepted: unknown;
    try {
      accepted = predicate(actual);
    } catch (err) {
      report(`${preview(expected)} threw ${err instanceof Error ? err.message : String(err)} for ${preview(actual, 80)}`);
      return;
    }
    if (!accepted) report(`${preview(expected)} rejected ${preview(actual, 80)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return report(`expected an array, received ${kindOf(actual)} ${preview(actual, 80)}`);
    if (expected.length !== actual.length) report(`expected ${expected.length} items, received ${actual.length}`);
    const shared = Math.min(expected.length, actual.length);
    for (let i = 0; i < shared && out.length < MAX_MISMATCHES; i++) walk(expected[i], actual[i], `${path}[${i}]`, mode, out);
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return report(`expected an object, received ${kindOf(actual)} ${preview(actual, 80)}`);
    for (const key of Object.keys(expected)) {
      if (out.length >= MAX_MISMATCHES) return;
      const want = expected[key];
      const at = `${path}${keyPath(key)}`;
      if (!Object.hasOwn(actual, key)) {
        if (want !== undefined) out.push({ path: at, problem: `missing (expected ${preview(want, 80)})` });
        continue;
      }
      walk(want, actual[key], at, mode, out);
    }
    if (mode === 'exact') {
      for (const key of Object.keys(actual)) {
        if (out.length >= MAX_MISMATCHES) return;
        if (!Object.hasOwn(expected, key)) out.push({ path: `${path}${keyPath(key)}`, problem: `unexpected key (received ${preview(actual[key], 80)})` });
      }
    }
    return;
  }
  if (!isDeepStrictEqual(expected, actual)) report(`expected ${preview(expected, 80)}, received ${preview(actual, 80)}`);
}

// Plain objects and class instances (a DTO as the expected value) compare key by key; dates,
// bytes and collections compare as whole values.
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return !(value instanceof Date || value instanceof Map || value instanceof Set || ArrayBuffer.isView(value) || value instanceof ArrayBuffer);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
