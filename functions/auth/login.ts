/**
 * POST /login: a `wx.login` code in, a session token out. Every failure is a 4xx/5xx with a JSON
 * error, never an exception out of the handler.
 */
import * as v from 'valibot';
import { admitContent } from '../domain/content-check';
import type { ContentChecker, Log, UserStore } from '../domain/ports';
import { BadRequestError, ChatError } from '../domain/errors';
import { validateDisplayName } from '../domain/text';
import type { ContentLabel } from '../../protocol/content-labels';
import type { LoginFailure, LoginReply } from '../../protocol/login';
import type { Role } from '../../protocol/server-frames';
import type { TokenService } from './tokens';
import { type WeChatFailure, WeChatLoginError, type WeChatSessionClient } from './wechat-session';

const LoginBody = v.object({
  code: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  name: v.optional(v.unknown()),
});

export interface LoginDeps {
  /** Login reads and records the user; nothing else of the store. */
  readonly users: Pick<UserStore, 'get' | 'recordLogin'>;
  readonly wechat: WeChatSessionClient;
  readonly tokens: TokenService;
  /**
   * The user's role now: the staff table, seeded from ADMINS when it has no manager
   * (functions/domain/staff-directory.ts roleAtLogin).
   */
  readonly roleOf: (userId: string) => Promise<Role>;
  /** Names a student may not take (the desk's title): they would read as the desk. */
  readonly reservedNames: readonly string[];
  readonly now: () => number;
  /** Where the upstream detail of a failed code exchange goes (never to the client). */
  readonly logFailure?: (reason: WeChatFailure, detail: string) => void;
  /** Content security for a new display name (WeChat msgSecCheck, scene 1). */
  readonly content: ContentChecker;
  readonly log: Log;
}

export interface LoginResponse {
  readonly status: number;
  readonly body: LoginReply | LoginFailure;
}

/**
 * What each failed exchange answers. The messages are ours and fixed: WeChat's error text (or a
 * network error's) is logged, never returned.
 */
const FAILURES: Record<WeChatFailure, { status: number; code: string; message: string }> = {
  invalidCode: {
    status: 401,
    code: 'INVALID_CODE',
    message: 'the login code is invalid or was already used',
  },
  rateLimited: { status: 429, code: 'RATE_LIMITED', message: 'too many logins; retry in a minute' },
  blockedUser: { status: 403, code: 'FORBIDDEN', message: 'this account is blocked' },
  unavailable: {
    status: 503,
    code: 'UNAVAILABLE',
    message: 'the login service cannot be reached; retry',
  },
};

function failure(
  status: number,
  code: string,
  message: string,
  label?: ContentLabel,
): LoginResponse {
  return { status, body: { error: { code, message, ...(label ? { label } : {}) } } };
}

/** Logs a user in from the raw request body. */
export async function login(deps: LoginDeps, rawBody: string | undefined): Promise<LoginResponse> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody ?? '');
  } catch {
    return failure(400, 'BAD_REQUEST', 'the body must be JSON: {"code": "...", "name": "..."}');
  }
  const parsed = v.safeParse(LoginBody, json);
  if (!parsed.success)
    return failure(400, 'BAD_REQUEST', 'code is required (a string from wx.login)');

  let openid: string;
  try {
    ({ openid } = await deps.wechat.exchange(parsed.output.code));
  } catch (error) {
    if (!(error instanceof WeChatLoginError)) throw error;
    deps.logFailure?.(error.reason, error.message);
    const { status, code, message } = FAILURES[error.reason];
    return failure(status, code, message);
  }

  const existing = await deps.users.get(openid);
  if (existing?.blocked) return failure(403, 'FORBIDDEN', 'this account is blocked');
  const role: Role = await deps.roleOf(openid);
  let name: string;
  try {
    const chosen = chosenName(parsed.output.name, role, deps.reservedNames);
    // A name the user typed is shown to others: checked before it is stored, unless it is the
    // one already stored (checked when it was chosen). The author is the openid just verified,
    // who is using the mini-program right now (msgSecCheck's two-hour rule).
    if (chosen !== undefined && chosen !== existing?.name) {
      await admitContent(deps, chosen, 'displayName', { userId: openid }, 'everyone');
    }
    name = chosen ?? existing?.name ?? defaultName(openid);
  } catch (error) {
    if (!(error instanceof ChatError)) throw error;
    if (error.code === 'CONTENT_REJECTED') {
      return failure(400, 'CONTENT_REJECTED', 'this name cannot be used', error.label);
    }
    if (error.code === 'UNAVAILABLE') {
      return failure(503, 'UNAVAILABLE', 'the name cannot be checked now; retry');
    }
    return failure(400, 'BAD_REQUEST', error.message);
  }
  const user = await deps.users.recordLogin({ userId: openid, name, role }, deps.now());
  const { token, expiresAt } = await deps.tokens.issue({
    userId: user.userId,
    name: user.name,
    role: user.role,
  });
  return {
    status: 200,
    body: {
      token,
      user: { id: user.userId, name: user.name, role: user.role },
      expiresAt: new Date(expiresAt).toISOString(),
    },
  };
}

/**
 * The display name a login asks for (undefined when it asks for none: the previous one stays).
 * Refused, as everywhere, rather than cleaned: see protocol/text-rules.ts.
 */
function chosenName(name: unknown, role: Role, reserved: readonly string[]): string | undefined {
  if (name === undefined || name === null || name === '') return undefined;
  if (typeof name !== 'string') throw new BadRequestError('name must be a string');
  return validateDisplayName(name, reserved, role);
}

/** A first display name: a short id as is (the local stand-in), else a hint of the openid. */
function defaultName(userId: string): string {
  return userId.length <= 16 ? userId : `User ${userId.slice(-4)}`;
}
