// A stand-in connection for unit tests of the pieces that drive a connection through its
// internal hooks (adapters, heartbeat, rate limit), so their rules can be checked one step at
// a time without sockets or timers. Not published (see "files" in package.json).
import type { CloseInfo } from './close-codes.js';
import { kActivityCount, kAttachConsumer, kBeginClose, kCork, kHeartbeat, kLogEvent } from './connection/connection-symbols.js';
import type { LogFields, LogLevel } from './connection/log-event.js';
import type { MessageConsumer } from './connection/message-consumer.js';
import { resolveConnectionOptions, type ConnectionOptions } from './connection-options.js';
import type { WebSocketConnection } from './connection/connection.js';
import { isMessage, type Message } from './message.js';
import type { SendData, SendResult } from './send-result.js';

/** What the stub recorded. */
export interface StubRecord {
  readonly sent: unknown[];
  readonly logs: (LogFields & { level: LogLevel })[];
  readonly closes: { code: number; reason: string }[];
  pings: number;
}

/** A fake connection and the handles to drive it. */
export class ConnectionStub {
  readonly record: StubRecord = { sent: [], logs: [], closes: [], pings: 0 };
  readonly options: ConnectionOptions;
  consumer: MessageConsumer | undefined;
  activity = 0;
  open = true;
  /** Set to make `ping()` report the connection gone. */
  pingResult: SendResult = 'written';
  closeInfo: CloseInfo | undefined;
  heartbeat: unknown = undefined;

  /** The stub typed as the connection it stands in for. */
  readonly conn: WebSocketConnection;

  constructor(options: Partial<ConnectionOptions> = {}) {
    this.options = resolveConnectionOptions(options);
    this.conn = this.#fake();
  }

  #fake(): WebSocketConnection {
    const stub = this;
    const fake = {
      id: 'stub',
      get options() {
        return stub.options;
      },
      get isOpen() {
        return stub.open;
      },
      get closeInfo() {
        return stub.closeInfo;
      },
      send(data: SendData): SendResult {
        stub.record.sent.push(isMessage(data) ? (data.type === 'text' ? data.text : data.data) : data);
        return stub.open ? 'written' : 'closed';
      },
      sendJson(value: unknown): SendResult {
        const text = JSON.stringify(value) as string | undefined;
        if (text === undefined) throw new TypeError('not JSON');
        stub.record.sent.push(JSON.parse(text) as unknown);
        return stub.open ? 'written' : 'closed';
      },
      ping(): SendResult {
        stub.record.pings++;
        return stub.pingResult;
      },
      terminate(): void {
        stub.settle(1006, '');
      },
      get [kActivityCount]() {
        return stub.activity;
      },
      get [kHeartbeat]() {
        return stub.heartbeat;
      },
      set [kHeartbeat](value: unknown) {
        stub.heartbeat = value;
      },
      [kAttachConsumer](consumer: MessageConsumer) {
        stub.consumer = consumer;
      },
      [kCork](fn: () => void) {
        fn();
      },
      [kLogEvent](level: LogLevel, fields: LogFields) {
        stub.record.logs.push({ ...fields, level });
      },
      [kBeginClose](code: number, reason: string) {
        if (!stub.open) return;
        stub.open = false;
        stub.record.closes.push({ code, reason });
      },
    };
    return fake as unknown as WebSocketConnection;
  }

  /** Delivers a message as the connection would (through the attached consumer). */
  push(msg: Message): boolean {
    if (this.consumer === undefined) throw new Error('no consumer attached');
    this.activity++;
    const taken = this.consumer.push(msg);
    if (!taken && this.open) this.consumer.overflowed();
    return taken;
  }

  /** Ends the connection as the engine reports it: closed state, then the consumer's turn. */
  settle(code: number, reason: string): void {
    this.open = false;
    this.closeInfo = { code, reason, wasClean: code !== 1006, initiatedBy: 'client' };
    this.consumer?.closed();
  }

  /** Log lines with this event. */
  events(event: string): (LogFields & { level: LogLevel })[] {
    return this.record.logs.filter((line) => line.event === event);
  }
}

/** Resolves after pending promise callbacks ran. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise with its resolve and reject, for handlers a test finishes by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
