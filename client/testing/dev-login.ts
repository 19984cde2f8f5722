/**
 * Logging in to the local stack from Node, for suites and tools that run many real ChatClient
 * instances (the chaos suite, the load bench): `POST /login` with the WeChat stand-in's code
 * `dev-<user id>`, read by the same `sessionFromLogin` as the mini-program and the console.
 */
import { sessionFromLogin } from '../login';
import type { Session } from '../session';

/** Logs in as `userId` with the display name `name`; fails after `timeoutMs`. */
export async function devLogin(
  loginUrl: string,
  userId: string,
  name: string,
  timeoutMs: number,
): Promise<Session> {
  const response = await fetch(loginUrl, {
    method: 'POST',
    body: JSON.stringify({ code: `dev-${userId}`, name }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body: unknown = await response.json().catch(() => undefined);
  return sessionFromLogin(response.status, body);
}
