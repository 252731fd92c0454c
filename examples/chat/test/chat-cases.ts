import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';

/**
 * The chat's behaviour as a user sees it, run against any router that implements it (the
 * DSL version here, the controller version in examples/controllers). The wire is the events
 * envelope: `{ type, id?, data }` in, replies `{ id, data }`, server events `{ type, data }`.
 */
export function chatCases(name: string, createRouter: (token: string) => Router): void {
  const token = 'secret';
  const join = (server: TestServer, room: string, user: string) => server.ws(`/chat/${room}/${user}`, { query: { token } });

  test(`${name}: a joiner is welcomed; the others hear the join, not the joiner`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'chat.welcome', data: { room: 'lobby', user: 'ada', members: ['ada'] } });
    const bob = await join(server, 'lobby', 'bob');
    await bob.expectJson({ type: 'chat.welcome', data: { members: ['ada', 'bob'] } });
    await ada.expectJson({ type: 'chat.join', data: { user: 'bob' } });
    await bob.expectNoMessage(100);
  });

  test(`${name}: chat.send is answered with the message as the room sees it; the others get it as chat.message, no other room does`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'chat.welcome' });
    const bob = await join(server, 'lobby', 'bob');
    await bob.expectJson({ type: 'chat.welcome' });
    await ada.expectJson({ type: 'chat.join', data: { user: 'bob' } });
    const eve = await join(server, 'other', 'eve');
    await eve.expectJson({ type: 'chat.welcome', data: { members: ['eve'] } });
    ada.sendJson({ type: 'chat.send', id: 1, data: { text: 'hi all' } });
    const reply = (await ada.expectJson({ id: 1, data: { user: 'ada', text: 'hi all' } })) as { data: { at: string } };
    assert.ok(!Number.isNaN(Date.parse(reply.data.at)), 'the reply carries the server time');
    await bob.expectJson({ type: 'chat.message', data: { user: 'ada', text: 'hi all', at: reply.data.at } });
    await ada.expectNoMessage(100);
    await eve.expectNoMessage(100);
  });

  test(`${name}: chat.send without an id is fire-and-forget: the room gets it, the sender no reply`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'chat.welcome' });
    const bob = await join(server, 'lobby', 'bob');
    await bob.expectJson({ type: 'chat.welcome' });
    await ada.expectJson({ type: 'chat.join' });
    ada.sendJson({ type: 'chat.send', data: { text: 'no reply wanted' } });
    await bob.expectJson({ type: 'chat.message', data: { user: 'ada', text: 'no reply wanted' } });
    await ada.expectNoMessage(100);
  });

  test(`${name}: leaving tells the others`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'chat.welcome' });
    const bob = await join(server, 'lobby', 'bob');
    await bob.expectJson({ type: 'chat.welcome' });
    await ada.expectJson({ type: 'chat.join', data: { user: 'bob' } });
    await bob.close(1000);
    await ada.expectJson({ type: 'chat.leave', data: { user: 'bob' } });
    await server.request('GET', '/rooms/lobby').expectJson({ room: 'lobby', members: ['ada'] });
  });

  test(`${name}: a bad or missing token is a 401 before the upgrade`, async () => {
    await using server = await TestServer.start(createRouter(token));
    await server.ws('/chat/lobby/ada', { query: { token: 'wrong' } }).expectRejected(401, { error: { code: 'UNAUTHORIZED' } });
    await server.ws('/chat/lobby/ada').expectRejected(400, { error: { code: 'VALIDATION_FAILED' } });
  });

  test(`${name}: a taken name is a 409 and an invalid room a 400, before the upgrade`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'chat.welcome' });
    await join(server, 'lobby', 'ada').expectRejected(409, { error: { code: 'CONFLICT' } });
    await server.ws('/chat/bad%20room/ada', { query: { token } }).expectRejected(400, { error: { code: 'VALIDATION_FAILED' } });
  });

  test(`${name}: bad messages get error envelopes (with the request's id when it had one) and the connection stays open`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'chat.welcome' });
    ada.sendText('not json');
    await ada.expectJson({ error: { code: 'INVALID_JSON' } });
    ada.sendJson({ type: 'chat.send', id: 1, data: { text: '' } });
    await ada.expectJson({ error: { code: 'VALIDATION_FAILED', id: 1 } });
    ada.sendJson({ type: 'chat.shout', id: 2, data: { text: 'hi' } });
    await ada.expectJson({ error: { code: 'UNKNOWN_EVENT', id: 2 } });
    ada.sendJson({ type: 'chat.send', id: 3, data: { text: 'still here' } });
    await ada.expectJson({ id: 3, data: { text: 'still here' } });
  });

  test(`${name}: $ping is answered, so a page's liveness check keeps a quiet connection`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'chat.welcome' });
    for (let id = 1; id <= 12; id++) {
      ada.sendJson({ type: '$ping', id });
      await ada.expectJson({ id });
    }
    assert.equal(ada.isOpen, true, 'pings are no errors: twelve in a row do not close the connection');
  });
}
