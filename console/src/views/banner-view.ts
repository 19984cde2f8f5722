/**
 * The connection banner: Online / Connecting… / Reconnecting in N s… (counting down, with
 * "Reconnect now") / Offline. Screen readers hear each change of status once, through a polite
 * live region, not the countdown every second.
 */
import type { ChatClient, ConnectionState, Translator } from '../../../client/index';
import { h, setText } from '../dom';
import { bannerFor } from '../../../client/index';

export class BannerView {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly announcement: HTMLElement;
  private readonly retry: HTMLButtonElement;
  private ticker: number | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
  ) {
    this.text = h('span', { class: 'banner-text', 'aria-hidden': 'true' });
    this.announcement = h('span', { class: 'sr-only', role: 'status' });
    this.retry = h(
      'button',
      { type: 'button', class: 'link-button', onclick: () => client.reconnectNow() },
      tr.t('banner.reconnectNow'),
    );
    this.element = h('div', { class: 'banner' }, this.text, this.announcement, this.retry);
    this.show(client.state);
  }

  show(state: ConnectionState): void {
    const banner = bannerFor(this.tr, state, Date.now());
    this.element.dataset.status = banner.status;
    setText(this.text, banner.text);
    setText(
      this.announcement,
      banner.status === 'reconnecting' ? this.tr.t('banner.lost') : banner.text,
    );
    this.retry.hidden = !banner.canRetry;
    // Count the seconds down while waiting for the next attempt.
    if (state.status === 'reconnecting' && this.ticker === undefined) {
      this.ticker = window.setInterval(() => this.show(this.client.state), 1000);
    } else if (state.status !== 'reconnecting' && this.ticker !== undefined) {
      window.clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    if (this.ticker !== undefined) window.clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
