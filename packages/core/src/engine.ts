import { createRequire } from 'node:module';
import type * as UWS from 'uWebSockets.js';

/**
 * Which uWebSockets.js implementation is running. `'uws-native'` is the C++ binding;
 * `'uws-fallback'` is the slow `ws`-based emulation the package silently switches to on a
 * Node.js version it has no binary for. See docs/deployment.md.
 */
export type Engine = 'uws-native' | 'uws-fallback';

const require = createRequire(import.meta.url);

/** The loaded uWebSockets.js module (loaded once, here and nowhere else). */
export const uws: typeof UWS = require('uWebSockets.js') as typeof UWS;

/**
 * The engine in use. The native binding exports `getParts`, which the emulation lacks; the
 * loaded binary also shows up in the module cache as a `.node` file.
 */
export const engine: Engine = detectEngine();

function detectEngine(): Engine {
  const binaryLoaded = Object.keys(require.cache).some((path) => path.includes('uws_') && path.endsWith('.node'));
  const nativeExports = typeof (uws as unknown as Record<string, unknown>)['getParts'] === 'function';
  return binaryLoaded && nativeExports ? 'uws-native' : 'uws-fallback';
}

/** The message logged at error level when the emulation is in use. */
export const FALLBACK_WARNING = fallbackWarning();

function fallbackWarning(): string {
  const head = 'uWebSockets.js is running its slow ws-based emulation, not the native binding: ';
  const flag = process.env['UWS_USE_FALLBACK'];
  if (flag !== undefined && /^(1|true)$/i.test(flag)) return `${head}the UWS_USE_FALLBACK environment variable asks for it. Unset it for native speed.`;
  return (
    `${head}this Node.js version (${process.version}, ABI ${process.versions.modules}) has no binary in the installed build. ` +
    'Run on Node 20, or point the "uWebSockets.js" alias at a uWS.js release built for this Node. See docs/deployment.md.'
  );
}

/** uSockets' flag for a listen socket without SO_REUSEPORT (missing from the typings). */
export const EXCLUSIVE_PORT: number = (uws as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: number }).LIBUS_LISTEN_EXCLUSIVE_PORT ?? 1;
