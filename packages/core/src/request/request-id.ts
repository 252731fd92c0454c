import { idText, newSerial, newSerialId, type IdSource } from '@kindling/websocket';

const WELL_FORMED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * A new request id: UUID-shaped, from the per-process sequence that also numbers connections
 * (a random prefix drawn once and a counter), so making one costs no randomness, its text stays
 * small and it never equals a connection id (see docs/logging.md).
 */
export function newRequestId(): string {
  return newSerialId();
}

/** Honours a well-formed incoming `x-request-id` (1–128 safe characters), else makes a new id. */
export function resolveRequestId(incoming: string | undefined): string {
  return idText(resolveRequestIdSource(incoming));
}

/**
 * Like {@link resolveRequestId}, but a new id stays a serial until its text is read (`idText`):
 * an upgrade keeps it for the connection's lifetime, usually without anyone reading it.
 */
export function resolveRequestIdSource(incoming: string | undefined): IdSource {
  return incoming !== undefined && WELL_FORMED.test(incoming) ? incoming : newSerial();
}
