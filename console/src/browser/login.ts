/**
 * Logging in from the browser: `POST /login` with the local stack's dev code `dev-<user id>`
 * (docs/protocol.md §1) gives a token. The session is kept in `sessionStorage`, which belongs to
 * one tab: two tabs side by side can be two different users (a student and the desk), and a
 * reload keeps the tab logged in. The chat core asks for a fresh session before the token
 * expires and after repeated handshake failures.
 */
import {
  DEV_USER_ID_PATTERN,
  LOGIN_TIMEOUT_MS,
  LoginError,
  SESSION_STORAGE_KEY,
  type Session,
  type SessionProvider,
  sessionFromLogin,
  usableSession,
} from '../../../client/index';

/** Logs in as `userId` (with a display name, if given). */
export async function login(
  loginUrl: string,
  userId: string,
  name?: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Session> {
  if (!DEV_USER_ID_PATTERN.test(userId)) {
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
  let raw: string | null | undefined;
  try {
    raw = area?.getItem(SESSION_STORAGE_KEY);
  } catch {
    return undefined;
  }
  const session = usableSession(raw, Date.now());
  return session && DEV_USER_ID_PATTERN.test(session.user.id) ? session : undefined;
}

export function saveSession(area: Storage | undefined, session: Session): void {
  try {
    area?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Without storage the tab simply logs in again after a reload.
  }
}

export function forgetSession(area: Storage | undefined): void {
  try {
    area?.removeItem(SESSION_STORAGE_KEY);
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
