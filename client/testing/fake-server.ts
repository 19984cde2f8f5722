/**
 * A small in-memory stand-in for the chat backend, for unit tests of the client core only (the
 * integration tests use the real local stack). It follows docs/protocol.md for the frames the
 * core uses: idempotent `sendmessage` acks, `sync` with after/before/limit/hasMore, `ping`.
 * Replies go out asynchronously, as over a network; a test can hold or drop them.
 */
import { type ChatMessage, skippedMessage } from '../../protocol/server-frames';
import type { FakeSocket, FakeTransport } from './fake-transport';

type Frame = Record<string, unknown>;

/** What the fake server stores; share it between two servers to model one backend across an app restart. */
export class FakeServerState {
  readonly stored = new Map<string, ChatMessage[]>();
  readonly byClientId = new Map<string, ChatMessage>();
}

export class FakeServer {
  /**
   * Decide per frame: 'drop' loses it on the way in, 'noReply' processes it but loses the reply,
   * an object answers with that instead.
   */
  intercept:
    ((frame: Frame, socket: FakeSocket) => 'drop' | 'noReply' | object | undefined) | undefined;
  /** Opens every new socket automatically (on the next turn). */
  autoOpen = true;
  private sockets: FakeSocket[] = [];

  constructor(
    transport: FakeTransport,
    readonly state = new FakeServerState(),
    private readonly user = { id: 'alice', name: 'Alice', role: 'student' as const },
  ) {
    transport.onSocket = (socket) => {
      this.sockets.push(socket);
      socket.onSend = (frame) => this.handle(frame, socket);
      if (this.autoOpen) void Promise.resolve().then(() => socket.live && socket.open());
    };
  }

  messages(conversationId: string): ChatMessage[] {
    return this.state.stored.get(conversationId) ?? [];
  }

  /** Seqs taken but not yet readable (`conversationId#seq`): `sync` leaves them out. */
  private readonly holes = new Set<string>();

  /**
   * Takes the next seq as a room send that died does: nothing readable there until `fillHoles`
   * writes its `skipped` filler (as the real server's repair does once the hole is old).
   */
  reserveHole(conversationId: string): number {
    const list = this.state.stored.get(conversationId) ?? [];
    const seq = list.length + 1;
    list.push(
      skippedMessage(
        conversationId,
        seq,
        new Date(Date.UTC(2026, 10, 21) + list.length * 1000).toISOString(),
      ),
    );
    this.state.stored.set(conversationId, list);
    this.holes.add(`${conversationId}#${seq}`);
    return seq;
  }

  /** Makes every reserved hole readable as its filler. */
  fillHoles(): void {
    this.holes.clear();
  }

  /** Stores a message from someone else; pushes it to open sockets unless `push` is false. */
  deliver(conversationId: string, text: string, push = true, senderId = 'admin'): ChatMessage {
    const message = this.store(conversationId, text, `other-${Math.random()}`, {
      id: senderId,
      name: senderId,
      role: 'admin',
    });
    if (push) {
      for (const socket of this.sockets)
        if (socket.live && socket.opened) socket.receive({ type: 'message', message });
    }
    return message;
  }

  private store(
    conversationId: string,
    text: string,
    clientId: string,
    sender: { id: string; name: string; role: 'student' | 'admin' },
  ): ChatMessage {
    const list = this.state.stored.get(conversationId) ?? [];
    const message: ChatMessage = {
      id: `m-${conversationId}-${list.length + 1}`,
      clientId,
      conversationId,
      seq: list.length + 1,
      senderId: sender.id,
      senderName: sender.name,
      senderRole: sender.role,
      text,
      sentAt: new Date(Date.UTC(2026, 10, 21) + list.length * 1000).toISOString(),
    };
    list.push(message);
    this.state.stored.set(conversationId, list);
    this.state.byClientId.set(`${sender.id}#${clientId}`, message);
    return message;
  }

  private handle(frame: Frame, socket: FakeSocket): void {
    const override = this.intercept?.(frame, socket);
    if (override === 'drop') return;
    const reply = typeof override === 'object' ? override : this.answer(frame);
    if (reply && override !== 'noReply')
      void Promise.resolve().then(() => socket.live && socket.receive(reply));
  }

  private answer(frame: Frame): object | undefined {
    const id = frame.id as string | undefined;
    switch (frame.action) {
      case 'ping':
        return { type: 'pong' };
      case 'sendmessage': {
        const clientId = frame.id as string;
        const conversationId = frame.conversationId as string;
        const message =
          this.state.byClientId.get(`${this.user.id}#${clientId}`) ??
          this.store(conversationId, frame.text as string, clientId, this.user);
        return { type: 'ack', id, message };
      }
      case 'sync': {
        const conversationId = frame.conversationId as string;
        const after = (frame.after as number | undefined) ?? 0;
        const before = frame.before as number | undefined;
        const limit = (frame.limit as number | undefined) ?? 50;
        const range = this.messages(conversationId).filter(
          (m) =>
            m.seq > after &&
            (before === undefined || m.seq < before) &&
            !this.holes.has(`${conversationId}#${m.seq}`),
        );
        const page = before === undefined ? range.slice(0, limit) : range.slice(-limit);
        return {
          type: 'history',
          id,
          conversationId,
          messages: page,
          hasMore: range.length > page.length,
        };
      }
      case 'conversations':
        return { type: 'conversations', id, conversations: [] };
      case 'rooms':
        return { type: 'rooms', id, rooms: [] };
      default:
        return undefined;
    }
  }
}
