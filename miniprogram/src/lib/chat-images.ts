/**
 * The chat page's pictures: their presigned URLs kept usable by the shared ImageUrlCache of the
 * client core (client/image-urls.ts: renewed with `imageurls` shortly before they expire, or when
 * a thumbnail fails to load, batched, each key once at a time — the console uses the same), and
 * the upload progress of pictures waiting in the outbox.
 */
import { type ChatClient, type ChatMessage, ImageUrlCache, type MessageImage } from '../core';

export class ChatImages {
  /** Upload progress (0…1) by the outbox entry's client id. */
  readonly progress = new Map<string, number>();
  private readonly cache: ImageUrlCache;

  constructor(
    client: Pick<ChatClient, 'imageUrls'>,
    private readonly conversationId: string,
    /** Called when renewed URLs arrived: render again. */
    changed: () => void,
  ) {
    this.cache = new ImageUrlCache({
      renew: (id, keys) => client.imageUrls(id, keys),
      changed: () => changed(),
    });
  }

  /** The URLs to show a stored picture with (asks for new ones when they are about to expire). */
  readonly urlsOf = (image: MessageImage): { url: string; thumbUrl: string } | undefined =>
    this.cache.current(this.conversationId, image);

  /** A thumbnail did not load: forget its URLs and renew them. */
  failed(key: string): void {
    this.cache.failed(this.conversationId, key);
  }

  /** The full-size URL of a stored picture, and those of the others, for wx.previewImage. */
  fullSize(
    messages: readonly ChatMessage[],
    key: string,
  ): { current: string; all: string[] } | undefined {
    const all: string[] = [];
    let current: string | undefined;
    for (const m of messages) {
      if (!m.image || m.recalled !== undefined) continue;
      const urls = this.urlsOf(m.image);
      if (!urls) continue;
      all.push(urls.url);
      if (m.image.key === key) current = urls.url;
    }
    return current === undefined ? undefined : { current, all };
  }
}
