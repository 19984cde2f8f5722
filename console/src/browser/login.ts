/**
 * Logging in from the browser: `POST /login` with the local stack's dev code `dev-<user id>`
 * (docs/protocol.md §1) gives a token. The session is kept in `sessionStorage`, which belongs to
 * one tab: two tabs side by side can be two different users (a student and the desk), and a
 * reload keeps the tab logged in. The chat core asks for a fresh session before the token
 * expires and after repeated handshake failures.
 */
import {
  LoginError,
  type Session,
  type SessionProvider,
  sessionFromLogin,
} from '../../../client/index';

export const SESSION_KEY = 'campus-chat.session';
/** What the local stack's WeChat stand-in accepts after `dev-`. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const LOGIN_TIMEOUT_MS = 8000;

/** Logs in as `userId` (with a display name, if given). */
export async function login(
  loginUrl: string,
  userId: string,
  name?: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Session> {
  if (!USER_ID_PATTERN.test(userId)) {
    throw new LoginError('BAD_REQUEST', 'A user id is 1–32 letters, digits, _ or -.');
  }
  let response: Response;
  try {
    response = await fetchImpl(loginUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(name ? { code: `dev-${userId}`, name } : { code: `dev-${userId}` }),
      signal: AbortSignal.timeout(LOGIN_TIMEOUT_MS),
    });
  } catch {
    throw new LoginError('NETWORK', 'The server cannot be reached.');
  }
  const body: unknown = await response.json().catch(() => undefined);
  return sessionFromLogin(response.status, body);
}

/** The tab's stored session, if it has not expired. */
export function storedSession(area: Storage | undefined): Session | undefined {
  try {
    const raw = area?.getItem(SESSION_KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string' || !(session.expiresAt > Date.now())) return undefined;
    if (!USER_ID_PATTERN.test(session.user?.id ?? '')) return undefined;
    return session;
  } catch {
    return undefined;
  }
}

export function saveSession(area: Storage | undefined, session: Session): void {
  try {
    area?.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Without storage the tab simply logs in again after a reload.
  }
}

export function forgetSession(area: Storage | undefined): void {
  try {
    area?.removeItem(SESSION_KEY);
  } catch {
    // Nothing stored.
  }
}

/**
 * The chat core's SessionProvider for a logged-in tab: the current session, or a new login as
 * the same user when asked (the server keeps the display name when none is sent).
 */
export function sessionProvider(
  loginUrl: string,
  initial: Session,
  area: Storage | undefined,
): SessionProvider {
  let current = initial;
  return async ({ fresh }) => {
    if (!fresh && current.expiresAt > Date.now()) return current;
    current = await login(loginUrl, initial.user.id);
    saveSession(area, current);
    return current;
  };
}
