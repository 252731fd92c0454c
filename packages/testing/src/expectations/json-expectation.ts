import { KindlingError, validateDto, type DtoClass } from '@kindling/websocket';
import { indent, preview } from './expectation-error.js';
import { diffJson, formatMismatches } from './json-match.js';
import type { ExpectOptions } from './timeouts.js';

/** Options for `expectJson` on sockets and requests. */
export interface ExpectJsonOptions extends ExpectOptions {
  /**
   * Require exactly the expected keys: extra received keys fail the match (for a DTO: unknown
   * properties are rejected instead of stripped).
   * @default false (partial match)
   */
  exact?: boolean;
}

/** The outcome of checking a text against an expected JSON value. */
export type JsonVerdict = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly expected: string; readonly problem: string };

/**
 * Parses `text` as JSON and checks it against `expected`: nothing (any JSON), a DTO class
 * (built and validated with class-validator; the verdict's value is the instance), or a value
 * matched partially (or exactly, with `exact`). See `diffJson` for how values match.
 */
export async function checkJson(text: string, expected: unknown, exact: boolean): Promise<JsonVerdict> {
  const wanted = describeJsonExpectation(expected, exact);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, expected: wanted, problem: `not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (expected === undefined) return { ok: true, value: parsed };
  if (isDtoClass(expected)) {
    try {
      return { ok: true, value: await validateDto(expected, parsed, { forbidNonWhitelisted: exact }) };
    } catch (err) {
      if (!(err instanceof KindlingError)) throw err;
      return { ok: false, expected: wanted, problem: `failed validation:\n${indent(formatDetails(err.details))}` };
    }
  }
  const mismatches = diffJson(expected, parsed, exact ? 'exact' : 'partial');
  if (mismatches.length === 0) return { ok: true, value: parsed };
  return { ok: false, expected: wanted, problem: `differs:\n${indent(formatMismatches(mismatches))}` };
}

/** `JSON matching {"a":1}`, `JSON equal to …`, `JSON valid as DTO Room`, `any JSON`. */
export function describeJsonExpectation(expected: unknown, exact: boolean): string {
  if (expected === undefined) return 'any JSON';
  if (isDtoClass(expected)) return `JSON valid as ${preview(expected)}${exact ? ' (no unknown properties)' : ''}`;
  return `JSON ${exact ? 'equal to' : 'matching'} ${preview(expected)}`;
}

/**
 * True for a class (a DTO); arrow functions and plain functions are predicates. Only classes
 * can be DTOs, since a DTO is instantiated with `new`.
 */
export function isDtoClass(value: unknown): value is DtoClass<object> {
  return typeof value === 'function' && Function.prototype.toString.call(value).startsWith('class');
}

function formatDetails(details: unknown): string {
  if (!Array.isArray(details)) return preview(details);
  return details.map((d: unknown) => `- ${preview(d, 200)}`).join('\n');
}
