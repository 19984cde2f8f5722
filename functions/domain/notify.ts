/**
 * WeChat subscribe-message notifications for stored messages (the notify handler's domain).
 *
 * - An admin's message in a support conversation: the student, when offline, gets one "desk
 *   replied" notification — at most one per conversation until the student has read up to it,
 *   however many replies follow, since every notification spends a one-time credit.
 * - A student's message with no admin online (in the foreground): the student gets the desk's
 *   automatic reply with its hours (auto-reply.ts), once per offline period, and each admin who
 *   subscribed gets "a student is waiting", at most one per conversation until the desk has read
 *   it.
 * - The automatic reply itself (`kind: 'auto'`) notifies nobody.
 * - "Online" means a connection in the foreground: a mini-program in the background (appstate)
 *   is suspended by WeChat, however open its socket looks (app-state.ts).
 *
 * Stream delivery is at least once, so each (message, recipient) is claimed in the ledger before
 * anything is spent or sent, and finished with its outcome after; a retry of a record that was
 * sent finds it done. The credit is spent by one conditional update before the send and given
 * back when WeChat refuses for a reason that is not the user's. The gate (one unread notification
 * per conversation) is opened before the credit is spent and closed again when nothing was sent.
 */
import { AUTO_REPLY_REPEAT_MS, type AutoReplyDeps, postAutoReply } from './auto-reply';
import { parseConversationId } from './conversation-ids';
import type {
  CreditStore,
  NotificationLedger,
  Presence,
  SubscribeMessage,
  SubscribeMessageSender,
  TemplateKey,
} from './notify-ports';
import type { Log } from './ports';
import { thingValue, timeValue } from './subscribe-fields';

/** A template as configured: its WeChat id and which of its keys takes which value. */
export interface TemplateConfig {
  /** Empty: this notification is off (no template configured). */
  readonly id: string;
  /** Our value name → the template's key (`thing1`, `time3`); the key's prefix is its type. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface NotifyConfig {
  readonly templates: Readonly<Record<TemplateKey, TemplateConfig>>;
  /** The time zone of the `time` fields (the campus's). */
  readonly timeZone: string;
  /** Who sends "desk replied" (the desk's title). */
  readonly deskTitle: string;
  /**
   * Admin user ids (openids): the recipients of "a student is waiting" when `staff` is not given
   * (the notify domain's own tests); the deployed notifier uses the staff table.
   */
  readonly admins: readonly string[];
  /** How long a claim keeps a concurrent duplicate away (longer than the function timeout). */
  readonly claimLeaseMs: number;
}

export interface NotifyDeps {
  /** The desk's automatic reply (auto-reply.ts); undefined: off (DESK_HOURS=off, or in tests). */
  readonly autoReply?: AutoReplyDeps;
  /**
   * Who on the staff is available now (not away; staff-directory.ts, cached within
   * IDENTITY_CACHE_SECONDS): only their open desk connections make the desk "online", and they
   * are the recipients of "a student is waiting". Undefined: `config.admins`, all available.
   */
  readonly availableStaff?: () => Promise<readonly string[]>;
  readonly ledger: NotificationLedger;
  readonly credits: CreditStore;
  readonly presence: Presence;
  readonly sender: SubscribeMessageSender;
  readonly config: NotifyConfig;
  readonly log: Log;
  readonly now: () => number;
}

/** A stored message as the stream carries it (the messages table item). */
export interface StoredMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly seq: number;
  readonly senderId: string;
  readonly senderName: string;
  readonly senderRole: string;
  readonly text: string;
  readonly sentAt: string;
  /** `auto`: the desk's automatic reply (never notified; the stream filters leave it out too). */
  readonly kind?: string;
}

/** `done`: nothing more to do for this record; `retry`: deliver the record again later. */
export type NotifyOutcome = 'done' | 'retry';

/** The mini-program page a notification opens: the conversation. */
export function conversationPage(conversationId: string): string {
  return `pages/chat/index?id=${encodeURIComponent(conversationId)}`;
}

/** Handles one stored message: notifies whoever should hear of it. */
export async function notifyForMessage(
  deps: NotifyDeps,
  message: StoredMessage,
): Promise<NotifyOutcome> {
  const conversation = parseConversationId(message.conversationId);
  if (conversation?.kind !== 'support') return 'done';
  // The desk's automatic reply notifies nobody (a loop otherwise: it is a desk message).
  if (message.kind !== undefined) return 'done';
  if (message.senderRole === 'admin') {
    // An admin answered: the student's next message while the desk is away gets a reply again.
    if (deps.autoReply) await deps.ledger.resetAutoReply(message.conversationId);
    const studentId = conversation.studentId;
    if (await deps.presence.isOnline(studentId)) return 'done';
    return deliver(deps, message, studentId, 'deskReplied', () =>
      deps.presence.readSeq(message.conversationId, studentId),
    );
  }
  if (message.senderRole === 'student') {
    const waiting = deps.config.templates.studentWaiting.id !== '';
    if (!waiting && !deps.autoReply) return 'done';
    const available = deps.availableStaff ? await deps.availableStaff() : deps.config.admins;
    // A staff member who set themselves away does not count, even with the console open.
    if (await deps.presence.anyAdminOnline(new Set(available))) return 'done';
    await autoReply(deps, message);
    if (!waiting) return 'done';
    let outcome: NotifyOutcome = 'done';
    for (const adminId of available) {
      const result = await deliver(deps, message, adminId, 'studentWaiting', () =>
        deps.presence.deskReadSeq(message.conversationId),
      );
      if (result === 'retry') outcome = 'retry';
    }
    return outcome;
  }
  return 'done';
}

