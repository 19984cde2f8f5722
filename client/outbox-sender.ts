/**
 * Sends the outbox: per conversation one message at a time, in the order typed, each retried with
 * its own id until the server acknowledges it (or a `message` with its clientId arrives through a
 * push or a sync, which proves it was stored). RATE_LIMITED and UNAVAILABLE wait `retryAfterMs`; BUSY
 * waits `retryAfterMs` plus a backoff that grows with each BUSY in a row; INTERNAL, API
 * Gateway failures, lost connections and missing acks retry with backoff; a refusal (BAD_REQUEST,
 * FORBIDDEN, NOT_FOUND, TOO_LARGE, CONTENT_REJECTED…) marks the message failed for the user to retry or discard.
 */
import type { ClientFrame, SendMessageFrame } from '../protocol/client-frames';
import type { AckFrame, ChatMessage, ErrorFrame } from '../protocol/server-frames';
import { fullJitterDelay } from './backoff';
import { type Clock, TimerSlot } from './clock';
import { ProtocolError } from './errors';
import { UploadFailedError } from './image-upload';
import type { Outbox, OutboxEntry, OutboxImage } from './outbox';
import type { ConnectionPolicy } from './policy';

export interface OutboxSenderDeps {
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly random: () => number;
  readonly policy: ConnectionPolicy;
  /** Sends a frame if a socket is open. */
  readonly send: (frame: ClientFrame) => boolean;
  /** The outbox of a conversation changed (an entry sent, failed, removed). */
  readonly changed: (conversationId: string) => void;
  /** An ack did not come in time: the socket may be dead. */
  readonly suspectDead: () => void;
  /**
   * Uploads the picture of an image entry (client/image-upload.ts) and resolves with the slot's
   * key; rejects with UploadFailedError or the server's refusal of the slot. Without it, image
   * entries fail.
   */
  readonly uploadImage?: (
    entry: OutboxEntry,
    onProgress: (fraction: number) => void,
  ) => Promise<string>;
  /** Upload progress of an image entry (0…1). */
  readonly progress?: (clientId: string, fraction: number) => void;
}

interface InFlight {
  readonly clientId: string;
  readonly ackTimer: TimerSlot;
  /** The frame was the entry's first (no `resend`): a refusal that stored nothing keeps it so. */
  readonly first: boolean;
}

/** Retries after INTERNAL or a missing ack: 1 s base, 15 s cap, full jitter. */
const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 15_000;

export class OutboxSender {
  private readonly inFlight = new Map<string, InFlight>();
  /** Conversations waiting (rate limit or retry backoff) before their next send. */
  private readonly holds = new Map<string, TimerSlot>();
  private readonly failures = new Map<string, number>();
  /** Entries whose first write to storage has not finished: they must not go out before it. */
  private readonly unsaved = new Set<string>();
  /** Conversations whose head entry's picture is uploading (by conversation: its clientId). */
  private readonly uploading = new Map<string, string>();
  /**
   * Entries typed in this run and not sent yet: their first frame goes without `resend`. Any
   * other frame of an entry (a retry, or an entry an earlier run left in the outbox) says
   * `resend: true`, unless the only earlier frame was refused with a code that says nothing was
   * stored (`BUSY`, `RATE_LIMITED`, `UNAVAILABLE`): that id is still unsent, and its retry costs
   * the server no more than the first try. Bounded by the outbox: an id leaves this set when it
   * is sent or discarded.
   */
  private readonly unsent = new Set<string>();

  constructor(private readonly deps: OutboxSenderDeps) {}

  /** Whether any message is waiting for its ack. */
  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** Queues a new entry: it goes out once stored durably. */
  enqueue(entry: OutboxEntry): void {
    this.unsaved.add(entry.clientId);
    this.unsent.add(entry.clientId);
    const saved = () => {
      this.unsaved.delete(entry.clientId);
      this.pump();
    };
    // A failed write must not lose the message: it is still sent (it just would not survive a kill).
    this.deps.outbox.add(entry).then(saved, saved);
  }

  /** Sends whatever can go now: the oldest `sending` entry of every idle conversation. */
  pump(): void {
    const heads = new Map<string, OutboxEntry>();
    for (const entry of this.deps.outbox.all()) {
      if (entry.state !== 'sending' || heads.has(entry.conversationId)) continue;
      heads.set(entry.conversationId, entry);
    }
    for (const [conversationId, entry] of heads) {
      if (this.inFlight.has(conversationId) || this.holds.get(conversationId)?.pending) continue;
      if (this.unsaved.has(entry.clientId) || this.uploading.has(conversationId)) continue;
      if (entry.image && entry.image.key === undefined) this.upload(entry);
      else this.transmit(entry);
    }
  }

