import { hostname } from 'node:os';
import type { LoggerSetting } from '@kindling/core';

/**
 * The chat's log: readable lines for a person at a terminal (Kindling's messages repeat their
 * `event`, so it is left out), or with `LOG_FORMAT=json` one JSON object a line for a log
 * collector. `LOG_LEVEL` sets the level (`info`). `fields` go on every line (e.g. the thread).
 */
export function chatLogger(fields: Record<string, unknown> = {}): LoggerSetting {
  const level = process.env['LOG_LEVEL'] ?? 'info';
  const base = { pid: process.pid, hostname: hostname(), ...fields };
  return process.env['LOG_FORMAT'] === 'json'
    ? { level, base }
    : {
        level,
        base,
        transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,event', singleLine: true } },
      };
}
