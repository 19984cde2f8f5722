/**
 * Serves the browser console (console/) from the local stack's port, as a static host would:
 * `GET /` is index.html; hashed assets are cached for a year (`immutable`), index.html and
 * config.json are revalidated on every load (`no-cache` + ETag); gzip when the browser accepts
 * it; HEAD; 405 for other methods; anything else falls through to the stack's 404. The site is
 * built from source in memory on first use (or read from a prebuilt folder).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildConsole, type ConsoleBuild } from '../console/scripts/build';
import { consoleContentSecurityPolicy } from '../console/scripts/content-security-policy';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.map']);
/** esbuild's `[name]-[hash]` names: the content decides the name, so it may be cached forever. */
const HASHED = /^assets\/[^/]+-[A-Z0-9]{8}\.[a-z]+$/;

interface ServedFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly etag: string;
  readonly contentType: string;
  readonly cacheControl: string;
}

function serve(path: string, contents: Uint8Array): ServedFile {
  const body = Buffer.from(contents);
  const ext = extname(path);
  return {
    body,
    gzip: COMPRESSIBLE.has(ext) ? gzipSync(body) : undefined,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    cacheControl: HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A prebuilt site folder (console/dist) as build output, for serving it as it is. */
export function readSiteFolder(dir: string): ConsoleBuild {
  const files = filesUnder(dir).map((path) => {
    const contents = readFileSync(path);
    return {
      path: relative(dir, path).split(sep).join('/'),
      contents,
      bytes: contents.byteLength,
      gzipBytes: gzipSync(contents).byteLength,
    };
  });
  return { files, pageGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

export class ConsoleSite {
  private loading: Promise<{ build: ConsoleBuild; files: Map<string, ServedFile> }> | undefined;

  /**
   * `source` produces the site: by default the console built from source in memory.
   * `imageOrigins` names the local S3 (s3rver) for the page's CSP, read per request because it
   * starts after the site is created.
   */
  constructor(
    private readonly source: () => Promise<ConsoleBuild> = () => buildConsole(),
    private readonly imageOrigins: () => readonly string[] = () => [],
  ) {}

  /** Builds (or reads) the site once; resolves with what is served. */
  async ready(): Promise<ConsoleBuild> {
    return (await this.load()).build;
  }

  /**
   * Serves a request if its path is a file of the site (`/` is index.html). Resolves false for
   * any other path, so the caller can answer 404.
   */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const { files } = await this.load();
    const served = files.get(path);
    if (!served) return false;
    const gzip = served.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    // Each encoding is its own representation with its own strong validator.
    const etag = gzip ? `${served.etag.slice(0, -1)}-gz"` : served.etag;
    const headers: Record<string, string> = {
      'content-type': served.contentType,
      'cache-control': served.cacheControl,
      etag,
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    };
    if (path.endsWith('.html')) {
      // The deployment's origins and what a <meta> cannot say (frame-ancestors); index.html's
      // meta carries the rest (console/scripts/content-security-policy.ts).
      headers['content-security-policy'] = consoleContentSecurityPolicy({
        connectOrigins: [],
        imageOrigins: this.imageOrigins(),
      });
      headers['referrer-policy'] = 'no-referrer';
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Method Not Allowed' }));
      return true;
    }
    const candidates = String(request.headers['if-none-match'] ?? '').split(/\s*,\s*/);
    if (candidates.includes(etag) || candidates.includes('*')) {
      response.writeHead(304, headers).end();
      return true;
    }
    const body = gzip && served.gzip ? served.gzip : served.body;
    if (gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = String(body.byteLength);
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  }

  private load(): Promise<{ build: ConsoleBuild; files: Map<string, ServedFile> }> {
    if (!this.loading) {
      const loading = this.source().then((build) => ({
        build,
        files: new Map(build.files.map((f) => [f.path, serve(f.path, f.contents)])),
      }));
      // A failed build is tried again on the next request (e.g. after fixing a syntax error).
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }
}
