/** ImageUrlCache: renews before expiry, batches per conversation, retries after a pause. */
import { describe, expect, it } from 'vitest';
import type { ImageUrls, MessageImage } from '../protocol/images';
import { IMAGE_URL_RENEW_MARGIN_MS, IMAGE_URL_RETRY_MS, ImageUrlCache } from './image-urls';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');

function image(key: string, expiresInMs: number | undefined): MessageImage {
  return {
    key,
    width: 4,
    height: 3,
    size: 100,
    contentType: 'image/png',
    ...(expiresInMs === undefined
      ? {}
      : {
          url: `https://s3/${key}?v=1`,
          thumbUrl: `https://s3/${key}.thumb?v=1`,
          urlsExpireAt: new Date(T0 + expiresInMs).toISOString(),
        }),
  };
}

function harness(answer: (keys: string[]) => Promise<ImageUrls[]>) {
  let now = T0;
  const asked: string[][] = [];
  const changed: string[] = [];
  const cache = new ImageUrlCache({
    renew: (conversationId, keys) => {
      asked.push([conversationId, ...keys]);
      return answer(keys);
    },
    changed: (id) => changed.push(id),
    now: () => now,
  });
  return { cache, asked, changed, advance: (ms: number) => (now += ms) };
}

const fresh = (keys: string[]) =>
  Promise.resolve(
    keys.map((key) => ({
      key,
      url: `https://s3/${key}?v=2`,
      thumbUrl: `https://s3/${key}.thumb?v=2`,
      expiresAt: new Date(T0 + 15 * 60_000).toISOString(),
    })),
  );

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('image URL cache', () => {
  it('uses the frame URLs while they last and asks for nothing', async () => {
    const { cache, asked } = harness(fresh);
    const urls = cache.current('c1', image('k1', 10 * 60_000));
    await settle();
    expect(urls).toEqual({ url: 'https://s3/k1?v=1', thumbUrl: 'https://s3/k1.thumb?v=1' });
    expect(asked).toEqual([]);
  });

  it('renews URLs about to expire, in one batch per conversation, and says so', async () => {
    const { cache, asked, changed } = harness(fresh);
    const soon = IMAGE_URL_RENEW_MARGIN_MS - 1;
    const before = cache.current('c1', image('k1', soon));
    cache.current('c1', image('k2', undefined));
    cache.current('c2', image('k3', soon));
    await settle();
    const after = cache.current('c1', image('k1', soon));
    await settle();
    expect(before).toEqual({ url: 'https://s3/k1?v=1', thumbUrl: 'https://s3/k1.thumb?v=1' });
    expect(asked).toEqual([
      ['c1', 'k1', 'k2'],
      ['c2', 'k3'],
    ]);
    expect(changed).toEqual(['c1', 'c2']);
    expect(after).toEqual({ url: 'https://s3/k1?v=2', thumbUrl: 'https://s3/k1.thumb?v=2' });
  });

  it('gives nothing for expired URLs and splits big batches at the frame limit', async () => {
    const { cache, asked } = harness(fresh);
    const expired = cache.current('c1', image('k0', -1));
    for (let i = 1; i <= 24; i++) cache.current('c1', image(`k${i}`, undefined));
    await settle();
    expect(expired).toBeUndefined();
    expect(asked.map((a) => a.length - 1)).toEqual([20, 5]);
  });

  it('asks again after a failed load or renewal, not before the pause', async () => {
    const { cache, asked, advance } = harness(() => Promise.reject(new Error('offline')));
    cache.current('c1', image('k1', undefined));
    await settle();
    cache.failed('c1', 'k1');
    await settle();
    advance(IMAGE_URL_RETRY_MS + 1);
    cache.failed('c1', 'k1');
    await settle();
    expect(asked).toEqual([
      ['c1', 'k1'],
      ['c1', 'k1'],
    ]);
  });
});
