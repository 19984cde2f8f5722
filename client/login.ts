/**
 * Reading the reply of `POST /login` (docs/protocol.md §1) into a Session. Each platform makes the
 * request its own way (`wx.request`, `fetch`); what the reply means is decided here, once.
 */
import * as v from 'valibot';
import { LoginFailure, LoginReply } from '../protocol/login';
import type { ContentLabel } from '../protocol/content-labels';
import type { Session } from './session';

/** Login failed: `code` is the server's error code (INVALID_CODE, FORBIDDEN…) or NETWORK. */
export class LoginError extends Error {
  override readonly name = 'LoginError';
  constructor(
    readonly code: string,
    message: string,
    /** CONTENT_REJECTED (a display name): what content security found. */
    readonly label?: ContentLabel,
  ) {
    super(message);
  }
}

/**
 * The session a login reply carries, or a LoginError with the server's code — `HTTP_<status>` when
 * the reply is not the protocol's (a proxy's error page, a truncated body).
 */
export function sessionFromLogin(status: number, body: unknown): Session {
  if (status === 200) {
    const reply = v.safeParse(LoginReply, body);
    if (reply.success) {
      const { token, user, expiresAt } = reply.output;
      return { token, expiresAt: Date.parse(expiresAt), user };
    }
  }
  const failure = v.safeParse(LoginFailure, body);
  if (failure.success) {
    const { code, message, label } = failure.output.error;
    throw new LoginError(code, message, label);
  }
  throw new LoginError(`HTTP_${status}`, `Login failed (HTTP ${status}).`);
}

/** Where both apps keep the session (the mini-program in wx storage, the console per tab). */
export const SESSION_STORAGE_KEY = 'campus-chat.session';

/** User ids the local stack's WeChat stand-in accepts after `dev-` (docs/protocol.md §1). */
export const DEV_USER_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The user-id case policy. On the server a user id is an exact string (on WeChat it is an
 * openid, which is case-sensitive), so `Admin` and `admin` would be two accounts, and typing
 * `Admin` would silently make a student. The apps' local-login forms therefore treat the id as
 * not case-sensitive: what is typed is trimmed and lower-cased before `dev-<id>` is sent, and the
 * forms say so. (`ADMINS` lists lower-case ids.)
 */
export function normalizeDevUserId(typed: string): string {
  return typed.trim().toLowerCase();
}

/** How long a login may take: under the chat core's connect timeout, so a hung one fails. */
export const LOGIN_TIMEOUT_MS = 8000;

/** A stored session that is well-formed and not yet expired at `now`; else undefined. */
export function usableSession(raw: string | null | undefined, now: number): Session | undefined {
  if (!raw) return undefined;
  try {
    const session = JSON.parse(raw) as Partial<Session> | null;
    if (typeof session?.token !== 'string' || !(Number(session.expiresAt) > now)) return undefined;
    if (typeof session.user?.id !== 'string') return undefined;
    return session as Session;
  } catch {
    return undefined;
  }
}
