/**
 * ChatClient: the platform-neutral chat client the mini-program and the browser console share.
 * It owns one Connection (socket lifecycle), the persisted Outbox and its sender, the open
 * conversations' timelines and their resync, typing and read marks, and exposes typed events for
 * the UI. The platform supplies a Transport, a SessionProvider and a KeyValueStorage.
 */

import type { ClientFrame } from '../protocol/client-frames';
import type { ImageUrls } from '../protocol/images';
import { RECALL_WINDOW_SECONDS, type REPORT_REASONS } from '../protocol/limits';
import type {
  ChatMessage,
  ConversationSummary,
  HistoryFrame,
  MessageReport,
  ReadNoticeFrame,
  RecalledFrame,
  ReportStatus,
  SubscriptionStateFrame,
} from '../protocol/server-frames';
import type { SubscriptionFrame } from '../protocol/client-frames';
import type {
  ChatClientErrorEvent,
  ChatClientEvents,
  ChatClientOptions,
  ConversationView,
} from './chat-types';
import { AppStateReporter } from './app-state';
import { type Clock, systemClock } from './clock';
import { Connection, type ConnectionState } from './connection';
import { ConversationSync, PAGE_SIZE, type SyncRequest } from './conversation-sync';
import { Emitter } from './emitter';
import { ConnectionLostError, InvalidTextError, ProtocolError } from './errors';
import { readFrame } from './frames';
import { newClientId } from './ids';
import { Outbox, type OutboxEntry } from './outbox';
import { OutboxSender } from './outbox-sender';
import {
  checkLocalImage,
  type ImageUploadPort,
  type LocalImage,
  UploadFailedError,
  uploadImage,
} from './image-upload';
import { type ConnectionPolicy, DEFAULT_POLICY } from './policy';
import { ReadMarks } from './read-marks';
import { RequestChannel } from './request-channel';
import type { SearchResultsFrame } from '../protocol/search';
import { DeskRequests } from './desk-requests';
import type { SessionUser } from './session';
import { messageTextProblem, outgoingText } from './text';
import { IncomingTyping, OutgoingTyping } from './typing';
import { WebLoginRequests } from './web-login-requests';
import { StaffRequests } from './staff-requests';

/** Pages of rooms `rooms()` reads at most (100 rooms each by default). */
const MAX_ROOM_PAGES = 20;
export type { ChatClientErrorEvent, ChatClientEvents, ChatClientOptions, ConversationView };

export class ChatClient {
  private readonly emitter = new Emitter<ChatClientEvents>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly policy: ConnectionPolicy;
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly imageUploader: ImageUploadPort | undefined;
  private readonly sender: OutboxSender;
  private readonly sync: ConversationSync;
  private readonly requests: RequestChannel;
  private readonly reads: ReadMarks;
  private readonly typingIn: IncomingTyping;
  private readonly typingOut: OutgoingTyping;
  private readonly appState: AppStateReporter;
  private readonly latestSeen = new Map<string, number>();
  private readonly changedViews = new Set<string>();
  private batching = 0;
  private started: Promise<void> | undefined;
  private runs = 0;

