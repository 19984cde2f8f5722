/**
 * ChatClient: the platform-neutral chat client the mini-program and the browser console share.
 * It owns one Connection (socket lifecycle), the persisted Outbox and its sender, the open
 * conversations' timelines and their resync, typing and read marks, and exposes typed events for
 * the UI. The platform supplies a Transport, a SessionProvider and a KeyValueStorage.
 */

import type { ErrorCode } from '../functions/protocol/error-codes';
import type {
  ChatMessage,
  ConversationSummary,
  HistoryFrame,
  PresenceFrame,
  ReadNoticeFrame,
  ServerFrame,
} from '../functions/protocol/server-frames';
import { type Clock, systemClock, TimerSlot } from './clock';
import { Connection, type ConnectionState } from './connection';
import { ConversationSync, PAGE_SIZE, type SyncRequest } from './conversation-sync';
import { Emitter } from './emitter';
import {
  ConnectionLostError,
  InvalidTextError,
  ProtocolError,
  RequestTimeoutError,
} from './errors';
import { readFrame } from './frames';
import { newClientId, newRequestId } from './ids';
import { Outbox, type OutboxEntry } from './outbox';
import { OutboxSender } from './outbox-sender';
import { type ConnectionPolicy, DEFAULT_POLICY } from './policy';
import { PendingRequests } from './requests';
import type { SessionProvider, SessionUser } from './session';
import type { KeyValueStorage } from './storage';
import { messageTextProblem } from './text';
import type { Transport } from './transport';
import { IncomingTyping, OutgoingTyping, type TypingUser } from './typing';

export interface ChatClientOptions {
  /** WebSocket URL without the token (`wss://chat.example.edu.cn/`, `ws://127.0.0.1:3000/local`). */
  readonly url: string;
  readonly transport: Transport;
  readonly session: SessionProvider;
  /** Where the outbox is persisted. */
  readonly storage: KeyValueStorage;
  /** Storage key of the outbox (default `campus-chat.outbox`). */
  readonly storageKey?: string;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Overrides of the connection policy (heartbeat, backoff…); see DEFAULT_POLICY. */
  readonly policy?: Partial<ConnectionPolicy>;
}

/** What the UI renders for one open conversation. */
export interface ConversationView {
  readonly conversationId: string;
  /** Whether the newest page has been loaded. */
  readonly loaded: boolean;
  /** Whether older messages can be loaded with `loadOlder`. */
  readonly hasOlder: boolean;
  /** Stored messages, ascending seq, each once. */
  readonly messages: readonly ChatMessage[];
  /** The user's messages not yet acknowledged, in the order typed. */
  readonly pending: readonly OutboxEntry[];
  readonly typing: readonly TypingUser[];
  /** Read positions others reported while this client was connected (userId -> seq). */
  readonly readers: ReadonlyMap<string, number>;
}

export interface ChatClientErrorEvent {
  /** session: login failed; sync: a conversation could not be loaded; server: an unsolicited error. */
  readonly kind: 'session' | 'sync' | 'server';
  readonly conversationId?: string;
  readonly error: unknown;
}

export interface ChatClientEvents {
  state: [ConnectionState];
  /** A message new to this client (pushed, acked or synced), in any conversation. */
  message: [ChatMessage];
  /** The view of an open conversation changed (messages, pending, typing, readers). */
  conversation: [string];
  /** Who is typing in a conversation changed. */
  typing: [{ readonly conversationId: string; readonly users: readonly TypingUser[] }];
  read: [ReadNoticeFrame];
  presence: [PresenceFrame];
  error: [ChatClientErrorEvent];
}

export class ChatClient {
  private readonly emitter = new Emitter<ChatClientEvents>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly policy: ConnectionPolicy;
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly sender: OutboxSender;
  private readonly sync: ConversationSync;
  private readonly pending: PendingRequests;
  private readonly typingIn: IncomingTyping;
  private readonly typingOut: OutgoingTyping;
  private readonly readers = new Map<string, Map<string, number>>();
  private readonly readWanted = new Map<string, number>();
  private readonly readSent = new Map<string, number>();
  private readonly latestSeen = new Map<string, number>();
  private readonly onlineWaiters = new Set<{ resolve(): void; reject(error: Error): void }>();
  private readonly changedViews = new Set<string>();
  private batching = 0;
  private started: Promise<void> | undefined;
  private running = false;

