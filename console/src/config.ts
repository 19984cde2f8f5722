/**
 * Where the console's servers are. The build ships `config.json` beside `index.html` with URLs
 * relative to the page's origin (`/local`, `/login`: the local stack that serves the page); a
 * static deployment replaces it with absolute URLs (`wss://…`, `https://…/login`) without
 * rebuilding. Without a readable config.json the page falls back to the same origin-relative
 * defaults.
 */

export interface ConsoleConfig {
  /** WebSocket API, without the token (the client appends `?token=`). */
  readonly websocketUrl: string;
  /** POST /login of the HTTP API. */
  readonly loginUrl: string;
  /** POST /weblogin of the HTTP API (scan to log in); tickets are polled below it. */
  readonly webLoginUrl: string;
  /**
   * Whether the local stack's dev login (any user id) is offered. Only the local stack accepts
   * it; the config.json the CDK stack deploys sets `false`, leaving scan to log in.
   */
  readonly devLogin: boolean;
}

/** What the local stack serves: its WebSocket API, /login and /weblogin on the page's origin. */
export const DEFAULT_CONFIG: ConsoleConfig = {
  websocketUrl: '/local',
  loginUrl: '/login',
  webLoginUrl: '/weblogin',
  devLogin: true,
};

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/**
 * Resolves a config (parsed config.json, or anything else: missing fields use the defaults)
 * against the page URL. The WebSocket URL gets `ws:` on an `http:` page and `wss:` on `https:`
 * when it is relative.
 */
export function resolveConfig(raw: unknown, pageUrl: string): ConsoleConfig {
  const fields = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const websocket = new URL(text(fields.websocketUrl, DEFAULT_CONFIG.websocketUrl), pageUrl);
  if (websocket.protocol === 'http:') websocket.protocol = 'ws:';
  if (websocket.protocol === 'https:') websocket.protocol = 'wss:';
  const login = new URL(text(fields.loginUrl, DEFAULT_CONFIG.loginUrl), pageUrl);
  const webLogin = new URL(text(fields.webLoginUrl, DEFAULT_CONFIG.webLoginUrl), pageUrl);
  return {
    websocketUrl: websocket.href,
    loginUrl: login.href,
    webLoginUrl: webLogin.href,
    devLogin: fields.devLogin !== false,
  };
}

/** Reads `config.json` next to the page; falls back to the defaults when it cannot be read. */
export async function loadConfig(
  pageUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ConsoleConfig> {
  try {
    const response = await fetchImpl(new URL('config.json', pageUrl).href, { cache: 'no-cache' });
    if (response.ok) return resolveConfig(await response.json(), pageUrl);
  } catch {
    // Opened from a folder without config.json, or not JSON: the defaults are the local stack's.
  }
  return resolveConfig({}, pageUrl);
}
