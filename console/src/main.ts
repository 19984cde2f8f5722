/**
 * The browser console's entry point: read config.json, log in (or reuse this tab's session), then
 * run the shared ChatClient core (client/) on the browser's WebSocket and localStorage.
 */
import './styles.css';
import { ChatClient, LoginError, type Session, type Translator } from '../../client/index';
import { BrowserImageUploader } from './browser/image-uploader';
import { watchBrowser } from './browser/lifecycle';
import { forgetSession, saveSession, sessionProvider, storedSession } from './browser/login';
import { durableStorage } from './browser/web-storage';
import { webSocketTransport } from './browser/websocket-transport';
import { type ConsoleConfig, loadConfig } from './config';
import { replaceChildren } from './dom';
import { consoleTranslator } from './i18n';
import { AppView } from './views/app-view';
import { loginView, type SessionKind } from './views/login-view';

/** How this tab's session began (scan or dev login), beside the session in sessionStorage. */
const SESSION_KIND_KEY = 'campus-chat.session-kind';

function storedKind(area: Storage | undefined): SessionKind {
  try {
    return area?.getItem(SESSION_KIND_KEY) === 'scan' ? 'scan' : 'dev';
  } catch {
    return 'dev';
  }
}

function saveKind(area: Storage | undefined, kind: SessionKind): void {
  try {
    area?.setItem(SESSION_KIND_KEY, kind);
  } catch {
    // Without storage the tab logs in again after a reload.
  }
}

/** The tab's own storage for the session; undefined when the browser refuses storage. */
function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** Outbox key per user: unsent messages wait for the same user, also after the tab is closed. */
function outboxKey(userId: string): string {
  return `campus-chat.outbox.${userId}`;
}

function showLogin(
  tr: Translator,
  root: HTMLElement,
  config: ConsoleConfig,
  notice?: string,
): void {
  replaceChildren(
    root,
    loginView(
      tr,
      config,
      (session, kind) => {
        saveSession(tabStorage(), session);
        saveKind(tabStorage(), kind);
        void showApp(tr, root, config, session, kind);
      },
      notice,
    ),
  );
}

async function showApp(
  tr: Translator,
  root: HTMLElement,
  config: ConsoleConfig,
  session: Session,
  kind: SessionKind,
): Promise<void> {
  const { storage, durable } = durableStorage();
  // A scanned session cannot renew itself: when its token expires or is refused (signed out from
  // the phone), the console goes back to the code. A dev session logs in again as the same user.
  const scanned =
    (): ReturnType<typeof sessionProvider> =>
    async ({ fresh }) => {
      if (!fresh && session.expiresAt > Date.now()) return session;
      queueMicrotask(() => end(tr.t('login.scan.ended')));
      throw new LoginError('EXPIRED', 'the console session ended');
    };
  const uploader = new BrowserImageUploader();
  const client = new ChatClient({
    url: config.websocketUrl,
    transport: webSocketTransport(),
    session: kind === 'scan' ? scanned() : sessionProvider(config.loginUrl, session, tabStorage()),
    storage,
    storageKey: outboxKey(session.user.id),
    imageUploader: uploader,
  });
  let ended = false;
  const end = (notice?: string) => {
    if (ended) return;
    ended = true;
    unwatch();
    app.dispose();
    client.stop();
    // Unsent messages stay stored for this user's next login.
    forgetSession(tabStorage());
    showLogin(tr, root, config, notice);
  };
  const signOut = (notice?: string) => end(notice);
  // GET /export sits beside /login on the HTTP API; the token is the session's latest (renewed).
  const exports = {
    url: new URL('export', config.loginUrl).href,
    token: () => storedSession(tabStorage())?.token ?? session.token,
  };
  const app = new AppView(tr, client, session.user, signOut, durable, uploader, exports);
  const unwatch = watchBrowser(client, () => app.visible());
  // The stored outbox first: the views show what is still waiting to be sent from the start.
  await client.start();
  replaceChildren(root, app.element);
  app.mount();
}

async function main(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) throw new Error('index.html has no #app');
  const tr = consoleTranslator();
  const config = await loadConfig(window.location.href);
  const session = storedSession(tabStorage());
  if (session) await showApp(tr, root, config, session, storedKind(tabStorage()));
  else showLogin(tr, root, config);
}

void main();
