import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { describe, test } from 'node:test';
import { App, Router } from '@kindling/core';

function httpsGet(port: number, path: string, ca: string): Promise<{ status: number; body: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost', agent: false }, (res) => {
      const authorized = (res.socket as import('node:tls').TLSSocket).authorized;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, authorized }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  test("tls: 'self-signed' serves HTTPS that a client trusting the certificate accepts", async () => {
    const app = new App(
      new Router().get('/secure', () => ({ secure: true })),
      { logger: false, tls: 'self-signed' },
    );
    const port = await app.listen(0, '127.0.0.1');
    try {
      const cert = app.certificate ?? '';
      assert.ok(cert.includes('BEGIN CERTIFICATE'));
      const res = await httpsGet(port, '/secure', cert);
      assert.equal(res.status, 200);
      assert.equal(res.authorized, true);
      assert.deepEqual(JSON.parse(res.body), { secure: true });
    } finally {
      await app.shutdown({ timeoutMs: 1000 });
    }
  });

  test('the self-signed certificate lives in a temp directory that shutdown removes', async () => {
    const app = new App(new Router(), { logger: false, tls: 'self-signed' });
    await app.listen(0, '127.0.0.1');
    const files = app.tlsFiles;
    assert.ok(files);
    assert.ok(files.certFile.startsWith(tmpdir()));
    assert.ok(!files.certFile.startsWith(process.cwd()));
    assert.ok(existsSync(files.certFile));
    await app.shutdown({ timeoutMs: 1000 });
    assert.ok(!existsSync(files.certFile));
  });

  test('missing certificate files are a clear error', async () => {
    const app = new App(new Router(), { logger: false, tls: { certFile: '/nope/cert.pem', keyFile: '/nope/key.pem' } });
    await assert.rejects(app.listen(0, '127.0.0.1'), /tls\.certFile does not exist/);
  });
});
