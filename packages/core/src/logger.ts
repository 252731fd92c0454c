import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * How the app logs: `false` for silence, pino options to build a logger, or your own pino
 * instance (for example one writing to a custom destination).
 * @default `{ level: 'info' }`
 */
export type LoggerSetting = false | LoggerOptions | Logger;

/** Builds the app logger from a {@link LoggerSetting}. */
export function createLogger(setting: LoggerSetting | undefined): Logger {
  if (setting === false) return pino({ enabled: false });
  if (setting !== undefined && isLogger(setting)) return setting;
  return pino({ level: 'info', ...setting });
}

function isLogger(value: LoggerOptions | Logger): value is Logger {
  return typeof (value as Logger).child === 'function' && typeof (value as Logger).info === 'function';
}

export type { Logger };
