import { randomUUID } from 'node:crypto';

const WELL_FORMED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Honours a well-formed incoming `x-request-id` (1–128 safe characters), else makes a UUID. */
export function resolveRequestId(incoming: string | undefined): string {
  return incoming !== undefined && WELL_FORMED.test(incoming) ? incoming : randomUUID();
}