  /** An ack arrived. Returns whether it was for an outbox entry. */
  acked(frame: AckFrame): boolean {
    return this.delivered(frame.id, frame.message.conversationId);
  }

  /**
   * A message arrived through push or sync: if it carries the clientId of a pending entry, that
   * entry was stored (its ack was lost) and is done.
   */
  reconcile(message: ChatMessage): boolean {
    return this.delivered(message.clientId, message.conversationId);
  }

  /** An error frame arrived. Returns whether it was for an outbox entry. */
  refused(frame: ErrorFrame): boolean {
    if (frame.id === undefined) return false;
    const entry = this.deps.outbox.get(frame.id);
    if (!entry) return false;
    const flight = this.inFlight.get(entry.conversationId);
    if (!flight || flight.clientId !== entry.clientId) return true;
    this.land(entry.conversationId);
    const storedNothing = ['BUSY', 'RATE_LIMITED', 'UNAVAILABLE'].includes(frame.code);
    if (storedNothing && flight.first) this.unsent.add(entry.clientId);
    if (frame.code === 'BUSY') {
      // The server shed the send (nothing stored): at least its `retryAfterMs`, and on each BUSY
      // in a row a longer full-jitter backoff on top, so a crowd of clients spreads out instead
      // of coming back together (docs/protocol.md "Errors").
      const failures = (this.failures.get(entry.clientId) ?? 0) + 1;
      this.failures.set(entry.clientId, failures);
      const floor = frame.retryAfterMs ?? RETRY_BASE_MS;
      const extra = fullJitterDelay(failures - 1, floor, RETRY_CAP_MS, this.deps.random);
      this.hold(entry.conversationId, floor + extra);
    } else if (frame.code === 'RATE_LIMITED' || frame.code === 'UNAVAILABLE') {
      // Wait what the server says, plus a little jitter so several devices do not retry together.
      // UNAVAILABLE: content security could not check the text; nothing was stored, so the same
      // id is sent again (docs/protocol.md "Content security").
      const wait = (frame.retryAfterMs ?? RETRY_BASE_MS) + Math.floor(this.deps.random() * 250);
      this.hold(entry.conversationId, wait);
    } else if (frame.code === 'INTERNAL') {
      this.retryLater(entry);
    } else {
      const failed: OutboxEntry = {
        ...entry,
        state: 'failed',
        error: {
          code: frame.code,
          message: frame.message,
          ...(frame.label !== undefined ? { label: frame.label } : {}),
        },
      };
      void this.deps.outbox.update(entry.clientId, failed).catch(() => undefined);
      this.deps.changed(entry.conversationId);
      this.pump();
    }
    return true;
  }

  /** API Gateway failed some integration: whatever is in flight may be it, so retry them all. */
  gatewayFailed(): void {
    for (const [conversationId, flight] of [...this.inFlight]) {
      const entry = this.deps.outbox.get(flight.clientId);
      this.land(conversationId);
      if (entry) this.retryLater(entry);
    }
  }

  /** The socket closed: nothing in flight will be answered; resend on the next `open`. */
  connectionLost(): void {
    for (const conversationId of [...this.inFlight.keys()]) this.land(conversationId);
  }

  /** Puts a failed entry back at the end of its conversation's queue, same id. */
  retry(clientId: string): boolean {
    const entry = this.deps.outbox.get(clientId);
    if (entry?.state !== 'failed') return false;
    const again: OutboxEntry = {
      clientId: entry.clientId,
      conversationId: entry.conversationId,
      text: entry.text,
      createdAt: entry.createdAt,
      state: 'sending',
      // A refused image send may name an upload that expired: the retry uploads again.
      ...(entry.image ? { image: withoutKey(entry.image) } : {}),
    };
    this.unsaved.add(clientId);
    const saved = () => {
      this.unsaved.delete(clientId);
      this.pump();
    };
    this.deps.outbox.update(clientId, again, true).then(saved, saved);
    this.deps.changed(entry.conversationId);
    return true;
  }

  /** Drops a failed entry. */
  discard(clientId: string): boolean {
    const entry = this.deps.outbox.get(clientId);
    if (entry?.state !== 'failed') return false;
    this.unsent.delete(clientId);
    void this.deps.outbox.remove(clientId).catch(() => undefined);
    this.deps.changed(entry.conversationId);
    return true;
  }

  /** Stops every timer (client stopped). */
  dispose(): void {
    for (const conversationId of [...this.inFlight.keys()]) this.land(conversationId);
    for (const hold of this.holds.values()) hold.clear();
    this.holds.clear();
  }

