import type { BusPayload } from '@kindling/websocket';

/** Bytes of the node id at the start of every envelope. */
export const NODE_ID_BYTES = 16;
const HEADER = 1 + NODE_ID_BYTES;
const BINARY = 1;

/** A publish as it crosses Redis: one flags byte (bit 0: binary), the sending node's id, the payload as sent. */
export function encodeEnvelope(nodeId: Buffer, payload: BusPayload, isBinary: boolean): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload instanceof ArrayBuffer ? new Uint8Array(payload) : payload;
  const envelope = Buffer.allocUnsafe(HEADER + body.byteLength);
  envelope[0] = isBinary ? BINARY : 0;
  nodeId.copy(envelope, 1);
  envelope.set(body, HEADER);
  return envelope;
}

/** The parts of an envelope, or undefined for bytes that are not one. */
export function decodeEnvelope(envelope: Buffer): { sender: Buffer; payload: Uint8Array; isBinary: boolean } | undefined {
  if (envelope.length < HEADER) return undefined;
  const flags = envelope[0] ?? 0;
  if (flags > BINARY) return undefined;
  return { sender: envelope.subarray(1, HEADER), payload: envelope.subarray(HEADER), isBinary: flags === BINARY };
}
