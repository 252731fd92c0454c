import assert from 'node:assert/strict';
import { ExpectationError } from '@kindling/testing';

/**
 * Asserts that `promise` rejects with an ExpectationError whose message matches every pattern,
 * and returns the error (so an expectation that should fail is proved to fail).
 */
export async function assertFails(promise: PromiseLike<unknown>, ...patterns: RegExp[]): Promise<ExpectationError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ExpectationError, `expected an ExpectationError, got ${caught === undefined ? 'success' : String(caught)}`);
  for (const pattern of patterns) assert.match(caught.message, pattern);
  return caught;
}