  /**
   * Uploads an image entry's picture, then stores its key (so a kill after the upload does not
   * upload again) and sends. A failure that may pass (network, INTERNAL, a lost connection) is
   * retried with backoff; a refusal marks the entry failed.
   */
  private upload(entry: OutboxEntry): void {
    const { uploadImage } = this.deps;
    if (!uploadImage) {
      this.fail(entry, 'UPLOAD_FAILED', 'image upload is not available');
      return;
    }
    this.uploading.set(entry.conversationId, entry.clientId);
    uploadImage(entry, (fraction) => this.deps.progress?.(entry.clientId, fraction)).then(
      async (key) => {
        this.uploading.delete(entry.conversationId);
        const current = this.deps.outbox.get(entry.clientId);
        if (!current?.image) return this.pump();
        await this.deps.outbox
          .update(entry.clientId, { ...current, image: { ...current.image, key } })
          .catch(() => undefined);
        this.pump();
      },
      (error: unknown) => {
        this.uploading.delete(entry.conversationId);
        const failure = describeUploadFailure(error);
        if (failure.retryable) this.retryLater(entry);
        else this.fail(entry, failure.code, failure.message);
      },
    );
  }

  private fail(entry: OutboxEntry, code: string, message: string): void {
    const failed: OutboxEntry = { ...entry, state: 'failed', error: { code, message } };
    void this.deps.outbox.update(entry.clientId, failed).catch(() => undefined);
    this.deps.changed(entry.conversationId);
    this.pump();
  }

  private transmit(entry: OutboxEntry): void {
    const image = entry.image;
    const frame: SendMessageFrame = {
      action: 'sendmessage',
      id: entry.clientId,
      conversationId: entry.conversationId,
      text: entry.text,
      ...(image?.key !== undefined
        ? { image: { key: image.key, width: image.width, height: image.height, size: image.size } }
        : {}),
      ...(this.unsent.has(entry.clientId) ? {} : { resend: true }),
    };
    if (!this.deps.send(frame)) return;
    const first = this.unsent.delete(entry.clientId);
    const ackTimer = new TimerSlot(this.deps.clock);
    this.inFlight.set(entry.conversationId, { clientId: entry.clientId, ackTimer, first });
    ackTimer.set(this.deps.policy.sendAckTimeoutMs, () => {
      this.land(entry.conversationId);
      this.deps.suspectDead();
      this.retryLater(entry);
    });
  }

  private delivered(clientId: string, conversationId: string): boolean {
    const entry = this.deps.outbox.get(clientId);
    if (!entry || entry.conversationId !== conversationId) return false;
    const flight = this.inFlight.get(conversationId);
    if (flight?.clientId === clientId) this.land(conversationId);
    this.failures.delete(clientId);
    this.unsaved.delete(clientId);
    void this.deps.outbox.remove(clientId).catch(() => undefined);
    this.deps.changed(conversationId);
    this.pump();
    return true;
  }

  private land(conversationId: string): void {
    const flight = this.inFlight.get(conversationId);
    if (!flight) return;
    flight.ackTimer.clear();
    this.inFlight.delete(conversationId);
  }

  private retryLater(entry: OutboxEntry): void {
    const failures = (this.failures.get(entry.clientId) ?? 0) + 1;
    this.failures.set(entry.clientId, failures);
    const delay = fullJitterDelay(failures - 1, RETRY_BASE_MS, RETRY_CAP_MS, this.deps.random);
    this.hold(entry.conversationId, delay);
  }

  private hold(conversationId: string, ms: number): void {
    let slot = this.holds.get(conversationId);
    if (!slot) {
      slot = new TimerSlot(this.deps.clock);
      this.holds.set(conversationId, slot);
    }
    slot.set(ms, () => this.pump());
  }
}

function withoutKey(image: OutboxImage): OutboxImage {
  return {
    localPath: image.localPath,
    contentType: image.contentType,
    size: image.size,
    width: image.width,
    height: image.height,
  };
}

/**
 * What an upload failure means for the entry: UploadFailedError by its reason, a server refusal
 * of the slot by its code (RATE_LIMITED and INTERNAL pass), anything else (timeout, lost
 * connection) is retried.
 */
function describeUploadFailure(error: unknown): {
  retryable: boolean;
  code: string;
  message: string;
} {
  if (error instanceof UploadFailedError) {
    const code =
      error.reason === 'unsupported'
        ? 'UNSUPPORTED_MEDIA'
        : error.reason === 'tooLarge'
          ? 'TOO_LARGE'
          : error.reason === 'cancelled'
            ? 'UPLOAD_CANCELLED'
            : error.reason === 'missing'
              ? 'UPLOAD_MISSING'
              : 'UPLOAD_FAILED';
    return { retryable: error.retryable, code, message: error.message };
  }
  if (error instanceof ProtocolError) {
    return { retryable: error.retryable, code: error.code, message: error.message };
  }
  return { retryable: true, code: 'UPLOAD_FAILED', message: String(error) };
}
