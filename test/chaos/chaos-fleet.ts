/**
 * The users of a chaos run: real ChatClient instances (the core the mini-program and the console
 * use) over real `ws` WebSockets, logged in through the real POST /login. Each member records what
 * it typed, every ack that reached it, and how often it reported each message, so the invariant
 * can be checked from every client's view.
 */
import type { ChatClient } from '../../client/chat-client';
import type { ChatMessage } from '../../client/index';
import { ChatClient as Client, MemoryStorage } from '../../client/index';
import type { ConnectionPolicy } from '../../client/policy';
import { devLogin } from '../../client/testing/dev-login';
import { seededRandom } from '../../client/testing/fake-clock';
import { wsTransport } from '../../client/testing/ws-transport';
import { type ClientView, clientViewOf, type Expectations } from '../support/invariants';

export interface FleetMember {
  readonly index: number;
  readonly name: string;
  readonly role: 'student' | 'admin';
  readonly client: ChatClient;
  readonly random: () => number;
  /** Conversations this member keeps open (and may write to). */
  readonly kept: Set<string>;
  readonly typed: Expectations['typed'][number][];
  readonly acked: Expectations['acked'][number][];
  /** conversationId -> seq -> times reported through the `message` event. */
  readonly reported: Map<string, Map<number, number>>;
  /** Handshakes opened (the first one and every reconnect). */
  opens: number;
  /** Errors the client reported (`error` events): kind, conversation and code. */
  readonly errors: string[];
}

export interface FleetOptions {
  /** The WebSocket URL clients dial (the network fault proxy). */
  readonly websocketUrl: string;
  /** POST /login of the stack (same port across gateway restarts). */
  readonly loginUrl: string;
  readonly policy: Partial<ConnectionPolicy>;
  readonly seed: number;
}

/** Text edge cases the messages carry, so "stored exactly as sent" is checked under faults too. */
const FLAVOURS = [
  '',
  ' 🎓📚',
  ' שלום עולם',
  ' zero\u200bwidth\u200d',
  ' <img src=x onerror=alert(1)>',
  ' e\u0301\u0301 combining',
  '  leading and trailing spaces  ',
  ' 图书馆三楼',
];

/** Creates a member (not started). */
export function createMember(
  options: FleetOptions,
  index: number,
  name: string,
  role: 'student' | 'admin',
): FleetMember {
  const random = seededRandom(options.seed * 7919 + index + 1);
  const member: FleetMember = {
    index,
    name,
    role,
    random,
    kept: new Set(),
    typed: [],
    acked: [],
    reported: new Map(),
    opens: 0,
    errors: [],
    client: undefined as unknown as ChatClient,
  };
  const transport = wsTransport({
    observe(direction, data) {
      if (direction === 'in' && data.startsWith('{"type":"ack"')) {
        const ack = JSON.parse(data) as { id: string; message: ChatMessage };
        member.acked.push({
          senderId: name,
          clientId: ack.id,
          conversationId: ack.message.conversationId,
          seq: ack.message.seq,
          messageId: ack.message.id,
        });
      }
    },
  });
  const client = new Client({
    url: `${options.websocketUrl}?chaos=${index}`,
    transport,
    session: () => devLogin(options.loginUrl, name, name, 5000),
    storage: new MemoryStorage(),
    random,
    policy: options.policy,
  });
  client.on('message', (message) => {
    if (!member.kept.has(message.conversationId)) return;
    let seqs = member.reported.get(message.conversationId);
    if (!seqs) member.reported.set(message.conversationId, (seqs = new Map()));
    seqs.set(message.seq, (seqs.get(message.seq) ?? 0) + 1);
  });
  client.on('error', (event) => {
    const error = event.error as { name?: string; code?: string; message?: string };
    member.errors.push(
      `${event.kind} ${event.conversationId ?? ''} ${error?.name ?? ''} ${error?.code ?? ''} ${error?.message ?? ''}`,
    );
  });
  client.on('state', (state) => {
    if (state.status === 'online') member.opens++;
  });
  (member as { client: ChatClient }).client = client;
  return member;
}

/** Opens a conversation and keeps it. */
export async function keep(member: FleetMember, conversationId: string): Promise<void> {
  member.kept.add(conversationId);
  await member.client.open(conversationId);
}

/** Types a message into one of the member's conversations. */
export function typeMessage(member: FleetMember, conversationId: string, note = ''): void {
  const flavour = FLAVOURS[Math.floor(member.random() * FLAVOURS.length)] ?? '';
  const text = `${member.name} #${member.typed.length + 1}${note}${flavour}`;
  const entry = member.client.send(conversationId, text);
  member.typed.push({ senderId: member.name, clientId: entry.clientId, conversationId, text });
}

/** Unsent outbox entries of a member (every conversation it keeps). */
export function unsent(member: FleetMember): { clientId: string; state: string }[] {
  return [...member.kept].flatMap((id) =>
    member.client.view(id).pending.map((p) => ({ clientId: p.clientId, state: p.state })),
  );
}

/** What the member holds and reported, for the invariant. */
export function viewOf(member: FleetMember): ClientView {
  return clientViewOf(member.name, member.client, member.kept, member.reported);
}

/**
 * Random traffic until stopped: each member types into one of its conversations after an
 * exponentially distributed pause with the given mean (drawn from its own seeded RNG).
 */
export function startTraffic(
  members: readonly FleetMember[],
  meanPauseMs: (member: FleetMember) => number,
  writable: (member: FleetMember) => readonly string[],
): () => void {
  let running = true;
  const timers = new Set<NodeJS.Timeout>();
  const next = (member: FleetMember) => {
    const pause = -Math.log(1 - member.random()) * meanPauseMs(member);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!running) return;
      const targets = writable(member);
      const target = targets[Math.floor(member.random() * targets.length)];
      if (target) typeMessage(member, target);
      next(member);
    }, pause);
    timers.add(timer);
  };
  members.forEach(next);
  return () => {
    running = false;
    for (const timer of timers) clearTimeout(timer);
  };
}