  constructor(options: ChatClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.outbox = new Outbox(options.storage, options.storageKey ?? 'campus-chat.outbox');
    this.connection = new Connection({
      url: options.url,
      transport: options.transport,
      session: options.session,
      clock: this.clock,
      random: this.random,
      policy: this.policy,
      isQuiet: () => !this.sender.busy && this.requests.outstanding === 0,
    });
    const send = (frame: ClientFrame) => this.connection.send(frame);
    this.requests = new RequestChannel({
      clock: this.clock,
      random: this.random,
      timeoutMs: this.policy.requestTimeoutMs,
      online: () => this.connection.online,
      send,
      replied: () => this.connection.checkPlannedReconnect(),
      suspectDead: () => this.connection.checkAlive(),
    });
    this.reads = new ReadMarks(send);
    this.sender = new OutboxSender({
      outbox: this.outbox,
      clock: this.clock,
      random: this.random,
      policy: this.policy,
      send,
      changed: (id) => this.changed(id),
      suspectDead: () => this.connection.checkAlive(),
      ...(options.imageUploader
        ? { uploadImage: (entry, onProgress) => this.uploadPicture(entry, onProgress) }
        : {}),
      progress: (clientId, fraction) => {
        const entry = this.outbox.get(clientId);
        if (entry) {
          this.emitter.emit('uploadProgress', {
            clientId,
            conversationId: entry.conversationId,
            fraction,
          });
        }
      },
    });
    this.imageUploader = options.imageUploader;
    this.sync = new ConversationSync({
      clock: this.clock,
      sync: (request) => this.requestHistory(request),
      added: (conversationId, messages) => this.added(conversationId, messages),
      failed: (conversationId, error) =>
        this.emitter.emit('error', { kind: 'sync', conversationId, error }),
      online: () => this.connection.online,
      changed: (conversationId) => this.changed(conversationId),
    });
    this.typingIn = new IncomingTyping(this.clock, (conversationId) => {
      this.emitter.emit('typing', { conversationId, users: this.typingIn.users(conversationId) });
      this.changed(conversationId);
    });
    this.typingOut = new OutgoingTyping(this.clock, send);
    this.appState = new AppStateReporter(send);

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
      this.requests.resume();
      const run = ++this.runs;
      this.started = (async () => {
        await this.outbox.load();
        // Not if stop() came first.
        if (this.runs === run) this.connection.start();
      })();
    }
    return this.started;
  }

  /** Disconnects and stops every timer. Pending messages stay in storage for the next start. */
  stop(): void {
    this.runs++;
    this.started = undefined;
    this.connection.stop();
    this.sender.dispose();
    this.sync.dispose();
    this.typingIn.clear();
    this.typingOut.reset();
    this.requests.stop();
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

  /**
   * See Connection.setForeground. The server is told too (`appstate`), on the open socket: a
   * background connection does not count as the user being online, so the desk's reply comes as
   * a WeChat notification (app-state.ts).
   */
  setForeground(foreground: boolean): void {
    this.appState.set(foreground);
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
    // A `skipped` filler only keeps a room's seqs gap-free: nothing to show.
    const messages = (timeline?.messages() ?? []).filter((m) => m.kind !== 'skipped');
    const me = this.user?.id;
    // Someone who wrote at seq N has seen everything before it: a reply counts as read. The
    // desk's automatic reply is no one's reply: nobody read anything.
    let repliedAt = 0;
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i] as ChatMessage;
      if (message.senderId !== me && message.kind !== 'auto') {
        repliedAt = message.seq;
        break;
      }
    }
    return {
      conversationId,
      loaded: timeline?.loaded ?? false,
      hasOlder: timeline?.hasOlder ?? false,
      messages,
      pending: this.outbox.forConversation(conversationId),
      typing: this.typingIn.users(conversationId),
      readers: this.reads.readers(conversationId),
      peerReadSeq: Math.max(this.reads.readByOthers(conversationId, me), repliedAt),
    };
  }

  /** Loads older messages of an open conversation (scroll-up); resolves with how many arrived. */
  loadOlder(conversationId: string, limit = PAGE_SIZE): Promise<number> {
    return this.sync.loadOlder(conversationId, limit);
  }

  /**
   * Queues a message and returns its pending entry at once. It is persisted, then sent (and
   * resent with the same id) until acknowledged. Characters the server refuses (controls, bidi
   * overrides) are removed first. Throws InvalidTextError for a blank, malformed or over-long text.
   */
  /**
   * Queues an image message (with an optional caption) and returns its pending entry at once. It
   * is persisted with the picture's local path, uploaded (the key is persisted too), then sent
   * with the same idempotent id as a text until acknowledged; `uploadProgress` reports the upload.
   * Throws UploadFailedError for a type or size the server would refuse.
   */
  sendImage(conversationId: string, image: LocalImage, caption = ''): OutboxEntry {
    if (!this.started) throw new Error('ChatClient.sendImage before start()');
    checkLocalImage(image);
    const problem = caption === '' ? undefined : messageTextProblem(caption);
    if (problem) throw new InvalidTextError(problem);
    const now = this.clock.now();
    const entry: OutboxEntry = {
      clientId: newClientId(now, this.random),
      conversationId,
      text: caption === '' ? '' : outgoingText(caption),
      createdAt: now,
      state: 'sending',
      image: {
        localPath: image.localPath,
        contentType: image.contentType,
        size: image.size,
        width: image.width,
        height: image.height,
      },
    };
    this.sender.enqueue(entry);
    this.changed(conversationId);
    return entry;
  }

  /** The upload slot and the upload of an outbox entry's picture; resolves with the key. */
  private async uploadPicture(
    entry: OutboxEntry,
    onProgress: (fraction: number) => void,
  ): Promise<string> {
    const { image } = entry;
    if (!image || !this.imageUploader) throw new UploadFailedError('unsupported');
    const attachment = await uploadImage(
      (frame) => this.requests.call({ ...frame }, true),
      this.imageUploader,
      entry.conversationId,
      image,
      entry.clientId,
      onProgress,
    );
    return attachment.key;
  }

  send(conversationId: string, draft: string): OutboxEntry {
    if (!this.started) throw new Error('ChatClient.send before start()');
    const problem = messageTextProblem(draft);
    const text = outgoingText(draft);
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
    this.reads.mark(conversationId, seq);
  }

  /** Call on every keystroke (true) and when the input is cleared or left (false). */
  setTyping(conversationId: string, typing: boolean): void {
    this.typingOut.set(conversationId, typing);
  }

  /** The conversation list (student: support + joined rooms; admin: a page of the inbox + rooms). */
  async conversations(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ conversations: ConversationSummary[]; cursor?: string }> {
    const reply = await this.requests.call({ action: 'conversations', ...options }, true);
    this.batch(() => {
      for (const c of reply.conversations) this.peerRead(c.id, c.peerReadSeq);
    });
    return reply.cursor === undefined
      ? { conversations: reply.conversations }
      : { conversations: reply.conversations, cursor: reply.cursor };
  }

  /**
   * Every room, with `joined` for this user: page after page (each under the server's frame
   * budget), at most MAX_ROOM_PAGES of them.
   */
  async rooms(): Promise<ConversationSummary[]> {
    const rooms: ConversationSummary[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_ROOM_PAGES; page++) {
      const reply = await this.requests.call(
        { action: 'rooms', ...(cursor ? { cursor } : {}) },
        true,
      );
      rooms.push(...reply.rooms);
      cursor = reply.cursor;
      if (cursor === undefined) break;
    }
    return rooms;
  }

  /** Creates a room (admins). Not resent after a lost connection: that could create two. */
  async createRoom(title: string): Promise<ConversationSummary> {
    return (await this.requests.call({ action: 'createroom', title }, false)).conversation;
  }

  /** Joins a room (idempotent). */
  async join(
    conversationId: string,
  ): Promise<{ conversation: ConversationSummary; online: number }> {
    const reply = await this.requests.call({ action: 'join', conversationId }, true);
    return { conversation: reply.conversation, online: reply.online };
  }

  /** Leaves a room (idempotent) and stops keeping it. */
  async leave(conversationId: string): Promise<void> {
    await this.requests.call({ action: 'leave', conversationId }, true);
    this.close(conversationId);
  }

  /**
   * New download URLs for images of one conversation (at most IMAGE_URLS_MAX_KEYS keys); the
   * reply may leave keys out (frame budget): ask again for those. ImageUrlCache batches this.
   */
  async imageUrls(conversationId: string, keys: string[]): Promise<ImageUrls[]> {
    return (await this.requests.call({ action: 'imageurls', conversationId, keys }, true)).images;
  }

  /** Scan to log in from this phone: tickets and console sessions (web-login-requests.ts). */
  webLogins(): WebLoginRequests {
    return new WebLoginRequests(this.requests);
  }

  /** Staff: the desk's workflow and canned replies (desk-requests.ts). */
  desk(): DeskRequests {
    return new DeskRequests(this.requests);
  }

  /** Staff management and invitations (staff-requests.ts). */
  staff(): StaffRequests {
    return new StaffRequests(this.requests);
  }

  /**
   * Searches the messages the user may read (or one conversation's), newest first; resend
   * safely (a read). Pass the previous page's `cursor` to go on where its scan stopped.
   */
  search(
    query: string,
    options: { conversationId?: string; cursor?: string; limit?: number } = {},
  ): Promise<SearchResultsFrame> {
    return this.requests.call({ action: 'search', query, ...options }, true);
  }

  /**
   * Recalls the user's own message (within RECALL_WINDOW_SECONDS of sending; the server decides).
   * Idempotent, so it is resent after a lost connection. The held message becomes a tombstone.
   */
  async recall(conversationId: string, seq: number): Promise<RecalledFrame> {
    // The reply is applied as it arrives (received: the `recalled` case).
    return this.requests.call({ action: 'recall', conversationId, seq }, true);
  }

  /** Admins: removes any message (idempotent), with an optional reason for the record. */
  async remove(conversationId: string, seq: number, reason?: string): Promise<RecalledFrame> {
    return this.requests.call(
      { action: 'remove', conversationId, seq, ...(reason ? { reason } : {}) },
      true,
    );
  }

  /** Reports someone else's message to the desk (one report per message and reporter). */
  async report(
    conversationId: string,
    seq: number,
    reason: (typeof REPORT_REASONS)[number],
  ): Promise<string> {
    return (await this.requests.call({ action: 'report', conversationId, seq, reason }, true))
      .reportId;
  }

  /** Admins: a page of open reports, newest first. */
  async reports(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ reports: MessageReport[]; cursor?: string }> {
    const reply = await this.requests.call({ action: 'reports', ...options }, true);
    return reply.cursor === undefined
      ? { reports: reply.reports }
      : { reports: reply.reports, cursor: reply.cursor };
  }

  /** Admins: closes a report without removing the message (idempotent). */
  async dismissReport(reportId: string): Promise<ReportStatus> {
    return (await this.requests.call({ action: 'dismissreport', reportId }, true)).status;
  }

  /**
   * A subscribe-message standing (docs/protocol.md "Notifications"): records what
   * wx.requestSubscribeMessage answered (`result`) or the notification switch (`off`), or only
   * reads it. Resent after a lost connection: recording the same answer twice could count one
   * acceptance twice, so only reads and the switch are resent.
   */
  async subscription(
    request: Omit<SubscriptionFrame, 'action' | 'id'>,
  ): Promise<SubscriptionStateFrame> {
    const frame: SubscriptionFrame = { action: 'subscription', ...request };
    return this.requests.call(frame, request.result === undefined);
  }

  private opened(): void {
    this.appState.opened();
    this.requests.opened();
    this.reads.flush();
    this.sender.pump();
    this.sync.resyncAll();
  }

  private closed(): void {
    this.requests.failAll(new ConnectionLostError('connection closed'));
    this.sender.connectionLost();
    this.typingOut.reset();
  }

  private received(data: string): void {
    const incoming = readFrame(data);
    if (incoming.kind === 'gatewayError') {
      // API Gateway failed an integration without saying which: retry whatever is outstanding.
      this.sender.gatewayFailed();
      this.requests.failAll(new ProtocolError('INTERNAL', incoming.message));
      return;
    }
    if (incoming.kind === 'unknown') return;
    const frame = incoming.frame;
    switch (frame.type) {
      case 'ack':
        this.accept(frame.message);
        this.sender.acked(frame);
        this.requests.settle(frame);
        return;
      case 'message':
        this.typingIn.stopped(frame.message.conversationId, frame.message.senderId);
        this.accept(frame.message);
        return;
      case 'error':
        if (this.sender.refused(frame) || this.requests.settle(frame)) return;
        this.emitter.emit('error', {
          kind: 'server',
          error: new ProtocolError(frame.code, frame.message, frame.retryAfterMs, frame.label),
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
      case 'deskstate':
        this.requests.settle(frame);
        this.emitter.emit('deskstate', frame);
        return;
      case 'cannedreplies':
        this.requests.settle(frame);
        this.emitter.emit('cannedreplies', frame);
        return;
      case 'staff':
        this.requests.settle(frame);
        this.emitter.emit('staff', frame);
        return;
      case 'recalled':
        this.recalled(frame);
        this.requests.settle(frame);
        return;
      default:
        this.requests.settle(frame);
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
      if (message.kind !== 'skipped') this.emitter.emit('message', message);
    }
    this.changed(conversationId);
  }

  /** A message became a tombstone (a notice, or the reply to this client's recall/remove). */
  private recalled(frame: RecalledFrame): void {
    const timeline = this.sync.timeline(frame.conversationId);
    if (timeline?.takeDown(frame.seq, frame.recalled)) this.changed(frame.conversationId);
    this.emitter.emit('recalled', frame);
  }

  private readNotice(frame: ReadNoticeFrame): void {
    this.reads.notice(frame);
    this.emitter.emit('read', frame);
    this.changed(frame.conversationId);
  }

  private async requestHistory(request: SyncRequest): Promise<HistoryFrame> {
    const reply = await this.requests.call({ action: 'sync', ...request }, true);
    this.batch(() => this.peerRead(reply.conversationId, reply.peerReadSeq));
    return reply;
  }

  /** The server said how far the other side has read (conversations, history). */
  private peerRead(conversationId: string, seq: number | undefined): void {
    if (seq !== undefined && this.reads.peer(conversationId, seq)) this.changed(conversationId);
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

/** Whether `message` is the user's own and still inside the recall window (what to offer). */
export function canRecall(message: ChatMessage, userId: string | undefined, now: number): boolean {
  return (
    message.recalled === undefined &&
    message.senderId === userId &&
    now - Date.parse(message.sentAt) < RECALL_WINDOW_SECONDS * 1000
  );
}
