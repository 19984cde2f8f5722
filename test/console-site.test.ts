/**
 * The local stack serves the browser console at `/` as a static host would: content types,
 * caching (hashed assets immutable, index.html and config.json revalidated), ETags, gzip, 404 and
 * 405 — next to the routes it had before — and the Content-Security-Policy header that lets
 * pictures load from and upload to the local S3 and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('console site over HTTP', () => {
  it('serves the page at / with no-cache, hashed assets immutable, config.json, and 404s', async () => {
    // Act
    const page = await fetch(stack.urls.console);
    const html = await page.text();
    const script = /src="\.\/(assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const styles = /href="\.\/(assets\/app-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    const js = await fetch(`${stack.urls.http}/${script}`);
    const css = await fetch(`${stack.urls.http}/${styles}`);
    const config = await fetch(`${stack.urls.http}/config.json`);
    const revalidated = await fetch(stack.urls.console, {
      headers: { 'if-none-match': page.headers.get('etag') ?? '' },
    });
    const missingAsset = await fetch(`${stack.urls.http}/assets/app-AAAAAAAA.js`);
    const missingPage = await fetch(`${stack.urls.http}/admin`);
    const post = await fetch(stack.urls.console, { method: 'POST', body: '{}' });
    const health = await fetch(`${stack.urls.http}/health`);

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).toContain('<html lang="zh-CN">');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Node's fetch asks for gzip and decodes it: the script arrives compressed and intact.
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(await js.text()).toContain('sendmessage');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(config.headers.get('cache-control')).toBe('no-cache');
    expect(await config.json()).toEqual({ websocketUrl: '/local', loginUrl: '/login' });
    expect(revalidated.status).toBe(304);
    expect(missingAsset.status).toBe(404);
    expect(missingPage.status).toBe(404);
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(health.status).toBe(200);
  });

  it('sends a CSP naming the local S3 for pictures, the meta keeping the shared rules', async () => {
    // Act
    const page = await fetch(stack.urls.console);
    const html = await page.text();
    const csp = String(page.headers.get('content-security-policy'));
    const directive = (name: string) =>
      csp
        .split('; ')
        .find((d) => d.startsWith(`${name} `))
        ?.split(' ')
        .slice(1);
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const s3 = new URL(stack.s3.endpoint).origin;

    // Assess: thumbnails and the lightbox load from s3rver (img-src), uploads post to it
    // (connect-src); blob: is the picked picture's preview. The meta may not widen anything.
    expect(s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(directive('default-src')).toEqual(["'none'"]);
    expect(directive('img-src')).toEqual(["'self'", 'data:', 'blob:', s3]);
    expect(directive('connect-src')).toEqual(["'self'", s3]);
    expect(directive('frame-ancestors')).toEqual(["'none'"]);
    expect(meta).toBe(
      "script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
    );
  });
});
