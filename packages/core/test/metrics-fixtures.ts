import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Router, batchHandler, messageHandler } from '@kindling/core';
import { samples } from './ops-fixtures.js';

/** A WebSocket client that keeps every text it received. */
export interface Client {
  readonly socket: WebSocket;
  readonly messages: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  next(): Promise<string>;
}

/** Opens a WebSocket; `next()` resolves with the next unread message. */
export async function open(url: string): Promise<Client> {
  const socket = new WebSocket(url);
  const messages: string[] = [];
  const waiters: Array<(text: string) => void> = [];
  let read = 0;
  socket.on('message', (data) => {
    messages.push(data.toString());
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(messages[read++] as string);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = () => (read < messages.length ? Promise.resolve(messages[read++] as string) : new Promise<string>((resolve) => waiters.push(resolve)));
  return { socket, messages, closed, next };
}

/** GET the metrics text. */
export async function scrape(port: number, path = '/metrics'): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The series names with labels, without values. */
export function series(text: string): string[] {
  return samples(text).map((line) => line.slice(0, line.lastIndexOf(' ')));
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms, 1,000 times at most. */
export async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await delay(10);
  }
  assert.fail(`timed out waiting until ${what}`);
}

/** The routes the metrics tests drive. */
export function echoRouter(): Router {
  return new Router()
    .get('/items/{id}', () => 'item')
    .websocket(
      '/echo',
      messageHandler((_ws, msg) => {
        if (msg.type === 'text' && msg.text === 'boom') throw new Error('handler failed');
        return msg;
      }),
    )
    .websocket(
      '/json',
      messageHandler((_ws, value) => value, { json: true }),
    )
    .websocket(
      '/ingest',
      batchHandler((ws, msgs) => void ws.send(String(msgs.length)), { size: 2, timeoutMs: 60_000 }),
    )
    .websocket('/limited', (ws) => ws.keepOpen(), { rateLimit: { messages: 1, perMs: 60_000, policy: 'drop' } })
    .websocket(
      '/topics',
      messageHandler((ws, msg) => {
        if (msg.type !== 'text') return;
        ws.subscribe(msg.text);
        ws.publish(msg.text, 'x');
      }),
    );
}
