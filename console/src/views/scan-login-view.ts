/**
 * The scan-to-login panel: a QR code for a fresh ticket, what happened to it ("scanned, confirm
 * on your phone", expired, refused), and a button for a new code. Calls `done` with the session
 * once a staff member approved it on their phone (browser/web-login.ts does the talking).
 */
import type { Session, Translator } from '../../../client/index';
import type { MessageId } from '../../../client/i18n/catalog';
import { type ScanState, scanToLogIn } from '../browser/web-login';
import { h, replaceChildren } from '../dom';
import { qrCode } from './qr-code';

const ENDED: Record<Extract<ScanState, { kind: 'ended' }>['reason'], MessageId> = {
  refused: 'login.scan.refused',
  expired: 'login.scan.expired',
  used: 'login.scan.used',
  failed: 'login.scan.failed',
};

/** The panel; `notice` is shown first (e.g. why the last session ended). */
export function scanLoginView(
  tr: Translator,
  webLoginUrl: string,
  done: (session: Session) => void,
  notice?: string,
): { element: HTMLElement; dispose: () => void } {
  const code = h('div', { class: 'scan-code', 'aria-live': 'polite' });
  const status = h('p', { class: 'scan-status', role: 'status' }, notice ?? '');
  // How to scan depends on the code: WeChat's own scanner opens a mini-program code (AWS); a
  // plain QR code (local) is read from the mini-program's "扫码登录电脑".
  const hint = h('p', { class: 'muted' }, tr.t('login.scan.hint'));
  const refresh = h('button', { type: 'button', class: 'secondary' }, tr.t('login.scan.refresh'));
  let attempt: AbortController | undefined;

  const start = () => {
    attempt?.abort();
    const controller = new AbortController();
    attempt = controller;
    refresh.hidden = true;
    code.classList.remove('faded');
    replaceChildren(code);
    void scanToLogIn(
      webLoginUrl,
      (state) => {
        if (controller.signal.aborted) return;
        switch (state.kind) {
          case 'code':
            hint.textContent = tr.t(
              state.ticket.code.kind === 'qr' ? 'login.scan.hint' : 'login.scan.hintWxacode',
            );
            if (state.ticket.code.kind === 'qr') {
              replaceChildren(code, qrCode(state.ticket.code.text, tr.t('login.scan.codeLabel')));
            } else {
              replaceChildren(
                code,
                h('img', { src: state.ticket.code.image, alt: tr.t('login.scan.codeLabel') }),
              );
            }
            break;
          case 'scanned':
            status.textContent = tr.t('login.scan.scanned');
            code.classList.add('faded');
            break;
          case 'ended':
            status.textContent = tr.t(ENDED[state.reason]);
            code.classList.add('faded');
            refresh.hidden = false;
            break;
          case 'done':
            done(state.session);
            break;
        }
      },
      controller.signal,
    );
  };
  refresh.addEventListener('click', () => {
    status.textContent = '';
    start();
  });
  start();
  const element = h(
    'section',
    { class: 'scan-login', 'aria-labelledby': 'scan-heading' },
    h('h2', { id: 'scan-heading' }, tr.t('login.scan.heading')),
    code,
    status,
    refresh,
    hint,
  );
  return { element, dispose: () => attempt?.abort() };
}
