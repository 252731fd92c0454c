import { batchHandler, messageHandler, type AdaptedHandler } from '@kindling/websocket';
import type { DtoClass } from '../extract/dto-class.js';
import type { RouteSpec } from './metadata.js';

type Call = (...args: unknown[]) => unknown;

/**
 * Wraps a controller method (already taking the handler's arguments: extracted values, the
 * connection, then the message or batch) in the adapter its route decorator asks for. The
 * adapter checks its options here, at registration.
 */
export function buildMessageRoute(
  spec: Extract<RouteSpec, { kind: 'message' | 'batch' }>,
  call: Call,
  body: DtoClass | 'raw' | undefined,
): AdaptedHandler<unknown[]> {
  if (spec.kind === 'batch') return batchHandler(call, spec.options.handler);
  const json = spec.options.json ?? (body === 'raw' ? true : body);
  const { handler } = spec.options;
  if (json === undefined) return messageHandler(call, handler);
  // Two calls that read alike: each picks its own overload (parse only / parse and validate).
  if (json === true) return messageHandler(call, { ...handler, json });
  return messageHandler(call, { ...handler, json });
}
