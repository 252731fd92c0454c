// `npm run start:threads` as a process: two threads on one port, and the "here now" list of a
// client on one thread lists the members on the other (presence across threads).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@kindling/client';
import { WebSocket } from 'ws';
import type { ChatContract } from '../src/chat-events.js';

const SERVER = fileURLToPath(new URL('../src/threads.js', import.meta.url));
const token = 'secret';
const LIMIT_MS = 15_000;

// SO_REUSEPORT: uWS has it on every Node it loads on; node:http only from Node 22.12.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const reusePort = process.env['KINDLING_ENGINE'] !== 'node' || major > 22 || (major === 22 && minor >= 12);

type Line = Record<string, unknown>;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), LIMIT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Member {
  readonly client: Client<ChatContract>;
  readonly welcome: ChatContract['emits']['chat.welcome'];
  /** The presence node (thread) the member joined on. */
  readonly node: string;
}

test('two clients on different threads see each other in "here now"; a closed page leaves it', {
  skip: !reusePort && 'the node engine needs Node 22.12+ for reusePort',
  timeout: 120_000,
}, async () => {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: '0', THREADS: '2', CHAT_TOKEN: token, LOG_FORMAT: 'json', LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: Line[] = [];
  const watchers = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text) as Line);
    for (const watch of watchers) watch();
  });
  const waitLine = (match: (line: Line) => boolean, what: string) =>
    within(
      new Promise<Line>((resolve) => {
        const watch = () => {
          const found = lines.find(match);
          if (found === undefined) return;
          watchers.delete(watch);
          resolve(found);
        };
        watchers.add(watch);
        watch();
      }),
      what,
    );
  const opened: Client<ChatContract>[] = [];
  try {
    const { port } = (await waitLine((l) => l.event === 'serve.listening', 'serve.listening')) as { port: number };
    let next = 0;
    const join = async (): Promise<Member> => {
      const user = `u${next++}`;
      const client = createClient<ChatContract>(`ws://127.0.0.1:${port}/chat/lobby/${user}?token=${token}`, { WebSocket });
      opened.push(client);
      const welcome = await within(new Promise<Member['welcome']>((resolve) => client.on('chat.welcome', resolve)), `${user}'s welcome`);
      // Each thread logs the presence changes it hears; the join's own node says where it landed.
      const joined = await waitLine((l) => l.event === 'chat.presence' && l.type === 'join' && l.member === user, `${user}'s presence join`);
      return { client, welcome, node: String(joined.node) };
    };
    /** Joins until a member lands on a thread `wanted` accepts (the kernel spreads connections); closes the others. */
    const joinWhere = async (wanted: (node: string) => boolean): Promise<Member> => {
      for (let i = 0; i < 40; i++) {
        const member = await join();
        if (wanted(member.node)) return member;
        member.client.close();
      }
      throw new Error('no client landed on the wanted thread');
    };

    const a = await join();
    const aUser = a.welcome.user;
    const heardByA: string[] = [];
    a.client.on('chat.join', ({ user }) => heardByA.push(user));
    const b = await joinWhere((node) => node !== a.node);
    // The page on thread B lists the member on thread A, and A hears B arrive.
    assert.ok(b.welcome.members.includes(aUser), `${b.welcome.user}'s here-now ${b.welcome.members} lists ${aUser}`);
    assert.ok(b.welcome.members.includes(b.welcome.user));
    await within(
      new Promise<void>((resolve) => {
        if (heardByA.includes(b.welcome.user)) resolve();
        a.client.on('chat.join', ({ user }) => user === b.welcome.user && resolve());
      }),
      'chat.join of B on A',
    );
    // A page that lands on A's thread lists the member on B's thread too.
    const c = await joinWhere((node) => node === a.node);
    assert.ok(c.welcome.members.includes(b.welcome.user), `${c.welcome.user}'s here-now ${c.welcome.members} lists ${b.welcome.user} of the other thread`);
    assert.ok(c.welcome.members.includes(aUser));

    // B's page closes: A hears it leave, and A's thread drops B from presence.
    const bLeft = new Promise<void>((resolve) => a.client.on('chat.leave', ({ user }) => user === b.welcome.user && resolve()));
    b.client.close();
    await within(bLeft, 'chat.leave on A');
    for (const thread of [0, 1]) {
      await waitLine(
        (l) => l.event === 'chat.presence' && l.type === 'leave' && l.member === b.welcome.user && l.thread === thread,
        `the leave on thread ${thread}`,
      );
    }
    const d = await joinWhere((node) => node === a.node);
    assert.ok(!d.welcome.members.includes(b.welcome.user), `${d.welcome.user}'s here-now ${d.welcome.members} no longer lists ${b.welcome.user}`);
  } finally {
    for (const client of opened) client.close();
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});
