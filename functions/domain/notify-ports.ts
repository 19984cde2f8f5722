/**
 * What the notifier needs from the outside world: its bookkeeping and the credits in DynamoDB
 * (functions/adapters/dynamo-notifications.ts), who is online, and WeChat's subscribeMessage.send
 * (functions/adapters/wechat-subscribe-message.ts). No SDK or WeChat type crosses these.
 */

/** The templates this product sends; each is configured with a WeChat template id. */
export type TemplateKey = 'deskReplied' | 'studentWaiting';

export const TEMPLATE_KEYS: readonly TemplateKey[] = ['deskReplied', 'studentWaiting'];

/** What `wx.requestSubscribeMessage` answered for one template. */
export type SubscribeChoice = 'accept' | 'reject' | 'ban';

/** A user's standing with one template. */
export interface CreditState {
  /** One-time acceptances not yet spent. */
  readonly credits: number;
  /** The last choice the client reported. */
  readonly lastChoice?: SubscribeChoice;
  /** The user ticked "always keep this choice": later requests answer silently with lastChoice. */
  readonly alwaysKeep: boolean;
  /** The user turned notifications off in the chat (credits are kept, not spent). */
  readonly off: boolean;
}

export interface CreditStore {
  get(userId: string, template: TemplateKey): Promise<CreditState>;
  /** Records a client-reported choice; an acceptance adds one credit (at most `max`). */
  record(
    userId: string,
    template: TemplateKey,
    choice: SubscribeChoice,
    alwaysKeep: boolean,
    max: number,
  ): Promise<CreditState>;
  setOff(userId: string, template: TemplateKey, off: boolean): Promise<CreditState>;
  /** Spends one credit if there is one and notifications are on (one conditional update). */
  spend(userId: string, template: TemplateKey): Promise<boolean>;
  /** Gives back a credit spent on a send WeChat refused for a reason that is not the user's. */
  refund(userId: string, template: TemplateKey): Promise<void>;
  /** WeChat says the user has no subscription left (43101): the count was wrong, make it 0. */
  zero(userId: string, template: TemplateKey): Promise<void>;
}

export interface NotificationLedger {
  /**
   * Claims a notification key (one per message and recipient) for this attempt. False when it is
   * done, or claimed by another attempt within `leaseMs` (a concurrent duplicate delivery).
   */
  claim(key: string, now: number, leaseMs: number): Promise<boolean>;
  /** Marks a claimed key done with its outcome: it is never attempted again. */
  finish(key: string, outcome: string): Promise<void>;
  /** Drops a claim so a retry of the record may try again. */
  release(key: string): Promise<void>;
  /**
   * Opens the gate of a conversation for the message `seq`: at most one notification per
   * conversation until its recipient has read up to it. True when no earlier notification is
   * unread (its seq ≤ `readSeq`) or the gate already holds `seq` (a retry of the same message).
   */
  openGate(gate: string, seq: number, readSeq: number, now: number): Promise<boolean>;
  /** Closes the gate opened for `seq` (the notification was not sent after all). */
  closeGate(gate: string, seq: number): Promise<void>;
  /**
   * Claims the automatic reply of a conversation for the student message `seq`: true when there
   * was none, the last one was for `seq` itself (a retry of the same record), or it was sent
   * before `staleBefore` (epoch ms). One conditional write: two deliveries cannot both win.
   */
  openAutoReply(
    conversationId: string,
    seq: number,
    now: number,
    staleBefore: number,
  ): Promise<boolean>;
  /** An admin answered the conversation: the next student message may get an automatic reply. */
  resetAutoReply(conversationId: string): Promise<void>;
}

export interface Presence {
  /**
   * Whether the user has an open connection in the foreground now (the user's live item and the
   * connection records: consistent). A connection whose app reported `appstate: background` does
   * not count: WeChat suspends it.
   */
  isOnline(userId: string): Promise<boolean>;
  /** The user's read position in the conversation (0: none). */
  readSeq(conversationId: string, userId: string): Promise<number>;
  /** The furthest seq any admin has marked read in a support conversation (0: none). */
  deskReadSeq(conversationId: string): Promise<number>;
  /**
   * Whether any admin connection is open in the foreground (subscribed to the admins topic) of a
   * user in `available` (the staff who are not away).
   */
  anyAdminOnline(available: ReadonlySet<string>): Promise<boolean>;
}

/** One subscribe message as the notifier builds it. */
export interface SubscribeMessage {
  readonly touser: string;
  readonly templateId: string;
  readonly page: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * What WeChat made of a send:
 * - `sent`;
 * - `noSubscription`: 43101, the user has no credit left or unsubscribed (the user's doing);
 * - `refused`: WeChat will never take this message (47003 field rule, 40003 openid, 40037
 *   template id, 41030 page, a spent daily quota): not the user's doing, not worth retrying;
 * - `unavailable`: 5xx, system busy, timeouts, a token refused after its one refresh: retry.
 */
export type SendResult =
  | { readonly kind: 'sent' }
  | { readonly kind: 'noSubscription' }
  | { readonly kind: 'refused'; readonly errcode?: number }
  | { readonly kind: 'unavailable'; readonly errcode?: number };

export interface SubscribeMessageSender {
  send(message: SubscribeMessage): Promise<SendResult>;
}
