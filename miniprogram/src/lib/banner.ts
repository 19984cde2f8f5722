/**
 * The connection banner of the pages. The wording is shared with the browser console
 * (`bannerFor` in client/display.ts); a phone shows it only when something is wrong: not while
 * online or on the first connect, and not while the app is in the background.
 */
import { bannerFor, type ChatClient, type ConnectionState, type Translator } from '../core';

/** The banner text for a connection state (empty: no banner). */
export function bannerText(tr: Translator, state: ConnectionState, now: number): string {
  const banner = bannerFor(tr, state, now);
  if (banner.status === 'online' || banner.status === 'connecting') return '';
  if (state.status === 'offline' && state.reason !== 'network') return '';
  return banner.text;
}

/**
 * Shows the banner now and on every state change, counting "N 秒后重新连接…" down each second
 * while it waits; `show` is called only when the text changes. Returns the function that stops
 * it (page unload).
 */
export function watchBanner(
  tr: Translator,
  client: Pick<ChatClient, 'on' | 'state'>,
  show: (text: string) => void,
): () => void {
  let ticker: ReturnType<typeof setInterval> | undefined;
  let shown: string | undefined;
  const stopTicker = () => {
    if (ticker !== undefined) clearInterval(ticker);
    ticker = undefined;
  };
  const render = (state: ConnectionState) => {
    const text = bannerText(tr, state, Date.now());
    if (text !== shown) {
      shown = text;
      show(text);
    }
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
