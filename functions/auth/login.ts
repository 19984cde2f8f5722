/**
 * POST /login: a `wx.login` code in, a session token out. Every failure is a 4xx/5xx with a JSON
 * error, never an exception out of the handler.
 */
import * as v from 'valibot';
import type { UserStore } from '../domain/ports';
import { normalizeDisplayName } from '../domain/text';
import type { LoginFailure, LoginReply } from '../protocol/login';
import type { Role } from '../protocol/server-frames';
import type { TokenService } from './tokens';
import { type WeChatFailure, WeChatLoginError, type WeChatSessionClient } from './wechat-session';

const LoginBody = v.object({
  code: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  name: v.optional(v.unknown()),
});

export interface LoginDeps {
  readonly users: UserStore;
  readonly wechat: WeChatSessionClient;
  readonly tokens: TokenService;
  readonly admins: ReadonlySet<string>;
  readonly now: () => number;
}

export interface LoginResponse {
  readonly status: number;
  readonly body: LoginReply | LoginFailure;
}

const FAILURES: Record<WeChatFailure, { status: number; code: string }> = {
  invalidCode: { status: 401, code: 'INVALID_CODE' },
  rateLimited: { status: 429, code: 'RATE_LIMITED' },
  blockedUser: { status: 403, code: 'FORBIDDEN' },
  unavailable: { status: 503, code: 'UNAVAILABLE' },
};

function failure(status: number, code: string, message: string): LoginResponse {
  return { status, body: { error: { code, message } } };
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
    const { status, code } = FAILURES[error.reason];
    return failure(status, code, error.message);
  }

  const existing = await deps.users.get(openid);
  if (existing?.blocked) return failure(403, 'FORBIDDEN', 'this account is blocked');
  const role: Role = deps.admins.has(openid) ? 'admin' : 'student';
  const name = normalizeDisplayName(parsed.output.name) ?? existing?.name ?? defaultName(openid);
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

/** A first display name: a short id as is (the local stand-in), else a hint of the openid. */
function defaultName(userId: string): string {
  return userId.length <= 16 ? userId : `User ${userId.slice(-4)}`;
}
