import type { Engine, EngineName, EngineSetting } from './engine.js';
import { NodeEngine } from './node/node-engine.js';
import { loadUws, UWS_FIX } from './uws/load-uws.js';
import { UwsEngine } from './uws/uws-engine.js';

const SETTINGS: readonly EngineSetting[] = ['auto', 'uws', 'node'];

/** The engine an app runs on, and the one line to log when `auto` could not pick uWS. */
export interface SelectedEngine {
  readonly engine: Engine;
  /** Set when `auto` fell back to `node`: why, and how to get native uWS. */
  readonly fallbackReason?: string;
}

/**
 * Picks the engine: the app's `engine` option, else `KINDLING_ENGINE`, else `'auto'`. `auto` is
 * `uws` when its native binding loads and `node` otherwise (with the reason to log); `uws`
 * where the binding cannot load is a start-up error naming the Node ABI and the fix. Throws a
 * `TypeError` for an unknown name.
 *
 * @example
 * ```ts
 * selectEngine('auto').engine.name; // 'uws' on Node 20, 'node' on Node 22+
 * ```
 */
export function selectEngine(option: EngineSetting | undefined): SelectedEngine {
  const fromEnv = process.env['KINDLING_ENGINE'];
  const setting: unknown = option ?? (fromEnv === undefined || fromEnv === '' ? 'auto' : fromEnv);
  if (!SETTINGS.includes(setting as EngineSetting)) {
    const where = option !== undefined ? 'the engine option' : 'KINDLING_ENGINE';
    throw new TypeError(`${where} must be 'auto', 'uws' or 'node', got ${describe(setting)}`);
  }
  if (setting === 'node') return { engine: nodeEngine() };
  const uws = loadUws();
  if (uws.ok) return { engine: new UwsEngine(uws.uws) };
  if (setting === 'uws') throw new Error(`engine 'uws' cannot start: ${uws.reason}. ${UWS_FIX}`);
  return { engine: nodeEngine(), fallbackReason: `uWebSockets.js is not available (${uws.reason}), so Kindling runs on the node engine. ${UWS_FIX}` };
}

let node: NodeEngine | undefined;
function nodeEngine(): NodeEngine {
  node ??= new NodeEngine();
  return node;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : `${typeof value} ${String(value)}`;
}

/** The engine names, for docs and checks. */
export const ENGINE_NAMES: readonly EngineName[] = ['uws', 'node'];
