/** Severity of a connection's lifecycle log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A lifecycle log line: `event` doubles as the message. */
export type LogFields = { readonly event: string } & Readonly<Record<string, unknown>>;
