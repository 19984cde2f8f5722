/** Builds a ChatClient on a fake clock, a fake transport, a fake server and in-memory storage. */
import { ChatClient } from '../chat-client';
import type { ConnectionState } from '../connection';
import type { ConnectionPolicy } from '../policy';
import type { Session } from '../session';
import { MemoryStorage } from '../storage';
import { FakeClock, seededRandom } from './fake-clock';
import { FakeServer, FakeServerState } from './fake-server';
import { FakeTransport } from './fake-transport';

export interface HarnessOptions {
  readonly storage?: MemoryStorage;
  readonly clock?: FakeClock;
  readonly random?: () => number;
  readonly policy?: Partial<ConnectionPolicy>;
  readonly tokenTtlMs?: number;
  readonly autoOpen?: boolean;
  /** Share with another harness: the same backend seen by a restarted app. */
  readonly serverState?: FakeServerState;
  /** Logins that never answer (a hung /login), by call number (1-based). */
  readonly hangingLogins?: readonly number[];
  /** Logins that fail (a /login error or no network), by call number (1-based). */
  readonly failingLogins?: readonly number[];
}

export function harness(options: HarnessOptions = {}) {
  const clock = options.clock ?? new FakeClock();
  const transport = new FakeTransport();
  const server = new FakeServer(transport, options.serverState ?? new FakeServerState());
  server.autoOpen = options.autoOpen ?? true;
  const storage = options.storage ?? new MemoryStorage();
  const logins: { fresh: boolean }[] = [];
  const session = async ({ fresh }: { fresh: boolean }): Promise<Session> => {
    logins.push({ fresh });
    if (options.hangingLogins?.includes(logins.length)) return new Promise<Session>(() => {});
    if (options.failingLogins?.includes(logins.length)) throw new Error('login failed');
    return {
      token: `token-${logins.length}`,
      expiresAt: clock.now() + (options.tokenTtlMs ?? 24 * 3600_000),
      user: { id: 'alice', name: 'Alice', role: 'student' },
    };
  };
  const client = new ChatClient({
    url: 'ws://gateway.test/local',
    transport,
    session,
    storage,
    clock,
    random: options.random ?? seededRandom(7),
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const states: ConnectionState[] = [];
  client.on('state', (state) => states.push(state));
  return { client, clock, transport, server, storage, logins, states };
}
