/**
 * Feeds the browser's network and visibility to the chat core. Unlike WeChat, a browser keeps a
 * background tab's socket open, and a desk admin's console must keep receiving there, so a hidden
 * tab is never reported as "background"; coming back to the tab (or waking the laptop) probes the
 * socket, which replaces a dead one within seconds.
 */
import type { ChatClient } from '../../../client/index';

/** Starts watching; returns the function that stops. */
export function watchBrowser(client: ChatClient, onVisible: () => void): () => void {
  const online = () => client.setNetworkAvailable(true);
  const offline = () => client.setNetworkAvailable(false);
  const visibility = () => {
    if (document.visibilityState !== 'visible') return;
    client.setForeground(true);
    onVisible();
  };
  // A page restored from the back/forward cache had its socket closed.
  const pageShow = (event: PageTransitionEvent) => {
    if (event.persisted) client.reconnectNow();
  };
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  document.addEventListener('visibilitychange', visibility);
  window.addEventListener('pageshow', pageShow);
  if (!navigator.onLine) client.setNetworkAvailable(false);
  return () => {
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
    document.removeEventListener('visibilitychange', visibility);
    window.removeEventListener('pageshow', pageShow);
  };
}

/** Whether the user can see the page (messages shown count as read only then). */
export function pageVisible(): boolean {
  return document.visibilityState === 'visible';
}
