import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { App, Router, messageHandler } from '@kindling/core';
import { failOnEscapedErrors } from './fixtures.js';
import { systemBinary } from './ops-fixtures.js';

failOnEscapedErrors();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function openEcho(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** One instant query against Prometheus's HTTP API: the sample's value, or undefined when it has none yet. */
async function query(base: string, promql: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
    const value = body.data?.result?.[0]?.value[1];
    return value === undefined ? undefined : Number(value);
  } catch {
    return undefined; // not up yet
  }
}

describe('metrics scraped by a real Prometheus server', { timeout: 120_000 }, () => {
  it('Prometheus scrapes the app and its HTTP API returns the connection gauge and message counter the clients produced', async (t) => {
    const prometheus = systemBinary('prometheus', 'prometheus');
    if (prometheus === undefined) return t.skip('prometheus is not installed');
    const router = new Router().websocket(
      '/echo',
      messageHandler((_ws, msg) => msg),
    );
    const app = new App(router, { logger: false, metrics: true });
    const appPort = await app.listen(0, '127.0.0.1');
    const dir = await mkdtemp(join(tmpdir(), 'kindling-prometheus-'));
    const promPort = await freePort();
    const config = [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: kindling',
      '    scrape_interval: 1s',
      '    scrape_timeout: 1s',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${appPort}']`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'prometheus.yml'), config);
    const child = spawn(
      prometheus,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const clients: WebSocket[] = [];
    try {
      for (let i = 0; i < 3; i++) clients.push(await openEcho(`ws://127.0.0.1:${appPort}/echo`));
      for (let i = 0; i < 5; i++) {
        const socket = clients[i % 3] as WebSocket;
        const echoed = new Promise((resolve) => socket.once('message', resolve));
        socket.send(`message ${i}`);
        await echoed;
      }
      const base = `http://127.0.0.1:${promPort}`;
      let connections: number | undefined;
      let received: number | undefined;
      const until = Date.now() + 45_000;
      while (Date.now() < until) {
        connections = await query(base, 'kindling_ws_connections{job="kindling",route="/echo"}');
        received = await query(base, 'kindling_ws_messages_received_total{job="kindling",route="/echo"}');
        if (connections === 3 && received === 5) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.equal(connections, 3, `the connection gauge as Prometheus stored it (prometheus stderr: ${stderr.slice(-2000)})`);
      assert.equal(received, 5, 'the message counter as Prometheus stored it');
      assert.equal(await query(base, 'up{job="kindling"}'), 1);
    } finally {
      for (const socket of clients) socket.close();
      child.kill('SIGTERM');
      await exited;
      await app.shutdown({ timeoutMs: 2000 });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
