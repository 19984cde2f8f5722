/**
 * Typing indicators. Incoming: who is typing in each conversation, forgotten after a few seconds
 * without a refresh (a `typing:false` can be lost with a dropped connection). Outgoing: `typing:
 * true` at most every 3 s while the user types and `typing:false` after 5 s without a keystroke,
 * well under the server's limit (burst 5, then 1 per second).
 */
import type { ClientFrame } from '../protocol/client-frames';
import { type Clock, TimerSlot } from './clock';

export interface TypingUser {
  readonly userId: string;
  readonly name: string;
}

/** How long a typing notice stays shown without a refresh. */
export const TYPING_SHOWN_MS = 6000;
/** Outgoing: resend `typing:true` at most this often, and stop after this much silence. */
export const TYPING_RESEND_MS = 3000;
export const TYPING_IDLE_MS = 5000;

export class IncomingTyping {
  private readonly byConversation = new Map<
    string,
    Map<string, TypingUser & { timer: TimerSlot }>
  >();

  constructor(
    private readonly clock: Clock,
    private readonly changed: (conversationId: string) => void,
  ) {}

  users(conversationId: string): TypingUser[] {
    const users = this.byConversation.get(conversationId);
    return users ? [...users.values()].map(({ userId, name }) => ({ userId, name })) : [];
  }

  notice(conversationId: string, userId: string, name: string, typing: boolean): void {
    let users = this.byConversation.get(conversationId);
    const existing = users?.get(userId);
    if (!typing) {
      if (!existing) return;
      existing.timer.clear();
      users?.delete(userId);
      this.changed(conversationId);
      return;
    }
    if (!users) {
      users = new Map();
      this.byConversation.set(conversationId, users);
    }
    const timer = existing?.timer ?? new TimerSlot(this.clock);
    users.set(userId, { userId, name, timer });
    timer.set(TYPING_SHOWN_MS, () => this.notice(conversationId, userId, name, false));
    if (!existing || existing.name !== name) this.changed(conversationId);
  }

  /** A message from someone ends their typing. */
  stopped(conversationId: string, userId: string): void {
    const users = this.byConversation.get(conversationId);
    const existing = users?.get(userId);
    if (existing) this.notice(conversationId, userId, existing.name, false);
  }

  clear(): void {
    for (const users of this.byConversation.values())
      for (const user of users.values()) user.timer.clear();
    this.byConversation.clear();
  }
}

export class OutgoingTyping {
  private readonly sentAt = new Map<string, number>();
  private readonly idle = new Map<string, TimerSlot>();

  constructor(
    private readonly clock: Clock,
    private readonly send: (frame: ClientFrame) => boolean,
  ) {}

  set(conversationId: string, typing: boolean): void {
    let idle = this.idle.get(conversationId);
    if (!typing) {
      idle?.clear();
      if (this.sentAt.has(conversationId)) {
        this.sentAt.delete(conversationId);
        this.send({ action: 'typing', conversationId, typing: false });
      }
      return;
    }
    const now = this.clock.now();
    const last = this.sentAt.get(conversationId);
    if (last === undefined || now - last >= TYPING_RESEND_MS) {
      if (this.send({ action: 'typing', conversationId, typing: true })) {
        this.sentAt.set(conversationId, now);
      }
    }
    if (!idle) {
      idle = new TimerSlot(this.clock);
      this.idle.set(conversationId, idle);
    }
    idle.set(TYPING_IDLE_MS, () => this.set(conversationId, false));
  }

  /** After a reconnect the server has forgotten: start over. */
  reset(): void {
    for (const idle of this.idle.values()) idle.clear();
    this.sentAt.clear();
  }
}
