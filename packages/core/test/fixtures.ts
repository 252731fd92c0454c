import { after } from 'node:test';

/** Fails the test run if anything escapes to the process while these tests run. */
export function failOnEscapedErrors(): void {
  const escaped: unknown[] = [];
  const record = (err: unknown) => escaped.push(err);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  after(() => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    if (escaped.length > 0) throw new Error(`errors escaped to the process: ${escaped.map(String).join('; ')}`);
  });
}
