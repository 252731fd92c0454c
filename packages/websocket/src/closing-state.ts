import { CloseCode, type CloseInfo } from './close-codes.js';

/** Close and drain bookkeeping, allocated once a close starts or someone waits for one. */
export class ClosingState {
  code: number = CloseCode.NORMAL;
  reason = '';
  timer: NodeJS.Timeout | undefined = undefined;
  closed: Promise<CloseInfo> | undefined = undefined;
  resolveClosed: ((info: CloseInfo) => void) | undefined = undefined;
  drained: Promise<void> | undefined = undefined;
  resolveDrained: (() => void) | undefined = undefined;
}
