import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as UWS from 'uWebSockets.js';

/** uWebSockets.js as loaded here: its native binding, or why it cannot be used. */
export type UwsLoad = { readonly ok: true; readonly uws: typeof UWS } | { readonly ok: false; readonly reason: string };

const require = createRequire(import.meta.url);
let loaded: UwsLoad | undefined;

/**
 * Loads uWebSockets.js's native binding once, never its JavaScript emulation. The build this
 * project depends on silently swaps in a partial emulation (printing to the console) when
 * `UWS_USE_FALLBACK` is set or when it has no binary for this Node ABI; both are checked
 * before anything is loaded, and what loads is checked to be the binding.
 */
export function loadUws(): UwsLoad {
  loaded ??= tryLoad();
  return loaded;
}

function tryLoad(): UwsLoad {
  const flag = process.env['UWS_USE_FALLBACK'];
  if (flag !== undefined && /^(1|true)$/i.test(flag)) {
    return { ok: false, reason: 'the UWS_USE_FALLBACK environment variable asks uWebSockets.js for its JavaScript emulation, which Kindling never uses' };
  }
  const abi = process.versions.modules;
  const binary = `uws_${process.platform}_${process.arch}_${abi}.node`;
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('uWebSockets.js/package.json'));
  } catch {
    return { ok: false, reason: 'the "uWebSockets.js" package is not installed' };
  }
  // The unofficial build keeps its binaries in binaries/, official releases at the top level.
  if (!existsSync(join(packageDir, 'binaries', binary)) && !existsSync(join(packageDir, binary))) {
    return {
      ok: false,
      reason: `the installed uWebSockets.js build has no binary for Node ${process.version} (ABI ${abi}, ${process.platform}-${process.arch}; it needs ${binary})`,
    };
  }
  let uws: typeof UWS;
  try {
    uws = quietly(() => require('uWebSockets.js') as typeof UWS);
  } catch (err) {
    return { ok: false, reason: `the uWebSockets.js binary did not load: ${err instanceof Error ? err.message : String(err)}` };
  }
  // The native binding exports getParts, which the emulation lacks.
  if (typeof (uws as unknown as Record<string, unknown>)['getParts'] !== 'function') {
    return { ok: false, reason: `the uWebSockets.js binary ${binary} did not load (the package fell back to its JavaScript emulation; is glibc too old?)` };
  }
  return { ok: true, uws };
}

/** Runs `load` with the console silenced: the package prints its fallback notices there. */
function quietly<T>(load: () => T): T {
  const { log, warn } = console;
  console.log = console.warn = () => undefined;
  try {
    return load();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/** How to get native uWS where it did not load. */
export const UWS_FIX =
  'On Node 16, 18 or 20 the installed build loads as it is. On Node 22 and later, point the "uWebSockets.js" dependency at an official uWebSockets.js release built for that Node (see docs/engines.md), or use engine: \'node\'.';
