/** The connection banner text for a connection state (empty: no banner). */
import type { ConnectionState } from '../core';

export function bannerText(state: ConnectionState, now: number): string {
  switch (state.status) {
    case 'reconnecting': {
      const seconds = Math.max(1, Math.ceil((state.retryAt - now) / 1000));
      return `Reconnecting in ${seconds} s…`;
    }
    case 'connecting':
      // The planned 2-hour refresh and the very first connect are not worth a banner.
      return state.planned || state.attempt === 0 ? '' : 'Connecting…';
    case 'offline':
      return state.reason === 'network'
        ? 'No network. Messages will be sent when you are back online.'
        : '';
    default:
      return '';
  }
}
