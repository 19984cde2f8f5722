/**
 * The chat page's pictures: keeps their presigned URLs usable (they expire after 15 minutes;
 * docs/protocol.md "Images" step 4) by renewing them with `imageurls` shortly before, or when a
 * thumbnail fails to load, at most IMAGE_URLS_MAX_KEYS per request and each key once at a time;
 * and the upload progress of pictures waiting in the outbox.
 */
import { type ChatClient, type ChatMessage, IMAGE_URLS_MAX_KEYS } from '../core';
import { imageUrlsOf } from './chat-items';

/** Renew this long before the URLs expire, so a shown thumbnail never points at a dead URL. */
export const RENEW_MARGIN_MS = 60_000;
/** A key that failed (or was left out of a reply) is not asked for again before this. */
export const RETRY_MS = 10_000;

export class ChatImages {
  /** Renewed URLs by key. */
  readonly urls = new Map<string, { url: string; thumbUrl: string; expiresAt: number }>();
  /** Upload progress (0…1) by the outbox entry's client id. */
  readonly progress = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly notBefore = new Map<string, number>();

  constructor(
    private readonly client: Pick<ChatClient, 'imageUrls'>,
    private readonly conversationId: string,
    /** Called when renewed URLs arrived: render again. */
    private readonly changed: () => void,
  ) {}

  /** Renews the keys of `messages` whose URLs are missing or about to expire. */
  refresh(messages: readonly ChatMessage[], now: number): void {
    const due = messages
      .filter((m) => m.image && m.recalled === undefined)
      .filter((m) => {
        const best = imageUrlsOf(m.image as NonNullable<ChatMessage['image']>, this.urls, now);
        return !best || best.expiresAt - now < RENEW_MARGIN_MS;
      })
      .map((m) => (m.image as NonNullable<ChatMessage['image']>).key);
    this.renew(due, now);
  }

  /** A thumbnail did not load: forget its URLs and renew them. */
  failed(key: string, now: number): void {
    this.urls.delete(key);
    this.renew([key], now);
  }

  /** The full-size URL of a stored picture, and those of the others, for wx.previewImage. */
  fullSize(
    messages: readonly ChatMessage[],
    key: string,
    now: number,
  ): { current: string; all: string[] } | undefined {
    const all: string[] = [];
    let current: string | undefined;
    for (const m of messages) {
      if (!m.image || m.recalled !== undefined) continue;
      const best = imageUrlsOf(m.image, this.urls, now);
      if (!best) continue;
      all.push(best.url);
      if (m.image.key === key) current = best.url;
    }
    return current === undefined ? undefined : { current, all };
  }

  private renew(keys: readonly string[], now: number): void {
    const asked = [...new Set(keys)].filter(
      (k) => !this.inFlight.has(k) && (this.notBefore.get(k) ?? 0) <= now,
    );
    for (let i = 0; i < asked.length; i += IMAGE_URLS_MAX_KEYS) {
      const batch = asked.slice(i, i + IMAGE_URLS_MAX_KEYS);
      for (const key of batch) this.inFlight.add(key);
      this.client.imageUrls(this.conversationId, batch).then(
        (images) => {
          for (const image of images) {
            this.urls.set(image.key, {
              url: image.url,
              thumbUrl: image.thumbUrl,
              expiresAt: Date.parse(image.expiresAt),
            });
          }
          this.settle(batch);
          if (images.length > 0) this.changed();
        },
        () => this.settle(batch),
      );
    }
  }

  private settle(batch: readonly string[]): void {
    const until = Date.now() + RETRY_MS;
    for (const key of batch) {
      this.inFlight.delete(key);
      this.notBefore.set(key, until);
    }
  }
}