/**
 * The desk is away: the student gets the automatic reply, once per offline period (the gate in
 * the ledger, auto-reply.ts AUTO_REPLY_REPEAT_MS). A failure throws, so the record is retried; the
 * gate holds this message's seq, so the retry passes it, and the store's idempotency key makes
 * the retry find a reply that was stored.
 */
async function autoReply(deps: NotifyDeps, message: StoredMessage): Promise<void> {
  const auto = deps.autoReply;
  if (!auto) return;
  const now = deps.now();
  const open = await deps.ledger.openAutoReply(
    message.conversationId,
    message.seq,
    now,
    now - AUTO_REPLY_REPEAT_MS,
  );
  if (!open) return;
  const result = await postAutoReply(auto, message, now);
  deps.log.info('automatic desk reply', { conversationId: message.conversationId, result });
}

function buildMessage(
  deps: NotifyDeps,
  message: StoredMessage,
  recipient: string,
  template: TemplateKey,
): SubscribeMessage {
  const config = deps.config.templates[template];
  const values: Record<string, string> = {
    from: thingValue(deps.config.deskTitle),
    student: thingValue(message.senderName),
    preview: thingValue(message.text),
    time: timeValue(new Date(message.sentAt), deps.config.timeZone),
  };
  const data: Record<string, string> = {};
  for (const [name, key] of Object.entries(config.fields)) {
    const value = values[name];
    if (value !== undefined) data[key] = value;
  }
  return {
    touser: recipient,
    templateId: config.id,
    page: conversationPage(message.conversationId),
    data,
  };
}

async function deliver(
  deps: NotifyDeps,
  message: StoredMessage,
  recipient: string,
  template: TemplateKey,
  readSeq: () => Promise<number>,
): Promise<NotifyOutcome> {
  if (deps.config.templates[template].id === '') return 'done';
  const { ledger, credits, log } = deps;
  const key = `msg#${message.id}#${recipient}`;
  const gate = `gate#${message.conversationId}#${recipient}`;
  const now = deps.now();
  if (!(await ledger.claim(key, now, deps.config.claimLeaseMs))) return 'done';
  let spent = false;
  let gateOpen = false;
  try {
    const read = await readSeq();
    // Read already (on screen while it was online, on another device): nothing to tell.
    if (read >= message.seq) {
      await ledger.finish(key, 'read');
      return 'done';
    }
    gateOpen = await ledger.openGate(gate, message.seq, read, now);
    if (!gateOpen) {
      await ledger.finish(key, 'unread');
      return 'done';
    }
    spent = await credits.spend(recipient, template);
    if (!spent) {
      await ledger.closeGate(gate, message.seq);
      await ledger.finish(key, 'noCredit');
      return 'done';
    }
  } catch (error) {
    // Before the send: undo what was done, so the retry starts from the same place.
    if (spent) await credits.refund(recipient, template);
    if (gateOpen) await ledger.closeGate(gate, message.seq);
    await ledger.release(key);
    throw error;
  }

  const result = await deps.sender.send(buildMessage(deps, message, recipient, template));
  switch (result.kind) {
    case 'sent':
      // Sent: never release the claim now, whatever fails next (a retry would send twice).
      await finishQuietly(deps, key, 'sent');
      log.info('notification sent', { template, conversationId: message.conversationId });
      return 'done';
    case 'noSubscription':
      await credits.zero(recipient, template);
      await ledger.closeGate(gate, message.seq);
      await ledger.finish(key, 'noSubscription');
      return 'done';
    case 'refused':
      log.error('WeChat refused a notification', { template, errcode: result.errcode });
      await credits.refund(recipient, template);
      await ledger.closeGate(gate, message.seq);
      await ledger.finish(key, 'refused');
      return 'done';
    case 'unavailable':
      log.warn('WeChat unavailable for a notification', { template, errcode: result.errcode });
      await credits.refund(recipient, template);
      await ledger.closeGate(gate, message.seq);
      await ledger.release(key);
      return 'retry';
  }
}

async function finishQuietly(deps: NotifyDeps, key: string, outcome: string): Promise<void> {
  try {
    await deps.ledger.finish(key, outcome);
  } catch (error) {
    // The claim stays (with its lease), so a redelivery soon after still skips it.
    deps.log.error('notification sent but not recorded', { error: String(error) });
  }
}
