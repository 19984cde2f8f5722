/** The public types of the ChatClient: its options, what it renders, its events. */
import type { ImageUploadPort } from './image-upload';
import type { CannedRepliesListFrame, DeskStateFrame } from '../protocol/desk';
import type {
  ChatMessage,
  PresenceFrame,
  ReadNoticeFrame,
  RecalledFrame,
} from '../protocol/server-frames';
import type { StaffListFrame } from '../protocol/staff';
import type { Clock } from './clock';
import type { ConnectionState } from './connection';
import type { OutboxEntry } from './outbox';
import type { ConnectionPolicy } from './policy';
import type { SessionProvider } from './session';
import type { KeyValueStorage } from './storage';
import type { Transport } from './transport';
import type { TypingUser } from './typing';

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
  /** Posts pictures to upload slots (wx.uploadFile, fetch/XHR); without it sendImage fails. */
  readonly imageUploader?: ImageUploadPort;
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
  /**
   * How far the other side has read: the server's `peerReadSeq` (so it survives a reload), a
   * later live read notice from anyone but this user, or the seq of the newest message someone
   * else wrote (a reply means they read what came before). Own messages up to it show as read.
   */
  readonly peerReadSeq: number;
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
  /** A message became a tombstone (recalled by its sender or removed by an admin). */
  recalled: [RecalledFrame];
  error: [ChatClientErrorEvent];
  /** A support conversation's desk state changed (claim, release, transfer, resolve, reopen). */
  deskstate: [DeskStateFrame];
  /** Staff: the canned replies changed (the whole list). */
  cannedreplies: [CannedRepliesListFrame];
  /** Staff: the staff list changed (the whole list: a reply, or pushed after a change). */
  staff: [StaffListFrame];
  /** Upload progress (0…1) of an image message waiting in the outbox, by its clientId. */
  uploadProgress: [
    { readonly clientId: string; readonly conversationId: string; readonly fraction: number },
  ];
}
