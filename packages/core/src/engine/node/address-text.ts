const encoder = new TextEncoder();
const EMPTY = new ArrayBuffer(0);

/** A socket's peer address as text bytes, as uWS's `getRemoteAddressAsText()` gives it. */
export function addressText(address: string | undefined): ArrayBuffer {
  if (address === undefined || address === '') return EMPTY;
  return encoder.encode(address).buffer as ArrayBuffer;
}
