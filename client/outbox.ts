/**
 * The outbox: messages typed but not yet acknowledged, persisted so they survive the app being
 * killed. Each entry's `clientId` is the `sendmessage` id, i.e. the idempotency key: resending it
 * can never store the message twice.
 */
import type { KeyValueStorage } from './storage';
import type { ContentLabel } from '../protocol/content-labels';

export type SendState = 'sending' | 'failed';

/**
 * The picture of an image message waiting in the outbox: its local file (a mini-program temp path
 * or the console's object URL), kept across an app kill, and once uploaded the slot's `key`, so a
 * restart sends without uploading again.
 */
export interface OutboxImage {
  readonly localPath: string;
  readonly contentType: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
  readonly key?: string;
}

export interface OutboxEntry {
  /** The idempotency key and `sendmessage` frame id; it becomes the message's `clientId`. */
  readonly clientId: string;
  readonly conversationId: string;
  readonly text: string;
  /** When it was typed (epoch ms); entries go out in this order per conversation. */
  readonly createdAt: number;
  /** `sending` until acked (retried automatically); `failed` when the server refused it. */
  readonly state: SendState;
  readonly error?: {
    readonly code: string;
    readonly message: string;
    /** CONTENT_REJECTED: what content security found. */
    readonly label?: ContentLabel;
  };
  /** An image message: `text` is its caption (may be empty). */
  readonly image?: OutboxImage;
}

function isImage(value: unknown): value is OutboxImage {
  if (value === null || typeof value !== 'object') return false;
  const i = value as Record<string, unknown>;
  return (
    typeof i.localPath === 'string' &&
    typeof i.contentType === 'string' &&
    typeof i.size === 'number' &&
    typeof i.width === 'number' &&
    typeof i.height === 'number' &&
    (i.key === undefined || typeof i.key === 'string')
  );
}

function isEntry(value: unknown): value is OutboxEntry {
  if (value === null || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.clientId === 'string' &&
    typeof e.conversationId === 'string' &&
    typeof e.text === 'string' &&
    typeof e.createdAt === 'number' &&
    (e.state === 'sending' || e.state === 'failed') &&
    (e.image === undefined || isImage(e.image))
  );
}

function parseEntries(raw: string | undefined): OutboxEntry[] {
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

export class Outbox {
  private entries: OutboxEntry[] = [];
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {}

  /**
   * Reads what a previous run left (unreadable data is dropped rather than crash the app). It
   * reads after every write already queued and holds later writes until it has merged, so a
   * message sent while it reads (a send right after `start()`) is kept, after the stored ones.
   */
  load(): Promise<void> {
    const loaded = this.writes
      .catch(() => undefined)
      .then(() => this.storage.get(this.key))
      .then((raw) => {
        const stored = parseEntries(raw);
        const known = new Set(stored.map((e) => e.clientId));
        this.entries = [...stored, ...this.entries.filter((e) => !known.has(e.clientId))];
      });
    this.writes = loaded;
    return loaded;
  }

  all(): readonly OutboxEntry[] {
    return this.entries;
  }

  get(clientId: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.clientId === clientId);
  }

  forConversation(conversationId: string): OutboxEntry[] {
    return this.entries.filter((e) => e.conversationId === conversationId);
  }

  /** Adds an entry; resolves once it is durably stored. */
  add(entry: OutboxEntry): Promise<void> {
    this.entries = [...this.entries, entry];
    return this.persist();
  }

  /** Replaces an entry (it moves to the end when `requeue`, as a retried message goes last). */
  update(clientId: string, entry: OutboxEntry, requeue = false): Promise<void> {
    const rest = this.entries.filter((e) => e.clientId !== clientId);
    if (rest.length === this.entries.length) return this.writes;
    this.entries = requeue
      ? [...rest, entry]
      : this.entries.map((e) => (e.clientId === clientId ? entry : e));
    return this.persist();
  }

  remove(clientId: string): Promise<void> {
    const rest = this.entries.filter((e) => e.clientId !== clientId);
    if (rest.length === this.entries.length) return this.writes;
    this.entries = rest;
    return this.persist();
  }

  /** Writes are serialized and each writes the entries as they are when it runs: the last wins. */
  private persist(): Promise<void> {
    this.writes = this.writes
      .catch(() => undefined)
      .then(() => this.storage.set(this.key, JSON.stringify(this.entries)));
    return this.writes;
  }
}
