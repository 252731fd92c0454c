import { IsInt, IsString, Min } from 'class-validator';
import { Cookies, Forbidden, Headers, Json, Protocol, Query, Response, Router, Unauthorized, createExtractor } from '@kindling/core';

/** A DTO the `/json` route's welcome message satisfies. */
export class Welcome {
  @IsString() type!: string;
  @IsInt() @Min(1) version!: number;
}

/** A DTO the welcome message does not satisfy (`version` is not a string). */
export class StringVersion {
  @IsString() version!: string;
}

export const Token = createExtractor('Token', (ctx) => {
  const token = ctx.query['token'];
  if (token !== 'secret') throw new Unauthorized('bad token');
  return token;
});

/** Routes that exercise every part of the harness. */
export function testRouter(): Router {
  return new Router()
    .get('/health', () => ({ ok: true, service: 'kindling' }))
    .get('/text', () => 'plain words')
    .get('/old', () => Response.redirect('/health'))
    .post('/submit', () => Response.redirect('/health?from=submit', 303))
    .get('/loop', () => Response.redirect('/loop'))
    .get('/inspect', [Query(), Headers(), Cookies()], (query, headers, cookies) => ({ query, headers, cookies }))
    .post('/echo', [Json()], (body) => Response.created(body, '/echo/1').header('x-trace', 'abc'))
    .websocket('/echo', async (ws) => {
      for await (const msg of ws) ws.send(msg.type === 'text' ? `Echo: ${msg.text}` : msg.data);
    })
    .websocket('/json', async (ws) => {
      ws.sendJson({ type: 'welcome', version: 2, user: { id: 'u-1', name: 'ann' }, tags: ['a', 'b'] });
      await ws.recv();
    })
    .websocket('/burst', async (ws) => {
      ws.sendText('one');
      ws.sendText('two');
      ws.sendBinary(new Uint8Array([3]));
      await ws.recv();
    })
    .websocket('/forbidden', async (ws) => {
      ws.sendText('checking');
      throw new Forbidden('not your room');
    })
    .websocket('/auth', [Token], async (token, ws) => {
      ws.sendText(`welcome ${token}`);
      await ws.recv();
    })
    .websocket('/silent', async (ws) => {
      for await (const msg of ws) void msg;
    })
    .websocket('/closes', async (ws) => {
      for await (const msg of ws) if (msg.type === 'text' && msg.text === 'bye') return;
    });
}

/** Routes with per-route options: subprotocols and an origin allowlist. */
export function optionsRouter(): Router {
  return new Router()
    .websocket(
      '/inspect',
      [Query(), Headers(), Cookies(), Protocol()],
      async (query, headers, cookies, protocol, ws) => {
        ws.sendJson({ query, origin: headers['origin'] ?? null, custom: headers['x-custom'] ?? null, cookies, protocol });
        await ws.recv();
      },
      { protocols: ['v2', 'v1'] },
    )
    .websocket(
      '/origin',
      async (ws) => {
        ws.sendText('hello');
        await ws.recv();
      },
      { origins: ['http://ok.test'] },
    );
}
