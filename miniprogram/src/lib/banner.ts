/**
 * The connection banner of the pages. The wording is shared with the browser console
 * (`bannerFor` in client/display.ts); a phone shows it only when something is wrong: not while
 * online or on the first connect, and not while the app is in the background.
 */
import { bannerFor, type ChatClient, type ConnectionState } from '../core';

/** The banner text for a connection state (empty: no banner). */
export function bannerText(state: ConnectionState, now: number): string {
  const banner = bannerFor(state, now);
  if (banner.status === 'online' || banner.status === 'connecting') return '';
  if (state.status === 'offline' && state.reason !== 'network') return '';
  return banner.text;
}

/**
 * Shows the banner now and on every state change, counting "Reconnecting in N s…" down each
 * second while it waits. Returns the function that stops it (page unload).
 */
export function watchBanner(
  client: Pick<ChatClient, 'on' | 'state'>,
  show: (text: string) => void,
): () => void {
  let ticker: ReturnType<typeof setInterval> | undefined;
  const stopTicker = () => {
    if (ticker !== undefined) clearInterval(ticker);
    ticker = undefined;
  };
  const render = (state: ConnectionState) => {
    show(bannerText(state, Date.now()));
    if (state.status !== 'reconnecting') stopTicker();
    else ticker ??= setInterval(() => render(client.state), 1000);
  };
  const off = client.on('state', render);
  render(client.state);
  return () => {
    off();
    stopTicker();
  };
}
