/**
 * The app's one ChatClient: created on first use with the WeChat transport, storage and login,
 * started, and wired to the app lifecycle. Pages get it with `startChat()`.
 */
import { ChatClient, type ConnectionPolicy, type SessionUser } from '../core';
import { serverConfig } from './environment';
import { watchLifecycle } from './lifecycle';
import { forgetSession, login, sessionProvider, storedSession } from './login';
import { socketTransport } from './socket-transport';
import { wxImageUploader } from './media';
import { wxStorage } from './storage';
import { globalWx, type WxApi } from './wx-api';

export const OUTBOX_KEY = 'campus-chat.outbox';

/** A ChatClient on the given wx API (not started). */
export function createChatClient(
  api: WxApi = globalWx(),
  policy: Partial<ConnectionPolicy> = {},
): ChatClient {
  return new ChatClient({
    url: serverConfig(api).websocketUrl,
    transport: socketTransport(api),
    session: sessionProvider(api),
    storage: wxStorage(api),
    storageKey: OUTBOX_KEY,
    policy,
    // Image messages post their pictures with wx.uploadFile (services/media.ts).
    imageUploader: wxImageUploader(api),
  });
}

let current: { client: ChatClient; started: Promise<void>; unwatch: () => void } | undefined;

/** The app's ChatClient, started (the first call creates it). */
export async function startChat(api: WxApi = globalWx()): Promise<ChatClient> {
  if (!current) {
    const client = createChatClient(api);
    const unwatch = watchLifecycle(client, api);
    current = { client, started: client.start(), unwatch };
  }
  await current.started;
  return current.client;
}

/**
 * Who is logged in: the client's session, or before its first connect the stored one (a page can
 * render before the socket is up, e.g. offline).
 */
export async function currentUser(api: WxApi = globalWx()): Promise<SessionUser | undefined> {
  return current?.client.user ?? (await storedSession(api))?.user;
}

/** Stops the client and forgets the session and anything unsent (sign out). */
export async function signOut(api: WxApi = globalWx()): Promise<void> {
  if (current) {
    current.unwatch();
    current.client.stop();
    current = undefined;
  }
  await forgetSession(api);
  await wxStorage(api).remove(OUTBOX_KEY);
}

/**
 * Logs in again (the user's role changed: they joined the staff), stopping the client that runs on
 * the old session; the next `startChat` connects with the new one, whose user names the new role.
 * Unsent messages stay stored.
 */
export async function loginAgain(api: WxApi = globalWx()): Promise<void> {
  if (current) {
    current.unwatch();
    current.client.stop();
    current = undefined;
  }
  await login(undefined, api);
}
