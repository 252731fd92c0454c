import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IsInt, IsString, Length, ValidateNested } from 'class-validator';
import { Json, Nested, Response, Router } from '@kindling/core';
import { TestServer } from '@kindling/testing';
import { failOnEscapedErrors } from './fixtures.js';
import { rawExchange } from './raw-http.js';

failOnEscapedErrors();

class Owner {
  @IsString() name!: string;
}
class CreateRoom {
  @IsString() @Length(1, 16) name!: string;
  @IsInt() size!: number;
  @Nested(() => Owner) @ValidateNested() owner!: Owner;
}

function routerWithCounter() {
  const calls = { n: 0 };
  const router = new Router()
    .post('/rooms', [Json(CreateRoom)], (body) => {
      calls.n++;
      return Response.created({ name: body.name, size: body.size, owner: body.owner.name, ownerIsInstance: body.owner instanceof Owner }, '/rooms/1');
    })
    .post('/any', [Json()], (body) => ({ got: body }));
  return { router, calls };
}

const json = { 'content-type': 'application/json' };

describe('HTTP bodies', () => {
  test('Json(Dto) builds nested instances and validates', async () => {
    const { router } = routerWithCounter();
    await using server = await TestServer.start(router);
    await server
      .request('POST', '/rooms', { headers: json, body: JSON.stringify({ name: 'lobby', size: 4, owner: { name: 'ada' } }) })
      .expectStatus(201)
      .expectHeader('location', '/rooms/1')
      .expectJson({ name: 'lobby', size: 4, owner: 'ada', ownerIsInstance: true });
  });

  test('a body failing validation is a 422 naming each property, nested ones by path', async () => {
    const { router, calls } = routerWithCounter();
    await using server = await TestServer.start(router);
    const res = await server
      .request('POST', '/rooms', { headers: json, body: JSON.stringify({ name: '', size: 'big', owner: { name: 5 } }) })
      .expectStatus(422);
    const details = (res.json() as { error: { details: Array<{ property: string }> } }).error.details;
    assert.deepEqual(details.map((d) => d.property).sort(), ['name', 'owner.name', 'size']);
    assert.equal(calls.n, 0);
  });

  test('invalid JSON is a 400 INVALID_JSON', async () => {
    const { router } = routerWithCounter();
    await using server = await TestServer.start(router);
    await server
      .request('POST', '/any', { headers: json, body: '{"a":' })
      .expectStatus(400)
      .expectJson({ error: { code: 'INVALID_JSON' } });
  });

  test('a wrong content type is a 415', async () => {
    const { router } = routerWithCounter();
    await using server = await TestServer.start(router);
    await server
      .request('POST', '/any', { headers: { 'content-type': 'text/plain' }, body: '{}' })
      .expectStatus(415)
      .expectJson({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  test('a body over the limit is a 413 and the handler never runs', async () => {
    const { router, calls } = routerWithCounter();
    await using server = await TestServer.start(router, { app: { bodyLimit: 1024 } });
    const big = JSON.stringify({ name: 'x'.repeat(5000), size: 1, owner: { name: 'a' } });
    await server
      .request('POST', '/rooms', { headers: json, body: big })
      .expectStatus(413)
      .expectJson({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    assert.equal(calls.n, 0);
    await server.request('POST', '/any', { headers: json, body: '{"ok":true}' }).expectStatus(200);
  });

  test('a chunked body that grows past the limit is answered 413 as soon as it passes it', async () => {
    const { router, calls } = routerWithCounter();
    await using server = await TestServer.start(router, { app: { bodyLimit: 1024 } });
    const reply = await rawExchange(server.port, (socket) => {
      socket.write('POST /any HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'a'.repeat(600);
      socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      // The rest of the body is never sent: the answer must not wait for it.
    });
    assert.match(reply, /^HTTP\/1\.1 413/);
    assert.equal(calls.n, 0);
  });

  test('a client that aborts mid-body: the handler never runs, nothing crashes', async () => {
    const { router, calls } = routerWithCounter();
    await using server = await TestServer.start(router, { logs: true });
    await rawExchange(
      server.port,
      (socket) => {
        socket.write('POST /rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":');
        setTimeout(() => socket.destroy(), 50);
      },
      500,
    );
    await server
      .request('POST', '/any', { headers: json, body: '[1]' })
      .expectStatus(200)
      .expectJson({ got: [1] });
    assert.equal(calls.n, 0);
  });
});
