/**
 * The sidebar's model: the user's conversations (a student's support conversation and joined
 * rooms; the admin inbox of support conversations and the rooms) with previews, unread counts and
 * who is online, kept current from conversation summaries, new messages and presence frames, plus
 * the directory of every room for joining. Pure: no DOM, unit-tested on Node.
 */
import {
  byLongestWaiting,
  type ChatMessage,
  type ConversationSummary,
  type DeskState,
  type DeskStateFrame,
  type PresenceFrame,
  previewText,
  type Translator,
  waitingAfter,
} from '../../../client/index';

export interface ListItem {
  readonly id: string;
  readonly kind: 'support' | 'room';
  readonly title: string;
  /** `Sender: text`, or empty when there is no message yet. */
  readonly preview: string;
  /** ISO 8601 of the last message (or creation); the list is sorted by it, newest first. */
  readonly lastActivityAt: string;
  readonly lastSeq: number;
  readonly unread: number;
  /** Support conversations in an admin's inbox: whether the student is connected. */
  readonly online: boolean;
  readonly joined: boolean;
  readonly memberCount: number;
  /** Support conversations: the desk state, owner and waiting-since (protocol/desk.ts). */
  readonly deskState?: DeskState;
  readonly ownerName?: string;
  readonly ownerId?: string;
  /** ISO 8601 of the student's oldest unanswered message. */
  readonly waitingSince?: string;
}

/** A room of the directory, with its unread count when the user is a member. */
export interface RoomEntry {
  readonly id: string;
  readonly title: string;
  readonly joined: boolean;
  readonly memberCount: number;
  readonly unread: number;
  readonly lastActivityAt: string;
}

function itemOf(tr: Translator, summary: ConversationSummary): ListItem {
  const last = summary.lastMessage;
  return {
    id: summary.id,
    kind: summary.kind,
    title: summary.title,
    preview: last ? previewText(tr, last) : '',
    lastActivityAt: summary.lastActivityAt,
    lastSeq: summary.lastSeq,
    unread: summary.unread,
    online: summary.online === true,
    joined: summary.kind === 'support' || summary.joined === true,
    memberCount: summary.memberCount ?? 0,
    ...(summary.deskState !== undefined ? { deskState: summary.deskState } : {}),
    ...(summary.ownerName !== undefined ? { ownerName: summary.ownerName } : {}),
    ...(summary.ownerId !== undefined ? { ownerId: summary.ownerId } : {}),
    ...(summary.waitingSince !== undefined ? { waitingSince: summary.waitingSince } : {}),
  };
}

function newestFirst<T extends { readonly lastActivityAt: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) =>
    a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : 0,
  );
}

export class ConversationList {
  private readonly items = new Map<string, ListItem>();
  private directory: ConversationSummary[] = [];
  /** The admin inbox's next page, when there is one. */
  cursor: string | undefined;
  /** Admins with a desk filter: support conversations sort by waiting time, not activity. */
  byWaiting = false;

  constructor(private readonly tr: Translator) {}

  /** Replaces the list with a first page of `conversations`. */
  replace(summaries: readonly ConversationSummary[], cursor?: string): void {
    this.items.clear();
    this.append(summaries, cursor);
  }

  /** Adds a further page of the admin inbox. */
  append(summaries: readonly ConversationSummary[], cursor?: string): void {
    for (const summary of summaries) this.items.set(summary.id, itemOf(this.tr, summary));
    this.cursor = cursor;
  }

  /** Replaces the room directory (the `rooms` reply). */
  setRooms(rooms: readonly ConversationSummary[]): void {
    this.directory = [...rooms];
  }

  get(id: string): ListItem | undefined {
    return this.items.get(id);
  }

