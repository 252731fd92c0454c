import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { IsInt } from 'class-validator';
import {
  BadRequest,
  Conflict,
  createExtractor,
  Forbidden,
  HttpError,
  InternalError,
  KindlingError,
  NotFound,
  Router,
  TooManyRequests,
  Unauthorized,
  validateDto,
} from '@kindling/core';
import { TestServer } from '@kindling/testing';

/** The next process warning, or undefined when none comes within a few turns of the event loop. */
async function nextWarning(): Promise<Error | undefined> {
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50));
  return Promise.race([once(process, 'warning').then(([w]) => w as Error), timeout]);
}

describe('errors are classes', () => {
  test('each named class carries its code, status and close code, and is a KindlingError', () => {
    const cases = [
      [new BadRequest('b'), 'BadRequest', 'BAD_REQUEST', 400, 4400],
      [new Unauthorized('u'), 'Unauthorized', 'UNAUTHORIZED', 401, 4401],
      [new Forbidden('f'), 'Forbidden', 'FORBIDDEN', 403, 4403],
      [new NotFound('n'), 'NotFound', 'NOT_FOUND', 404, 4404],
      [new Conflict('c', { name: 'lobby' }), 'Conflict', 'CONFLICT', 409, 4409],
      [new TooManyRequests('t'), 'TooManyRequests', 'RATE_LIMITED', 429, 1008],
      [new InternalError('i'), 'InternalError', 'INTERNAL', 500, 1011],
    ] as const;
    for (const [err, name, code, status, closeCode] of cases) {
      assert.ok(err instanceof KindlingError);
      assert.ok(err instanceof Error);
      assert.deepEqual([err.name, err.code, err.status, err.closeCode], [name, code, status, closeCode]);
    }
    assert.ok(new Forbidden() instanceof Forbidden);
    assert.ok(!(new Forbidden() instanceof Unauthorized));
    assert.deepEqual(new Conflict('Name taken', { name: 'lobby' }).toJSON(), {
      error: { code: 'CONFLICT', message: 'Name taken', details: { name: 'lobby' } },
    });
  });

  test('a thrown class answers with its status before the upgrade and closes with its code after it', async () => {
    const token = createExtractor('Token', (ctx) => {
      if (ctx.query['token'] !== 'good') throw new Unauthorized('Bad token');
      return 'good';
    });
    const router = new Router().websocket('/live', [token], (_t, ws) => {
      throw new Forbidden('Not in this room');
    });
    await using server = await TestServer.start(router);
    const rejection = await server.ws('/live').expectRejected(401);
    assert.deepEqual(rejection.json(), { error: { code: 'UNAUTHORIZED', message: 'Bad token' } });
    await using ws = await server.ws('/live', { query: { token: 'good' } });
    await ws.expectClosed(4403, 'Not in this room');
  });

  test('calling a class without new still builds it, with one DeprecationWarning per class', async () => {
    const warning = nextWarning();
    const err = Unauthorized('Token expired');
    assert.ok(err instanceof Unauthorized);
    assert.equal(err.message, 'Token expired');
    const first = await warning;
    assert.equal(first?.name, 'DeprecationWarning');
    assert.equal((first as { code?: string } | undefined)?.code, 'KINDLING_DEP_ERROR_STYLE');
    assert.match(first?.message ?? '', /^Unauthorized\(\.\.\.\) without new is deprecated; errors are classes: throw new Unauthorized\(\.\.\.\)$/);
    const again = nextWarning();
    Unauthorized('once more');
    assert.equal(await again, undefined, 'warned once');
  });

  test('HttpError is KindlingError under its old name: it still builds, extends and matches every Kindling error, and warns once', async () => {
    const warning = nextWarning();
    const err = new HttpError('CONFLICT', { message: 'Taken' });
    assert.ok(err instanceof KindlingError);
    assert.equal(err.status, 409);
    assert.match((await warning)?.message ?? '', /^HttpError is deprecated; it is KindlingError under its old name/);
    class RoomFull extends HttpError {
      constructor() {
        super('CONFLICT', { message: 'Room is full' });
      }
    }
    const full = new RoomFull();
    assert.equal(full.name, 'RoomFull');
    assert.ok(full instanceof HttpError && full instanceof KindlingError);
    // A validation failure from @kindling/websocket is the same class, so one check catches both.
    class Page {
      @IsInt() page!: number;
    }
    const failure = await validateDto(Page, { page: 'x' }).catch((e: unknown) => e);
    assert.ok(failure instanceof HttpError);
    assert.ok(new Unauthorized() instanceof HttpError);
  });
});
