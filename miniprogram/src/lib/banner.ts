/**
 * The connection banner of the pages. The wording is shared with the browser console
 * (`bannerFor` in client/display.ts); a phone shows it only when something is wrong: not while
 * online or on the first connect, and not while the app is in the background.
 */
import { bannerFor, type ConnectionState } from '../core';

/** The banner text for a connection state (empty: no banner). */
export function bannerText(state: ConnectionState, now: number): string {
  const banner = bannerFor(state, now);
  if (banner.status === 'online' || banner.status === 'connecting') return '';
  if (state.status === 'offline' && state.reason !== 'network') return '';
  return banner.text;
}
