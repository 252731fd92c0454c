// The check route must answer exactly as the upgrade does: same status, same JSON body.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestServer } from '@kindling/testing';
import { createChatRouter } from '../src/chat-router.js';

const token = 'secret';

describe('chat check route', () => {
  const refusals: { name: string; path: string; query: Record<string, string>; status: number; code: string }[] = [
    { name: 'a wrong token', path: '/chat/lobby/bob', query: { token: 'wrong' }, status: 401, code: 'UNAUTHORIZED' },
    { name: 'a missing token', path: '/chat/lobby/bob', query: {}, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'an invalid room', path: '/chat/bad%20room/bob', query: { token }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'an invalid name', path: '/chat/lobby/b%21b', query: { token }, status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a taken name', path: '/chat/lobby/ada', query: { token }, status: 409, code: 'CONFLICT' },
  ];

  for (const refusal of refusals) {
    test(`${refusal.name}: the check answers with the upgrade's status and body`, async () => {
      await using server = await TestServer.start(createChatRouter({ token }));
      const ada = await server.ws('/chat/lobby/ada', { query: { token } });
      await ada.expectJson({ type: 'chat.welcome' });

      const upgrade = await server.ws(refusal.path, { query: refusal.query }).expectRejected(refusal.status, { error: { code: refusal.code } });
      const check = await server.request('GET', `${refusal.path}/check`, { query: refusal.query }).expectStatus(refusal.status);
      assert.deepEqual(check.json(), upgrade.json());
    });
  }

  test('a join that would pass is a 200, and the check itself joins nobody', async () => {
    await using server = await TestServer.start(createChatRouter({ token }));
    await server.request('GET', '/chat/lobby/ada/check', { query: { token } }).expectStatus(200).expectJson({ ok: true, room: 'lobby', username: 'ada' });
    await server.request('GET', '/rooms/lobby').expectJson({ room: 'lobby', members: [] }, { exact: true });
    const ada = await server.ws('/chat/lobby/ada', { query: { token } });
    await ada.expectJson({ type: 'chat.welcome', data: { members: ['ada'] } });
  });

  test('the check sees a name free again once its holder left', async () => {
    await using server = await TestServer.start(createChatRouter({ token }));
    const ada = await server.ws('/chat/lobby/ada', { query: { token } });
    await ada.expectJson({ type: 'chat.welcome' });
    const bob = await server.ws('/chat/lobby/bob', { query: { token } });
    await bob.expectJson({ type: 'chat.welcome' });
    await server.request('GET', '/chat/lobby/ada/check', { query: { token } }).expectStatus(409);
    await ada.close(1000);
    // The leave event is published once the server has let the name go.
    await bob.expectJson({ type: 'chat.leave', data: { user: 'ada' } });
    await server.request('GET', '/chat/lobby/ada/check', { query: { token } }).expectStatus(200);
  });
});
