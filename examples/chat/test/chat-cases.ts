import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';

/**
 * The chat's behaviour as a user sees it, run against any router that implements it (the
 * DSL version here, the controller version in examples/controllers).
 */
export function chatCases(name: string, createRouter: (token: string) => Router): void {
  const token = 'secret';
  const join = (server: TestServer, room: string, user: string) => server.ws(`/chat/${room}/${user}`, { query: { token } });

  test(`${name}: a joiner is welcomed; the others hear the join, not the joiner`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'welcome', room: 'lobby', user: 'ada', members: ['ada'] });
    const bob = await join(server, 'lobby', 'bob');
    await bob.expectJson({ type: 'welcome', members: ['ada', 'bob'] });
    await ada.expectJson({ type: 'join', user: 'bob' });
    await bob.expectNoMessage(100);
  });

  test(`${name}: a message reaches everyone in the room, sender included, and no other room`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'welcome' });
    const bob = await join(server, 'lobby', 'bob');
    await bob.expectJson({ type: 'welcome' });
    await ada.expectJson({ type: 'join', user: 'bob' });
    const eve = await join(server, 'other', 'eve');
    await eve.expectJson({ type: 'welcome', members: ['eve'] });
    ada.sendJson({ type: 'message', text: 'hi all' });
    await ada.expectJson({ type: 'message', user: 'ada', text: 'hi all' });
    await bob.expectJson({ type: 'message', user: 'ada', text: 'hi all' });
    await eve.expectNoMessage(100);
  });

  test(`${name}: leaving tells the others`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'welcome' });
    const bob = await join(server, 'lobby', 'bob');
    await bob.expectJson({ type: 'welcome' });
    await ada.expectJson({ type: 'join', user: 'bob' });
    await bob.close(1000);
    await ada.expectJson({ type: 'leave', user: 'bob' });
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
    await ada.expectJson({ type: 'welcome' });
    await join(server, 'lobby', 'ada').expectRejected(409, { error: { code: 'CONFLICT' } });
    await server.ws('/chat/bad%20room/ada', { query: { token } }).expectRejected(400, { error: { code: 'VALIDATION_FAILED' } });
  });

  test(`${name}: an invalid message gets an error event and the connection stays open`, async () => {
    await using server = await TestServer.start(createRouter(token));
    const ada = await join(server, 'lobby', 'ada');
    await ada.expectJson({ type: 'welcome' });
    ada.sendText('not json');
    await ada.expectJson({ type: 'error', code: 'VALIDATION_FAILED' });
    ada.sendJson({ type: 'message', text: 'still here' });
    const event = await ada.expectJson({ type: 'message', text: 'still here' });
    assert.ok(event);
  });
}
