// A thread for threads-presence.test.ts: a threads bus (no engine, so the thread may end any
// way) driven by messages from the test: {id, call: 'start' | 'join' | 'leave' | 'members' |
// 'close' | 'crash', args}. Answers {id, result} or {id, error}; forwards every presence event
// it hears as {event}.
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { threadsBus } from '@kindling/websocket';

interface Call {
  readonly id: number;
  readonly call: 'start' | 'join' | 'leave' | 'members' | 'close' | 'crash';
  readonly args: readonly string[];
}

const port =
  parentPort ??
  (() => {
    throw new Error('threads-presence-worker runs in a worker thread');
  })();
const bus = threadsBus({ channel: (workerData as { channel: string }).channel });
const presence = bus.presence;
if (presence === undefined) throw new Error('the threads bus has presence');
presence.on((event) => port.postMessage({ event }));

async function run({ call, args: [topic = '', member = ''] }: Call): Promise<unknown> {
  switch (call) {
    case 'start':
      return bus.start({ deliver: () => undefined, log: pino({ enabled: false }) });
    case 'join':
      return presence?.join(topic, member, { from: 'worker' });
    case 'leave':
      return presence?.leave(topic, member);
    case 'members':
      return presence?.members(topic);
    case 'close':
      return bus.close();
    case 'crash':
      setImmediate(() => {
        throw new Error('crash in the presence worker');
      });
      return undefined;
  }
}

port.on('message', (message: Call) => {
  run(message).then(
    (result) => {
      port.postMessage({ id: message.id, result });
      // Nothing else holds the thread once its port is closed: it ends.
      if (message.call === 'close') port.close();
    },
    (err: unknown) => port.postMessage({ id: message.id, error: String(err) }),
  );
});
