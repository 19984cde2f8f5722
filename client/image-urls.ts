/**
 * Keeps the download URLs of image messages usable (docs/protocol.md "Images", step 4): a
 * message frame's presigned URLs expire after IMAGE_URL_SECONDS, so shortly before that (or when
 * an image fails to load, e.g. a 403 after a clock skew) the keys are renewed with `imageurls`,
 * batched per conversation (at most IMAGE_URLS_MAX_KEYS a frame), one request per key at a time.
 * Platform-neutral: the console and the mini-program render whatever `current` answers and
 * re-render on `changed`.
 */
import { IMAGE_URLS_MAX_KEYS, type ImageUrls, type MessageImage } from '../protocol/images';

/** Renew this long before the URLs expire, so a rendered image never points at a dead URL. */
export const IMAGE_URL_RENEW_MARGIN_MS = 60_000;
/** After a failed renewal (or a load failure) the key is not asked for again before this. */
export const IMAGE_URL_RETRY_MS = 10_000;

export interface ImageUrlCacheOptions {
  /** Sends `imageurls` (ChatClient.imageUrls). */
  readonly renew: (conversationId: string, keys: string[]) => Promise<ImageUrls[]>;
  /** A conversation's images got new URLs: render it again. */
  readonly changed: (conversationId: string) => void;
  readonly now?: () => number;
}

interface Known {
  readonly url: string;
  readonly thumbUrl: string;
  readonly expiresAt: number;
}

export class ImageUrlCache {
  private readonly known = new Map<string, Known>();
  /** Keys waiting for the next batch, per conversation. */
  private readonly queued = new Map<string, Set<string>>();
  private readonly inFlight = new Set<string>();
  private readonly notBefore = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: ImageUrlCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The freshest URLs known for `image` (its frame's or a renewal's), or undefined when none is
   * valid any more. Asks for new ones when they are missing or about to expire.
   */
  current(
    conversationId: string,
    image: MessageImage,
  ): { url: string; thumbUrl: string } | undefined {
    const own =
      image.url !== undefined && image.thumbUrl !== undefined && image.urlsExpireAt !== undefined
        ? { url: image.url, thumbUrl: image.thumbUrl, expiresAt: Date.parse(image.urlsExpireAt) }
        : undefined;
    const cached = this.known.get(image.key);
    const best = own && (!cached || own.expiresAt > cached.expiresAt) ? own : (cached ?? undefined);
    const now = this.now();
    if (!best || best.expiresAt - now < IMAGE_URL_RENEW_MARGIN_MS)
      this.ask(conversationId, image.key);
    return best && best.expiresAt > now ? { url: best.url, thumbUrl: best.thumbUrl } : undefined;
  }

  /** An image did not load from its URL: renew it (at most once per IMAGE_URL_RETRY_MS). */
  failed(conversationId: string, key: string): void {
    this.known.delete(key);
    this.ask(conversationId, key);
  }

  private ask(conversationId: string, key: string): void {
    if (this.inFlight.has(key) || (this.notBefore.get(key) ?? 0) > this.now()) return;
    let keys = this.queued.get(conversationId);
    if (!keys) {
      keys = new Set();
      this.queued.set(conversationId, keys);
      // One batch for everything a render asks for.
      void Promise.resolve().then(() => this.flush(conversationId));
    }
    keys.add(key);
  }

  private flush(conversationId: string): void {
    const keys = [...(this.queued.get(conversationId) ?? [])];
    this.queued.delete(conversationId);
    for (let i = 0; i < keys.length; i += IMAGE_URLS_MAX_KEYS) {
      const batch = keys.slice(i, i + IMAGE_URLS_MAX_KEYS);
      for (const key of batch) this.inFlight.add(key);
      this.options.renew(conversationId, batch).then(
        (images) => {
          for (const image of images) {
            this.known.set(image.key, {
              url: image.url,
              thumbUrl: image.thumbUrl,
              expiresAt: Date.parse(image.expiresAt),
            });
          }
          this.settle(batch);
          if (images.length > 0) this.options.changed(conversationId);
        },
        () => this.settle(batch),
      );
    }
  }

  /** Keys a reply left out (the frame budget) or a failure: asked for again after a pause. */
  private settle(batch: readonly string[]): void {
    const until = this.now() + IMAGE_URL_RETRY_MS;
    for (const key of batch) {
      this.inFlight.delete(key);
      this.notBefore.set(key, until);
    }
  }
}
