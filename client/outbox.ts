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

function parseEntry(raw: string | undefined): OutboxEntry | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isEntry(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the outbox's main key holds: the ids in order (`v: 2`), or, as written before the split,
 * the entries themselves (an array), which `load` reads and rewrites in the new layout.
 */
function parseIndex(raw: string | undefined): { ids: string[] } | { legacy: OutboxEntry[] } {
  if (raw === undefined) return { ids: [] };
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) return { legacy: parsed.filter(isEntry) };
    const ids = (parsed as { ids?: unknown } | null)?.ids;
    return {
      ids: Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [],
    };
  } catch {
    return { ids: [] };
  }
}

/**
 * The outbox in storage is split across keys: the main key holds only the order of the entries'
 * ids, and each entry has a key of its own (`<key>.<clientId>`). WeChat allows at most 1 MB per
 * key (and 10 MB in all: https://developers.weixin.qq.com/miniprogram/dev/api/storage/wx.setStorage.html);
 * one entry is at most about 25 KB (MAX_TEXT_CHARS, JSON-escaped), an id in the index about 40
 * bytes, so no key comes near the limit while everything pending fits in the total. An entry's
 * key is written before the index names it, and the index drops an id before its key is removed,
 * so an interrupted write leaves at worst an unnamed key, never a named one missing.
 */
export class Outbox {
  private entries: OutboxEntry[] = [];
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {}

  /** The storage key of one entry. */
  entryKey(clientId: string): string {
    return `${this.key}.${clientId}`;
  }

  /**
   * Reads what a previous run left (unreadable data is dropped rather than crash the app). It
   * reads after every write already queued and holds later writes until it has merged, so a
   * message sent while it reads (a send right after `start()`) is kept, after the stored ones.
   */
  load(): Promise<void> {
    const loaded = this.writes
      .catch(() => undefined)
      .then(() => this.storage.get(this.key))
      .then(async (raw) => {
        const index = parseIndex(raw);
        let stored: OutboxEntry[];
        if ('legacy' in index) {
          stored = index.legacy;
        } else {
          const found = await Promise.all(
            index.ids.map((id) => this.storage.get(this.entryKey(id)).then(parseEntry)),
          );
          stored = found.filter((e): e is OutboxEntry => e !== undefined);
        }
        const known = new Set(stored.map((e) => e.clientId));
        this.entries = [...stored, ...this.entries.filter((e) => !known.has(e.clientId))];
        // The layout before the split (one key with every entry): rewrite it split.
        if ('legacy' in index) {
          for (const entry of this.entries) await this.writeEntry(entry.clientId);
          await this.writeIndex();
        }
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
    return this.queue(async () => {
      await this.writeEntry(entry.clientId);
      await this.writeIndex();
    });
  }

  /** Replaces an entry (it moves to the end when `requeue`, as a retried message goes last). */
  update(clientId: string, entry: OutboxEntry, requeue = false): Promise<void> {
    const rest = this.entries.filter((e) => e.clientId !== clientId);
    if (rest.length === this.entries.length) return this.writes;
    this.entries = requeue
      ? [...rest, entry]
      : this.entries.map((e) => (e.clientId === clientId ? entry : e));
    return this.queue(async () => {
      await this.writeEntry(clientId);
      if (requeue) await this.writeIndex();
    });
  }

  remove(clientId: string): Promise<void> {
    const rest = this.entries.filter((e) => e.clientId !== clientId);
    if (rest.length === this.entries.length) return this.writes;
    this.entries = rest;
    return this.queue(async () => {
      await this.writeIndex();
      await this.storage.remove(this.entryKey(clientId));
    });
  }

  /** Writes are serialized and each writes the entries as they are when it runs: the last wins. */
  private queue(write: () => Promise<void>): Promise<void> {
    this.writes = this.writes.catch(() => undefined).then(write);
    return this.writes;
  }

  /** Writes an entry as it is now (nothing when it was removed meanwhile). */
  private async writeEntry(clientId: string): Promise<void> {
    const entry = this.get(clientId);
    if (entry) await this.storage.set(this.entryKey(clientId), JSON.stringify(entry));
  }

  private writeIndex(): Promise<void> {
    return this.storage.set(
      this.key,
      JSON.stringify({ v: 2, ids: this.entries.map((e) => e.clientId) }),
    );
  }
}
