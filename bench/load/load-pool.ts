/**
 * A process of simulated users for `npm run bench:load`: real ChatClient instances (the core of
 * the mini-program and the console) over real `ws` WebSockets, each with its behaviour from the
 * campus mix. It measures delivery latency of every pushed message (the sender writes its clock
 * into the text; all processes share the machine's clock), counts what went wrong, and at the end
 * resyncs every client and returns what each holds, for the invariant check.
 */
import { performance } from 'node:perf_hooks';
import { type ChatClient, ChatClient as Client, MemoryStorage } from '../../client/index';
import { devLogin } from '../../client/testing/dev-login';
import { seededRandom } from '../../client/testing/fake-clock';
import { wsTransport } from '../../client/testing/ws-transport';
import { type ClientView, clientViewOf, type Expectations } from '../../test/support/invariants';
import { mapConcurrently } from '../clients/concurrency';
import { serve } from '../ipc';
import type { LoadUser } from './load-mix';

interface SimUser {
  readonly spec: LoadUser;
  readonly client: ChatClient;
  readonly random: () => number;
  readonly kept: string[];
  /** Where this user writes. */
  readonly writes: string[];
  /** Every conversation it has written to (admins write where students ask). */
  readonly wroteTo: Set<string>;
  readonly typed: Expectations['typed'][number][];
  readonly acked: Expectations['acked'][number][];
  readonly reported: Map<string, Map<number, number>>;
  opens: number;
}

export interface ConnectArgs {
  readonly websocket: string;
  readonly login: string;
  readonly users: readonly LoadUser[];
  /** Room conversation ids, by room index. */
  readonly rooms: readonly string[];
  readonly heartbeatMs: number;
  readonly seed: number;
}

export interface PhaseStats {
  readonly sent: number;
  /** Push delivery latencies (ms) of messages sent in the phase. */
  readonly latencies: number[];
}

export interface PoolCounters {
  readonly reconnects: number;
  readonly pingsSent: number;
  readonly errors: Record<string, number>;
}

const users: SimUser[] = [];
/** Admins reply in the support conversations they hear from. */
const recentSupport: string[] = [];
const phases = new Map<string, { sent: number; latencies: number[] }>();
const errors: Record<string, number> = {};
let pingsSent = 0;
let stopTraffic: (() => void) | undefined;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function count(key: string): void {
  errors[key] = (errors[key] ?? 0) + 1;
}

/** A pushed `message` frame: the latency of its phase, from the clock in its text. */
function onPush(data: string): void {
  const match = /"text":"load (\w+) [^"]* t=(\d+\.\d+)"/.exec(data);
  if (!match) return;
  const phase = phases.get(match[1] as string);
  phase?.latencies.push(now() - Number(match[2]));
  const conversation = /"conversationId":"(support:[^"]+)"/.exec(data)?.[1];
  if (conversation && !recentSupport.includes(conversation)) {
    recentSupport.push(conversation);
    if (recentSupport.length > 50) recentSupport.shift();
  }
}

function createUser(args: ConnectArgs, spec: LoadUser, index: number): SimUser {
  const random = seededRandom(args.seed * 7919 + index + 1);
  const own = `support:${spec.name}`;
  const room = spec.room !== undefined ? args.rooms[spec.room] : undefined;
  const kept = spec.role === 'admin' ? [] : room ? [own, room] : [own];
  const user: SimUser = {
    spec,
    random,
    kept,
    writes: spec.behaviour === 'room' && room ? [room] : spec.behaviour === 'chatter' ? [own] : [],
    wroteTo: new Set(),
    typed: [],
    acked: [],
    reported: new Map(),
    opens: 0,
    client: undefined as unknown as ChatClient,
  };
  const transport = wsTransport({
    observe(direction, data) {
      if (direction === 'out') {
        if (data === '{"action":"ping"}') pingsSent++;
        return;
      }
      if (data.startsWith('{"type":"message"')) onPush(data);
      else if (data.startsWith('{"type":"ack"')) {
        const ack = JSON.parse(data) as {
          id: string;
          message: { conversationId: string; seq: number; id: string };
        };
        user.acked.push({
          senderId: spec.name,
          clientId: ack.id,
          conversationId: ack.message.conversationId,
          seq: ack.message.seq,
          messageId: ack.message.id,
        });
      }
    },
  });
  const client = new Client({
    url: args.websocket,
    transport,
    session: () => devLogin(args.login, spec.name, spec.name, 15_000),
    storage: new MemoryStorage(),
    random,
    policy: { heartbeatIdleMs: args.heartbeatMs },
  });
  client.on('message', (message) => {
    if (!kept.includes(message.conversationId)) return;
    let seqs = user.reported.get(message.conversationId);
    if (!seqs) user.reported.set(message.conversationId, (seqs = new Map()));
    seqs.set(message.seq, (seqs.get(message.seq) ?? 0) + 1);
  });
  client.on('state', (state) => {
    if (state.status === 'online') user.opens++;
  });
  client.on('error', (event) => {
    const error = event.error as { code?: string; name?: string };
    count(`${event.kind} ${error?.code ?? error?.name ?? 'error'}`);
  });
  (user as { client: ChatClient }).client = client;
  return user;
}

