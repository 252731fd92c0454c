import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Certificate files for HTTPS / WSS. See docs/tls.md. */
export interface TlsFiles {
  /** Path to the PEM certificate (chain). */
  certFile: string;
  /** Path to the PEM private key. */
  keyFile: string;
  /** Passphrase of an encrypted key. */
  passphrase?: string;
}

/**
 * TLS setting: certificate files, or `'self-signed'` for development, which creates a fresh
 * certificate for localhost/127.0.0.1/::1 in a new temp directory (never in the working
 * directory) and removes it on shutdown.
 */
export type TlsSetting = TlsFiles | 'self-signed';

/** Certificate files ready for uWS, and how to clean up after them. */
export interface ResolvedTls {
  readonly files: TlsFiles;
  /** The PEM certificate, when Kindling generated it (so clients can trust it). */
  readonly certificate?: string;
  dispose(): Promise<void>;
}

/** Checks the files exist (uWS would only say "failed to listen") or makes a self-signed pair. */
export async function resolveTls(setting: TlsSetting): Promise<ResolvedTls> {
  if (setting === 'self-signed') return createSelfSigned();
  for (const [label, file] of [
    ['certFile', setting.certFile],
    ['keyFile', setting.keyFile],
  ] as const) {
    if (typeof file !== 'string' || !existsSync(file)) throw new Error(`tls.${label} does not exist: ${String(file)}`);
  }
  return { files: setting, dispose: () => Promise.resolve() };
}

async function createSelfSigned(): Promise<ResolvedTls> {
  // Loaded here, not at import: it pulls in an X.509 library that only `tls: 'self-signed'` needs.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  } as Parameters<typeof generate>[1]);
  const dir = await mkdtemp(join(tmpdir(), 'kindling-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await writeFile(certFile, pems.cert, { mode: 0o600 });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  return { files: { certFile, keyFile }, certificate: pems.cert, dispose: () => rm(dir, { recursive: true, force: true }) };
}
