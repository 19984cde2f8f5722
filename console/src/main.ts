/**
 * The browser console's entry point: read config.json, log in (or reuse this tab's session), then
 * run the shared ChatClient core (client/) on the browser's WebSocket and localStorage.
 */
import './styles.css';
import { ChatClient, type Session, type Translator } from '../../client/index';
import { watchBrowser } from './browser/lifecycle';
import { forgetSession, saveSession, sessionProvider, storedSession } from './browser/login';
import { durableStorage } from './browser/web-storage';
import { webSocketTransport } from './browser/websocket-transport';
import { type ConsoleConfig, loadConfig } from './config';
import { replaceChildren } from './dom';
import { consoleTranslator } from './i18n';
import { AppView } from './views/app-view';
import { loginView } from './views/login-view';

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

function showLogin(tr: Translator, root: HTMLElement, config: ConsoleConfig): void {
  replaceChildren(
    root,
    loginView(tr, config.loginUrl, (session) => {
      saveSession(tabStorage(), session);
      void showApp(tr, root, config, session);
    }),
  );
}

async function showApp(
  tr: Translator,
  root: HTMLElement,
  config: ConsoleConfig,
  session: Session,
): Promise<void> {
  const { storage, durable } = durableStorage();
  const client = new ChatClient({
    url: config.websocketUrl,
    transport: webSocketTransport(),
    session: sessionProvider(config.loginUrl, session, tabStorage()),
    storage,
    storageKey: outboxKey(session.user.id),
  });
  const signOut = () => {
    unwatch();
    app.dispose();
    client.stop();
    // Unsent messages stay stored for this user's next login.
    forgetSession(tabStorage());
    showLogin(tr, root, config);
  };
  const app = new AppView(tr, client, session.user, signOut, durable);
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
  if (session) await showApp(tr, root, config, session);
  else showLogin(tr, root, config);
}

void main();
