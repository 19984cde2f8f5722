/**
 * Logging in: `wx.login` gives a one-time code, `POST /login` exchanges it for our token
 * (docs/protocol.md §1). The session (token, expiry, user) is kept in storage so the app starts
 * connected; the chat core asks for a fresh one before the token expires and after repeated
 * handshake failures.
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
} from '../core';
import { serverConfig } from './environment';
import { wxStorage } from './storage';
import { globalWx, type WxApi } from './wx-api';

/** Local stack only: the user id this phone logs in as (see ServerConfig.devLogin). */
export const DEV_USER_KEY = 'campus-chat.dev-user';

function wxLoginCode(api: WxApi): Promise<string> {
  return new Promise((resolve, reject) => {
    api.login({
      success: ({ code }) => resolve(code),
      fail: (error) => reject(new LoginError('NETWORK', error.errMsg)),
    });
  });
}

function postLogin(api: WxApi, body: { code: string; name?: string }): Promise<Session> {
  return new Promise((resolve, reject) => {
    api.request({
      url: serverConfig(api).loginUrl,
      method: 'POST',
      header: { 'content-type': 'application/json' },
      data: body,
      dataType: 'json',
      timeout: LOGIN_TIMEOUT_MS,
      success: ({ statusCode, data }) => {
        try {
          resolve(sessionFromLogin(statusCode, data));
        } catch (error) {
          reject(error);
        }
      },
      fail: (error) => reject(new LoginError('NETWORK', error.errMsg)),
    });
  });
}

/** Whether the login page must ask for a local user id (local stack). */
export function usesDevLogin(api: WxApi = globalWx()): boolean {
  return serverConfig(api).devLogin === true;
}

/** The local user id this phone used last, if any. */
export async function storedDevUser(api: WxApi = globalWx()): Promise<string | undefined> {
  return wxStorage(api).get(DEV_USER_KEY);
}

/** The login code: from wx.login, or `dev-<user>` for the local stack's WeChat stand-in. */
async function loginCode(api: WxApi, devUser: string | undefined): Promise<string> {
  if (!usesDevLogin(api)) return wxLoginCode(api);
  const user = devUser ?? (await storedDevUser(api));
  if (!user || !DEV_USER_ID_PATTERN.test(user)) {
    throw new LoginError('BAD_REQUEST', 'local user id: 1-32 of A-Z a-z 0-9 _ -');
  }
  await wxStorage(api).set(DEV_USER_KEY, user);
  return `dev-${user}`;
}

/**
 * Logs in (with the display name from WeChat's nickname input, if given) and stores the session.
 * `devUser` is the local user id when talking to the local stack.
 */
export async function login(
  name?: string,
  api: WxApi = globalWx(),
  devUser?: string,
): Promise<Session> {
  const code = await loginCode(api, devUser);
  const session = await postLogin(api, name ? { code, name } : { code });
  await wxStorage(api).set(SESSION_STORAGE_KEY, JSON.stringify(session));
  return session;
}

/** The stored session, if there is one that has not expired. */
export async function storedSession(api: WxApi = globalWx()): Promise<Session | undefined> {
  return usableSession(await wxStorage(api).get(SESSION_STORAGE_KEY), Date.now());
}

/** Forgets the session (sign out). */
export function forgetSession(api: WxApi = globalWx()): Promise<void> {
  return wxStorage(api).remove(SESSION_STORAGE_KEY);
}

/** The chat core's SessionProvider: the stored session, or a new login when asked or needed. */
export function sessionProvider(api: WxApi = globalWx()): SessionProvider {
  return async ({ fresh }) => {
    if (!fresh) {
      const stored = await storedSession(api);
      if (stored) return stored;
    }
    // The server keeps the display name when none is sent.
    return login(undefined, api);
  };
}
