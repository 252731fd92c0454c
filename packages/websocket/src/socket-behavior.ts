import type { SocketUserData } from './connection/connection.js';
import type { EnginePublisher, EngineSocket, EngineSocketBehavior } from './engine-socket.js';
import { describeValue } from './received-value.js';

/** The uWS-level settings of the one behavior a hub serves. See {@link ConnectionHub.behavior}. */
export interface BehaviorOptions<TUpgrade = (...args: never[]) => void> {
  /** The engine's upgrade callback (in `@kindling/core`, the upgrade pipeline). */
  upgrade: TUpgrade;
  /**
   * uWS's hard frame limit: larger frames make uWS drop TCP without a close frame (the peer sees
   * 1006). Set it above every route's `maxPayloadLength` so those limits close with a real 1009.
   */
  maxPayloadLength: number;
  /** A `uWS.CompressOptions` value (`uWS.DISABLED`, `uWS.SHARED_COMPRESSOR`, ...). */
  compression: number;
  /**
   * uWS's own backpressure limit. A frame sent past it is dropped by uWS — including a close
   * frame — and `app.publish` skips subscribers over it. Set it above every route's
   * `maxBackpressure` (which Kindling enforces itself). `0` means no limit.
   */
  maxBackpressure: number;
}

/** What the hub does for each uWS event; every call is already guarded. */
export interface SocketEvents {
  open(ws: EngineSocket<SocketUserData>): void;
  message(ws: EngineSocket<SocketUserData>, frame: ArrayBuffer, isBinary: boolean): void;
  drain(ws: EngineSocket<SocketUserData>): void;
  activity(ws: EngineSocket<SocketUserData>): void;
  close(ws: EngineSocket<SocketUserData>, code: number, message: ArrayBuffer): void;
  /** The engine refused a frame from the peer and closes with `code` (see {@link EngineSocketBehavior.protocolError}). */
  protocolError(ws: EngineSocket<SocketUserData>, code: number, error: string, detail: string): void;
  /** Something threw inside a callback while `ws` was still usable. */
  failed(ws: EngineSocket<SocketUserData> | undefined, where: string, err: unknown): void;
}

/** Throws a `TypeError` for a behavior option uWS would misread or abort on. */
export function validateBehaviorOptions(options: BehaviorOptions<unknown>): void {
  if (typeof options.upgrade !== 'function') throw new TypeError('behavior(): upgrade must be a function');
  checkInteger('maxPayloadLength', options.maxPayloadLength, 1);
  checkInteger('maxBackpressure', options.maxBackpressure, 0);
  checkInteger('compression', options.compression, 0);
}

function checkInteger(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2 ** 32 - 1) {
    throw new TypeError(`behavior(): ${name} must be an integer from ${min} to ${2 ** 32 - 1}, got ${describeValue(value)}`);
  }
}

/**
 * Builds the engine behavior: the engine's idle timeout off (Kindling sweeps timeouts itself, and uWS
 * aborts the process on values other than 0 or 8-960 s), every callback wrapped so that an
 * exception is reported through `events.failed` and never reaches uWS or the process.
 */
export function createSocketBehavior<TUpgrade>(options: BehaviorOptions<TUpgrade>, events: SocketEvents): EngineSocketBehavior<SocketUserData, TUpgrade> {
  validateBehaviorOptions(options);
  return {
    idleTimeout: 0,
    sendPingsAutomatically: false,
    maxPayloadLength: options.maxPayloadLength,
    maxBackpressure: options.maxBackpressure,
    compression: options.compression,
    upgrade: options.upgrade,
    open(ws) {
      try {
        events.open(ws);
      } catch (err) {
        events.failed(ws, 'open', err);
      }
    },
    message(ws, frame, isBinary) {
      try {
        events.message(ws, frame, isBinary);
      } catch (err) {
        events.failed(ws, 'message', err);
      }
    },
    drain(ws) {
      try {
        events.drain(ws);
      } catch (err) {
        events.failed(ws, 'drain', err);
      }
    },
    ping(ws) {
      try {
        events.activity(ws);
      } catch (err) {
        events.failed(ws, 'ping', err);
      }
    },
    pong(ws) {
      try {
        events.activity(ws);
      } catch (err) {
        events.failed(ws, 'pong', err);
      }
    },
    protocolError(ws, code, error, detail) {
      try {
        events.protocolError(ws, code, error, detail);
      } catch (err) {
        events.failed(ws, 'protocolError', err);
      }
    },
    close(ws, code, message) {
      try {
        events.close(ws, code, message);
      } catch (err) {
        // The socket is closed: report without it.
        events.failed(undefined, 'close', err);
      }
    },
  };
}

/** The part of an engine the hub publishes through. */
export type Publisher = EnginePublisher;
