// Waiting on a client's events (never on sleeps), each bounded so a broken client fails the
// test instead of hanging it.
import type { Client, ClientError, ClientErrorKind, StateChange } from '@kindling/client';

const LIMIT_MS = 10_000;

/** Rejects when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, what: string, ms = LIMIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The next state change to `state` (or the current state when it already is that and `now`). */
export function nextState(client: Client, state: StateChange['state'], ms?: number): Promise<StateChange> {
  return within(
    new Promise<StateChange>((resolve) => {
      const off = client.onState((change) => {
        if (change.state !== state) return;
        off();
        resolve(change);
      });
    }),
    `state ${state}`,
    ms,
  );
}

/** The next error reported to `onError` of this kind. */
export function nextError(client: Client, kind: ClientErrorKind): Promise<ClientError> {
  return within(
    new Promise<ClientError>((resolve) => {
      const off = client.onError((error) => {
        if (error.kind !== kind) return;
        off();
        resolve(error);
      });
    }),
    `an error of kind ${kind}`,
  );
}

/** The rejection of `promise`, which must reject. */
export async function rejection(promise: Promise<unknown>): Promise<ClientError> {
  try {
    await within(promise, 'a rejection');
  } catch (error) {
    return error as ClientError;
  }
  throw new Error('expected a rejection');
}

/** Every state change, in order, from now on. */
export function recordStates(client: Client): StateChange[] {
  const states: StateChange[] = [];
  client.onState((change) => states.push(change));
  return states;
}
