/**
 * Tells the server when the app goes to the background and comes back (`appstate`), on the open
 * socket. WeChat suspends a hidden mini-program about 5 s after wx.onAppHide, and its socket can
 * stay open unanswered (https://developers.weixin.qq.com/miniprogram/dev/framework/runtime/operating-mechanism.html);
 * the server then counts the connection as away, so the desk's reply comes as a WeChat
 * notification. A new socket starts in the foreground on the server, so nothing is owed after a
 * reconnect unless the app is hidden at that moment. The browser console never reports the
 * background (console/src/browser/lifecycle.ts): its hidden tabs keep receiving.
 */
import type { ClientFrame } from '../protocol/client-frames';

export class AppStateReporter {
  private foreground = true;
  /** Whether the server was told "background" on the current socket. */
  private reportedBackground = false;

  constructor(private readonly send: (frame: ClientFrame) => boolean) {}

  /** The platform reports foreground (true) or background (false). */
  set(foreground: boolean): void {
    if (foreground === this.foreground) return;
    this.foreground = foreground;
    if (!foreground) {
      // From onHide: JS still runs for about 5 s, enough for one frame.
      this.reportedBackground = this.send({ action: 'appstate', state: 'background' });
    } else if (this.reportedBackground) {
      this.send({ action: 'appstate', state: 'foreground' });
      this.reportedBackground = false;
    }
  }

  /** A socket opened: its connection record is in the foreground. */
  opened(): void {
    this.reportedBackground = false;
    if (!this.foreground) {
      this.reportedBackground = this.send({ action: 'appstate', state: 'background' });
    }
  }
}