  /**
   * A message new to this client. Updates preview and order; counts it unread unless it is the
   * user's own or `seen` (its conversation is open in a visible page). Returns false when the
   * conversation is not in the list (a student's first message to the desk): fetch the list.
   */
  message(message: ChatMessage, me: string, seen: boolean): boolean {
    const item = this.items.get(message.conversationId);
    if (!item) return false;
    // Older history loaded into an open conversation changes nothing here.
    if (message.seq <= item.lastSeq) return true;
    const counts = message.senderId !== me && !seen;
    // The desk calls a support conversation by the student's current name (they may rename).
    const renamed =
      item.kind === 'support' && message.conversationId === `support:${message.senderId}`;
    this.items.set(item.id, {
      ...item,
      ...(renamed && message.senderId !== me ? { title: message.senderName } : {}),
      preview: previewText(this.tr, message),
      lastActivityAt: message.sentAt > item.lastActivityAt ? message.sentAt : item.lastActivityAt,
      lastSeq: message.seq,
      unread: message.senderId === me ? 0 : item.unread + (counts ? 1 : 0),
      ...waitingAfter(item, message),
    });
    return true;
  }

  /** Replaces the support conversations (a desk inbox page), keeping the rooms. */
  replaceSupport(summaries: readonly ConversationSummary[], cursor?: string): void {
    for (const [id, item] of this.items) if (item.kind === 'support') this.items.delete(id);
    this.append(summaries, cursor);
  }

  /**
   * A desk state change of a listed conversation. Returns false when the conversation is not
   * listed (nothing changed here).
   */
  deskState(frame: DeskStateFrame): boolean {
    const item = this.items.get(frame.conversationId);
    if (!item) return false;
    const { ownerName: _name, ownerId: _id, ...rest } = item;
    this.items.set(item.id, {
      ...rest,
      deskState: frame.state,
      ...(frame.ownerName !== undefined ? { ownerName: frame.ownerName } : {}),
      ...(frame.ownerId !== undefined ? { ownerId: frame.ownerId } : {}),
    });
    return true;
  }

  /** Drops a conversation from the list (it left the inbox's filter). */
  remove(id: string): void {
    this.items.delete(id);
  }

  /** The user has read a conversation to its end. Returns whether anything changed. */
  markRead(id: string): boolean {
    const item = this.items.get(id);
    if (!item || item.unread === 0) return false;
    this.items.set(id, { ...item, unread: 0 });
    return true;
  }

  /** A student's first connection opened or last one closed. Returns whether anything changed. */
  presence(frame: PresenceFrame): boolean {
    if (frame.event !== 'online' && frame.event !== 'offline') return false;
    const item = this.items.get(frame.conversationId);
    const online = frame.event === 'online';
    if (!item || item.online === online) return false;
    this.items.set(item.id, { ...item, online });
    return true;
  }

  /** Support conversations, newest activity first (a student's one, or the admin inbox). */
  support(): ListItem[] {
    const support = [...this.items.values()].filter((i) => i.kind === 'support');
    return this.byWaiting ? byLongestWaiting(support) : newestFirst(support);
  }

  /**
   * Every room: those the user joined first (newest activity first), then the others by title.
   * Unread counts come from the conversation list, membership from whichever knows it.
   */
  rooms(): RoomEntry[] {
    const entries = new Map<string, RoomEntry>();
    for (const room of this.directory) {
      entries.set(room.id, {
        id: room.id,
        title: room.title,
        joined: room.joined === true,
        memberCount: room.memberCount ?? 0,
        unread: 0,
        lastActivityAt: room.lastActivityAt,
      });
    }
    for (const item of this.items.values()) {
      if (item.kind !== 'room') continue;
      const known = entries.get(item.id);
      entries.set(item.id, {
        id: item.id,
        title: item.title,
        joined: item.joined || known?.joined === true,
        memberCount: Math.max(item.memberCount, known?.memberCount ?? 0),
        unread: item.joined ? item.unread : 0,
        lastActivityAt: item.lastActivityAt,
      });
    }
    const all = [...entries.values()];
    const joined = newestFirst(all.filter((r) => r.joined));
    const others = all.filter((r) => !r.joined).sort((a, b) => a.title.localeCompare(b.title));
    return [...joined, ...others];
  }

  /** Unread messages in all the user's conversations (for the page title). */
  totalUnread(): number {
    let total = 0;
    for (const item of this.items.values()) if (item.joined) total += item.unread;
    return total;
  }
}
