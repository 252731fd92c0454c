// Compile-time tests: this file is type-checked with the test build and never run. Each
// `@ts-expect-error` states the misuse it proves is rejected.
import { Conflict, HttpError, KindlingError, Unauthorized, type ErrorCode } from '@kindling/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectEqual<A, B>(_proof: Equal<A, B>): void {}

// The named errors are classes: new builds them, extends and instanceof work.
const unauthorized = new Unauthorized('Token expired', { retry: false });
expectEqual<typeof unauthorized, Unauthorized>(true);
const asBase: KindlingError = unauthorized;
class RoomFull extends Conflict {
  constructor() {
    super('Room is full');
  }
}
const thrown: unknown = new RoomFull();
if (thrown instanceof Conflict) {
  const code: ErrorCode = thrown.code;
  void code;
}

// The deprecated call without new still type-checks and gives the same type.
const called = Unauthorized('Token expired');
expectEqual<typeof called, Unauthorized>(true);

// HttpError is KindlingError under its old name.
expectEqual<HttpError, KindlingError>(true);
const old: KindlingError = new HttpError('CONFLICT', { message: 'Taken' });

// @ts-expect-error the message is a string, not options
new Unauthorized({ message: 'Token expired' });
// @ts-expect-error a code outside the error table
new KindlingError('TEAPOT');

void asBase;
void old;