async function until(what: string, deadline: number, done: () => boolean): Promise<void> {
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function send(user: SimUser, phase: string, conversationId: string): void {
  const stats = phases.get(phase);
  const text = `load ${phase} ${user.spec.name} #${user.typed.length + 1} t=${now().toFixed(3)}`;
  const entry = user.client.send(conversationId, text);
  user.wroteTo.add(conversationId);
  user.typed.push({ senderId: user.spec.name, clientId: entry.clientId, conversationId, text });
  if (stats) stats.sent++;
}

serve({
  /** Creates, starts and connects the users; resolves when all are online with their views. */
  async connect(args: ConnectArgs): Promise<number> {
    const created = args.users.map((spec, i) => createUser(args, spec, users.length + i));
    users.push(...created);
    await mapConcurrently(created.length, 20, async (i) => {
      const user = created[i] as SimUser;
      await user.client.start();
      await until(
        `${user.spec.name} is online`,
        Date.now() + 120_000,
        () => user.client.state.status === 'online',
      );
      for (const id of user.kept) await user.client.open(id);
    });
    return users.length;
  },

  /** Starts the traffic of a phase (every user per its behaviour) until `stopTraffic`. */
  startTraffic(args: {
    phase: string;
    chatEveryMs: number;
    roomEveryMs: number;
    adminEveryMs: number;
  }) {
    phases.set(args.phase, { sent: 0, latencies: [] });
    let running = true;
    const timers = new Set<NodeJS.Timeout>();
    const mean = (user: SimUser) =>
      user.spec.behaviour === 'desk'
        ? args.adminEveryMs
        : user.spec.behaviour === 'room'
          ? args.roomEveryMs
          : args.chatEveryMs;
    const next = (user: SimUser) => {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          if (!running) return;
          const targets = user.spec.role === 'admin' ? recentSupport : user.writes;
          const target = targets[Math.floor(user.random() * targets.length)];
          if (target) send(user, args.phase, target);
          next(user);
        },
        -Math.log(1 - user.random()) * mean(user),
      );
      timers.add(timer);
    };
    for (const user of users) if (user.spec.behaviour !== 'idle') next(user);
    stopTraffic = () => {
      running = false;
      for (const timer of timers) clearTimeout(timer);
    };
  },

  stopTraffic(): void {
    stopTraffic?.();
    stopTraffic = undefined;
  },

  phaseStats(phase: string): PhaseStats {
    const stats = phases.get(phase);
    return { sent: stats?.sent ?? 0, latencies: stats?.latencies ?? [] };
  },

  counters(): PoolCounters {
    return {
      reconnects: users.reduce((sum, u) => sum + Math.max(0, u.opens - 1), 0),
      pingsSent,
      errors,
    };
  },

  /**
   * Every outbox drained, then every client reconnects (which resyncs what it keeps) and catches
   * up with `lastSeqs`; returns each client's view and what everyone typed and was acked.
   */
  async finalViews(args: { lastSeqs: Record<string, number>; deadlineMs: number }) {
    const deadline = Date.now() + args.deadlineMs;
    const caughtUp = (user: SimUser) =>
      user.client.state.status === 'online' &&
      user.kept.every((id) => {
        const held = user.client.view(id).messages;
        const lastSeq = args.lastSeqs[id] ?? 0;
        return held.length === lastSeq && (held.at(-1)?.seq ?? 0) === lastSeq;
      });
    await mapConcurrently(users.length, 20, async (i) => {
      const user = users[i] as SimUser;
      user.client.stop();
      await user.client.start();
      await until(`${user.spec.name} caught up`, deadline, () => caughtUp(user)).catch(() =>
        count('final resync timed out'),
      );
      for (const id of user.kept) {
        while (user.client.view(id).hasOlder) await user.client.loadOlder(id, 200);
      }
    });
    const views: ClientView[] = users.map((user) =>
      clientViewOf(user.spec.name, user.client, user.kept, user.reported, user.wroteTo),
    );
    return {
      views,
      typed: users.flatMap((u) => u.typed),
      acked: users.flatMap((u) => u.acked),
    };
  },

  /** Whether every outbox is empty. */
  drained(): boolean {
    return users.every((u) =>
      [...u.kept, ...u.wroteTo].every((id) => u.client.view(id).pending.length === 0),
    );
  },

  /** Stops every client (their sockets close). */
  stopAll(): void {
    for (const user of users) user.client.stop();
  },

  cpuUsage: () => process.cpuUsage(),
});