  constructor(options: ChatClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.pending = new PendingRequests(this.clock);
    this.outbox = new Outbox(options.storage, options.storageKey ?? 'campus-chat.outbox');
    this.connection = new Connection({
      url: options.url,
      transport: options.transport,
      session: options.session,
      clock: this.clock,
      random: this.random,
      policy: this.policy,
      isQuiet: () => !this.sender.busy && this.pending.size === 0,
    });
    const send = (frame: object) => this.connection.send(frame);
    this.sender = new OutboxSender({
      outbox: this.outbox,
      clock: this.clock,
      random: this.random,
      policy: this.policy,
      send,
      changed: (id) => this.changed(id),
    });
    this.sync = new ConversationSync({
      clock: this.clock,
      sync: (request) => this.requestHistory(request),
      added: (conversationId, messages) => this.added(conversationId, messages),
      failed: (conversationId, error) =>
        this.emitter.emit('error', { kind: 'sync', conversationId, error }),
      online: () => this.connection.online,
    });
    this.typingIn = new IncomingTyping(this.clock, (conversationId) => {
      this.emitter.emit('typing', { conversationId, users: this.typingIn.users(conversationId) });
      this.changed(conversationId);
    });
    this.typingOut = new OutgoingTyping(this.clock, send);

    this.connection.on('state', (state) => this.emitter.emit('state', state));
    this.connection.on('open', () => this.opened());
    this.connection.on('closed', () => this.closed());
    this.connection.on('frame', (data) => this.batch(() => this.received(data)));
    this.connection.on('sessionError', (error) =>
      this.emitter.emit('error', { kind: 'session', error }),
    );
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ChatClientEvents>(
    event: K,
    listener: (...args: ChatClientEvents[K]) => void,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  /** Loads the persisted outbox and starts connecting. Await it before `send`. */
  start(): Promise<void> {
    if (!this.started) {
      this.running = true;
      this.started = (async () => {
        await this.outbox.load();
        if (this.running) this.connection.start();
      })();
    }
    return this.started;
  }

  /** Disconnects and stops every timer. Pending messages stay in storage for the next start. */
  stop(): void {
    this.running = false;
    this.started = undefined;
    this.connection.stop();
    this.sender.dispose();
    this.sync.dispose();
    this.typingIn.clear();
    this.typingOut.reset();
    this.pending.failAll(new ConnectionLostError('client stopped'));
    for (const waiter of [...this.onlineWaiters]) waiter.reject(new ConnectionLostError('stopped'));
    this.onlineWaiters.clear();
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** The logged-in user, once a session was obtained. */
  get user(): SessionUser | undefined {
    return this.connection.currentSession?.user;
  }

  /** See Connection.setNetworkAvailable. */
  setNetworkAvailable(available: boolean): void {
    this.connection.setNetworkAvailable(available);
  }

  /** See Connection.setForeground. */
  setForeground(foreground: boolean): void {
    this.connection.setForeground(foreground);
  }

  /** Connect now instead of waiting for the backoff (a "retry now" button). */
  reconnectNow(): void {
    this.connection.reconnectNow();
  }

  /** Starts keeping a conversation complete; resolves when its newest page is loaded. */
  open(conversationId: string): Promise<void> {
    return this.sync.open(conversationId);
  }

  /** Stops keeping a conversation. */
  close(conversationId: string): void {
    this.sync.close(conversationId);
  }

  /** What to render for a conversation (empty until opened). */
  view(conversationId: string): ConversationView {
    const timeline = this.sync.timeline(conversationId);
    return {
      conversationId,
      loaded: timeline?.loaded ?? false,
      hasOlder: timeline?.hasOlder ?? false,
      messages: timeline?.messages() ?? [],
      pending: this.outbox.forConversation(conversationId),
      typing: this.typingIn.users(conversationId),
      readers: this.readers.get(conversationId) ?? new Map(),
    };
  }

  /** Loads older messages of an open conversation (scroll-up); resolves with how many arrived. */
  loadOlder(conversationId: string, limit = PAGE_SIZE): Promise<number> {
    return this.sync.loadOlder(conversationId, limit);
  }

  /**
   * Queues a message and returns its pending entry at once. It is persisted, then sent (and
   * resent with the same id) until acknowledged. Throws InvalidTextError for a blank, malformed
   * or over-long text.
   */
  send(conversationId: string, text: string): OutboxEntry {
    if (!this.started) throw new Error('ChatClient.send before start()');
    const problem = messageTextProblem(text);
    if (problem) throw new InvalidTextError(problem);
    const now = this.clock.now();
    const entry: OutboxEntry = {
      clientId: newClientId(now, this.random),
      conversationId,
      text,
      createdAt: now,
      state: 'sending',
    };
    this.sender.enqueue(entry);
    this.typingOut.set(conversationId, false);
    this.changed(conversationId);
    return entry;
  }

  /** Sends a failed message again (same id, so it can never be stored twice). */
  retry(clientId: string): boolean {
    return this.sender.retry(clientId);
  }

  /** Drops a failed message. */
  discard(clientId: string): boolean {
    return this.sender.discard(clientId);
  }

  /** Reports that the user has seen a conversation up to `seq` (sent when connected). */
  markRead(conversationId: string, seq: number): void {
    const known = Math.max(
      this.readWanted.get(conversationId) ?? 0,
      this.readSent.get(conversationId) ?? 0,
    );
    if (seq <= known) return;
    this.readWanted.set(conversationId, seq);
    this.flushReads();
  }

  /** Call on every keystroke (true) and when the input is cleared or left (false). */
  setTyping(conversationId: string, typing: boolean): void {
    this.typingOut.set(conversationId, typing);
  }

  /** The conversation list (student: support + joined rooms; admin: a page of the inbox + rooms). */
  async conversations(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ conversations: ConversationSummary[]; cursor?: string }> {
    const reply = expect(
      await this.call({ action: 'conversations', ...options }, true),
      'conversations',
    );
    return reply.cursor === undefined
      ? { conversations: reply.conversations }
      : { conversations: reply.conversations, cursor: reply.cursor };
  }

  /** Every room, with `joined` for this user. */
  async rooms(): Promise<ConversationSummary[]> {
    return expect(await this.call({ action: 'rooms' }, true), 'rooms').rooms;
  }

  /** Creates a room (admins). Not resent after a lost connection: that could create two. */
  async createRoom(title: string): Promise<ConversationSummary> {
    return expect(await this.call({ action: 'createroom', title }, false), 'room').conversation;
  }

  /** Joins a room (idempotent). */
  async join(
    conversationId: string,
  ): Promise<{ conversation: ConversationSummary; online: number }> {
    const reply = expect(await this.call({ action: 'join', conversationId }, true), 'joined');
    return { conversation: reply.conversation, online: reply.online };
  }

  /** Leaves a room (idempotent) and stops keeping it. */
  async leave(conversationId: string): Promise<void> {
    expect(await this.call({ action: 'leave', conversationId }, true), 'left');
    this.close(conversationId);
  }

  private opened(): void {
    for (const waiter of [...this.onlineWaiters]) waiter.resolve();
    this.onlineWaiters.clear();
    this.flushReads();
    this.sender.pump();
    this.sync.resyncAll();
  }

  private closed(): void {
    this.pending.failAll(new ConnectionLostError('connection closed'));
    this.sender.connectionLost();
    this.typingOut.reset();
  }

  private received(data: string): void {
    const incoming = readFrame(data);
    if (incoming.kind === 'gatewayError') {
      // API Gateway failed an integration without saying which: retry whatever is outstanding.
      this.sender.gatewayFailed();
      this.pending.failAll(new ProtocolError('INTERNAL', incoming.message));
      return;
    }
    if (incoming.kind === 'unknown') return;
    const frame = incoming.frame;
    switch (frame.type) {
      case 'ack':
        this.accept(frame.message);
        this.sender.acked(frame);
        this.pending.settle(frame);
        return;
      case 'message':
        this.typingIn.stopped(frame.message.conversationId, frame.message.senderId);
        this.accept(frame.message);
        return;
      case 'error':
        if (this.sender.refused(frame) || this.pending.settle(frame)) return;
        this.emitter.emit('error', {
          kind: 'server',
          error: new ProtocolError(frame.code, frame.message, frame.retryAfterMs),
        });
        return;
      case 'typing':
        if (frame.userId !== this.user?.id) {
          this.typingIn.notice(frame.conversationId, frame.userId, frame.name, frame.typing);
        }
        return;
      case 'read':
        this.readNotice(frame);
        return;
      case 'presence':
        this.emitter.emit('presence', frame);
        return;
      case 'pong':
        return;
      default:
        this.pending.settle(frame);
    }
  }

  private accept(message: ChatMessage): void {
    this.sender.reconcile(message);
    const tracked = this.sync.timeline(message.conversationId);
    if (tracked) {
      this.added(message.conversationId, this.sync.accept(message));
      return;
    }
    // Not open: report each message once (by seq) for lists and badges.
    if (message.seq > (this.latestSeen.get(message.conversationId) ?? 0)) {
      this.latestSeen.set(message.conversationId, message.seq);
      this.emitter.emit('message', message);
    }
  }

  private added(conversationId: string, messages: readonly ChatMessage[]): void {
    if (messages.length === 0) return;
    for (const message of messages) {
      // A synced message may be one whose ack was lost: it completes the outbox entry.
      this.sender.reconcile(message);
      if (message.seq > (this.latestSeen.get(conversationId) ?? 0)) {
        this.latestSeen.set(conversationId, message.seq);
      }
      this.emitter.emit('message', message);
    }
    this.changed(conversationId);
  }

  private readNotice(frame: ReadNoticeFrame): void {
    let positions = this.readers.get(frame.conversationId);
    if (!positions) {
      positions = new Map();
      this.readers.set(frame.conversationId, positions);
    }
    if (frame.seq > (positions.get(frame.userId) ?? 0)) positions.set(frame.userId, frame.seq);
    this.emitter.emit('read', frame);
    this.changed(frame.conversationId);
  }

  private flushReads(): void {
    for (const [conversationId, seq] of this.readWanted) {
      if (seq <= (this.readSent.get(conversationId) ?? 0)) continue;
      if (this.connection.send({ action: 'read', conversationId, seq })) {
        this.readSent.set(conversationId, seq);
      }
    }
  }

  private async requestHistory(request: SyncRequest): Promise<HistoryFrame> {
    return expect(await this.call({ action: 'sync', ...request }, true), 'history');
  }

  /**
   * Sends a request and awaits its reply. Waits for a connection if there is none; with `resend`
   * a request cut off by a lost connection is sent again after the reconnect (only for requests
   * that are safe to repeat). Gives up after the request timeout.
   */
  private async call(frame: Record<string, unknown>, resend: boolean): Promise<ServerFrame> {
    const deadline = this.clock.now() + this.policy.requestTimeoutMs;
    for (;;) {
      await this.whenOnline(deadline);
      const id = newRequestId(this.clock.now(), this.random);
      const reply = this.pending.wait(id, Math.max(1, deadline - this.clock.now()));
      if (!this.connection.send({ ...frame, id })) {
        this.pending.fail(id, new ConnectionLostError('not connected'));
      }
      try {
        const answer = await reply;
        this.connection.checkPlannedReconnect();
        return answer;
      } catch (error) {
        if (resend && error instanceof ConnectionLostError && this.running) {
          if (this.clock.now() < deadline) continue;
        }
        throw error;
      }
    }
  }

  private whenOnline(deadline: number): Promise<void> {
    if (this.connection.online) return Promise.resolve();
    if (!this.running) return Promise.reject(new ConnectionLostError('client stopped'));
    return new Promise((resolve, reject) => {
      const timer = new TimerSlot(this.clock);
      const waiter = {
        resolve: () => {
          timer.clear();
          resolve();
        },
        reject: (error: Error) => {
          timer.clear();
          reject(error);
        },
      };
      this.onlineWaiters.add(waiter);
      timer.set(deadline - this.clock.now(), () => {
        this.onlineWaiters.delete(waiter);
        reject(new RequestTimeoutError('not connected'));
      });
    });
  }

  /** Runs `work`, emitting each changed conversation once at the end. */
  private batch(work: () => void): void {
    this.batching++;
    try {
      work();
    } finally {
      this.batching--;
      if (this.batching === 0) this.flushChanged();
    }
  }

  private changed(conversationId: string): void {
    this.changedViews.add(conversationId);
    if (this.batching === 0) this.flushChanged();
  }

  private flushChanged(): void {
    const ids = [...this.changedViews];
    this.changedViews.clear();
    for (const id of ids) this.emitter.emit('conversation', id);
  }
}

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** The reply narrowed to the expected type (anything else is a protocol violation). */
function expect<T extends ServerFrame['type']>(frame: ServerFrame, type: T): FrameOf<T> {
  if (frame.type !== type) {
    const code: ErrorCode = 'INTERNAL';
    throw new ProtocolError(code, `expected a ${type} reply, got ${frame.type}`);
  }
  return frame as FrameOf<T>;
}
