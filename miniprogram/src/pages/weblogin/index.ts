/**
 * Approving a console login (扫码登录). Opened with `?ticket=` after the conversations page's
 * scanner read the console's plain QR code, or by WeChat's own scanner from a mini-program code
 * with `?scene=` (the ticket; "scene 需要使用 decodeURIComponent 才能获取到生成二维码时传入的
 * scene", https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html).
 * It shows what is asking — browser, coarse network, time — large, with the phishing warning, and
 * asks "在电脑上登录服务台？"; below, the staff member's logged-in computers, each with "退出登录".
 */
import type { ChatClient, Translator, WebSession } from '../../core';
import { formatTime, ProtocolError, ticketFromScan, WEB_LOGIN_POLL_INTERVAL_MS } from '../../core';
import { labels } from '../../lib/labels';
import { startChat } from '../../services/chat-session';
import { appTranslator } from '../../services/locale';
import { setTitle, toast } from '../../services/ui';

interface PageContext {
  readonly client: ChatClient;
  readonly tr: Translator;
  readonly ticket: string | undefined;
}

const contexts = new WeakMap<object, PageContext>();

function pageLabels(tr: Translator) {
  return labels(tr, {
    question: 'weblogin.question',
    browser: 'weblogin.browser',
    network: 'weblogin.network',
    time: 'weblogin.time',
    warning: 'weblogin.warning',
    approve: 'weblogin.approve',
    refuse: 'weblogin.refuse',
    sessions: 'weblogin.sessions',
    noSessions: 'weblogin.noSessions',
    signOut: 'weblogin.signOut',
  });
}

interface SessionItem {
  readonly sessionId: string;
  readonly browser: string;
  readonly network: string;
  readonly since: string;
}

function sessionItem(tr: Translator, session: WebSession): SessionItem {
  return {
    sessionId: session.sessionId,
    browser: session.requester.browser,
    network: session.requester.network,
    since: tr.t('weblogin.since', {
      time: formatTime(tr, new Date(session.createdAt).toISOString()),
    }),
  };
}

/** The words for why an answer failed. */
function failure(tr: Translator, error: unknown): string {
  if (error instanceof ProtocolError) {
    if (error.code === 'FORBIDDEN') return tr.t('weblogin.expired');
    if (error.code === 'NOT_FOUND') return tr.t('weblogin.notCode');
  }
  return tr.t('weblogin.failed');
}

Component({
  data: {
    t: {} as ReturnType<typeof pageLabels>,
    lang: '',
    request: null as null | { browser: string; network: string; time: string; open: boolean },
    outcome: '',
    busy: false,
    sessions: [] as SessionItem[],
  },
  methods: {
    async onLoad(options: Record<string, string | undefined>) {
      const tr = appTranslator();
      setTitle(tr.t('weblogin.title'));
      this.setData({ t: pageLabels(tr), lang: tr.tag });
      const ticket = ticketFromScan(
        options.ticket ?? (options.scene ? decodeURIComponent(options.scene) : undefined),
      );
      const client = await startChat();
      contexts.set(this, { client, tr, ticket });
      if (ticket) await this.view();
      await this.refreshSessions();
    },

    onUnload() {
      contexts.delete(this);
    },

    async view() {
      const context = contexts.get(this);
      if (!context?.ticket) return;
      try {
        const info = await context.client.webLogins().view(context.ticket);
        const open = info.status === 'pending' || info.status === 'scanned';
        this.setData({
          request: {
            browser: info.requester.browser,
            network: info.requester.network,
            time: formatTime(context.tr, new Date(info.requester.requestedAt).toISOString()),
            open,
          },
          outcome: open
            ? ''
            : context.tr.t(info.status === 'expired' ? 'weblogin.expired' : 'weblogin.used'),
        });
      } catch (error) {
        this.setData({
          outcome:
            error instanceof ProtocolError && error.code === 'FORBIDDEN'
              ? context.tr.t('weblogin.forbidden')
              : failure(context.tr, error),
        });
      }
    },

    async answer(approve: boolean) {
      const context = contexts.get(this);
      if (!context?.ticket || this.data.busy) return;
      this.setData({ busy: true });
      try {
        await context.client.webLogins().answer(context.ticket, approve);
        this.setData({
          'request.open': false,
          outcome: context.tr.t(approve ? 'weblogin.approved' : 'weblogin.refused'),
        });
        // The console collects its login at its next poll; list the new session after that.
        if (approve)
          setTimeout(() => void this.refreshSessions(), WEB_LOGIN_POLL_INTERVAL_MS + 1000);
      } catch (error) {
        this.setData({ 'request.open': false, outcome: failure(context.tr, error) });
      } finally {
        this.setData({ busy: false });
      }
    },

    onApprove() {
      return this.answer(true);
    },

    onRefuse() {
      return this.answer(false);
    },

    async refreshSessions() {
      const context = contexts.get(this);
      if (!context) return;
      try {
        const sessions = await context.client.webLogins().sessions();
        this.setData({ sessions: sessions.map((s) => sessionItem(context.tr, s)) });
      } catch {
        // The list is a convenience; the page still answers the ticket without it.
      }
    },

    async onSignOut(event: WechatMiniprogram.TouchEvent) {
      const context = contexts.get(this);
      const sessionId = String(event.currentTarget.dataset.id ?? '');
      if (!context || !sessionId) return;
      try {
        await context.client.webLogins().signOut(sessionId);
        toast(context.tr.t('weblogin.signedOut'));
      } catch (error) {
        toast(failure(context.tr, error));
      }
      await this.refreshSessions();
    },
  },
});
