/**
 * The console's Content-Security-Policy header, one definition for both hosts: the local stack
 * (local/console-site.ts) and CloudFront on AWS (infra/lib/console-hosting.ts). `index.html`
 * carries only what does not depend on the deployment (script-src, style-src, object-src,
 * base-uri, form-action) in a <meta>; a page's policies all apply, so the origins a deployment
 * adds — the APIs, the image bucket — must be in the header, never widened in the meta.
 */

export interface ConsolePolicyOrigins {
  /** The WebSocket and HTTP API origins, e.g. `wss://chat.example.edu.cn` ('self' is always in). */
  readonly connectOrigins: readonly string[];
  /**
   * The image bucket's origin(s): pictures load from there (presigned GET) and are posted there
   * (presigned POST), so they are in img-src and connect-src. s3rver locally, the bucket's
   * regional endpoint on AWS.
   */
  readonly imageOrigins: readonly string[];
}

export function consoleContentSecurityPolicy(origins: ConsolePolicyOrigins): string {
  const list = (values: readonly string[]) => values.map((v) => ` ${v}`).join('');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // data: for mini-program codes (a PNG data: URL); blob: for a picked picture's preview (an
    // object URL) while it uploads.
    `img-src 'self' data: blob:${list(origins.imageOrigins)}`,
    "font-src 'self'",
    `connect-src 'self'${list(origins.connectOrigins)}${list(origins.imageOrigins)}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
