/**
 * Joining the desk by a manager's invitation (邀请扫码加入). Opened with `?code=` after the
 * conversations page's scanner read the console's invitation code. It shows who invites to which
 * role and until when, with a warning, and asks to accept. Accepting makes this user staff; the
 * server then closes their connections (they were a student's), so the app logs in again — the new
 * token's user is staff — and opens the conversations page anew, now the desk's
 * (docs/protocol.md "Staff management").
 */
import type { ChatClient, Translator } from '../../core';
import { formatTime, ProtocolError, staffRoleText } from '../../core';
import { labels } from '../../lib/labels';
import { loginAgain, startChat } from '../../services/chat-session';
import { appTranslator } from '../../services/locale';
import { restart, setTitle } from '../../services/ui';

interface PageContext {
  readonly client: ChatClient;
  readonly tr: Translator;
  readonly code: string | undefined;
}

const contexts = new WeakMap<object, PageContext>();

function pageLabels(tr: Translator) {
  return labels(tr, {
    warning: 'invite.warning',
    accept: 'invite.accept',
    decline: 'invite.decline',
  });
}

/** The words for why viewing or accepting failed. */
function failure(tr: Translator, error: unknown): string {
  if (error instanceof ProtocolError) {
    if (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST') return tr.t('invite.gone');
    if (error.code === 'CONFLICT') return tr.t('invite.already');
  }
  return tr.t('invite.failed');
}

Component({
  data: {
    t: {} as ReturnType<typeof pageLabels>,
    lang: '',
    invite: null as null | { question: string; expires: string; open: boolean },
    outcome: '',
    busy: false,
  },
  methods: {
    async onLoad(options: Record<string, string | undefined>) {
      const tr = appTranslator();
      setTitle(tr.t('invite.title'));
      this.setData({ t: pageLabels(tr), lang: tr.tag });
      const client = await startChat();
      contexts.set(this, { client, tr, code: options.code });
      await this.view();
    },

    onUnload() {
      contexts.delete(this);
    },

    async view() {
      const context = contexts.get(this);
      if (!context) return;
      const { tr } = context;
      if (!context.code) {
        this.setData({ outcome: tr.t('invite.notCode') });
        return;
      }
      try {
        const invite = await context.client.staff().viewInvite(context.code);
        this.setData({
          invite: {
            question: tr.t('invite.question', {
              name: invite.inviterName,
              role: staffRoleText(tr, invite.role),
            }),
            expires: tr.t('invite.expires', { time: formatTime(tr, invite.expiresAt) }),
            open: true,
          },
        });
      } catch (error) {
        this.setData({ outcome: failure(tr, error) });
      }
    },

    async onAccept() {
      const context = contexts.get(this);
      if (!context?.code || this.data.busy) return;
      this.setData({ busy: true });
      try {
        await context.client.staff().acceptInvite(context.code);
        this.setData({ 'invite.open': false, outcome: context.tr.t('invite.joined') });
        // The server closed this user's (student) connections: log in as staff, start over.
        await loginAgain();
        restart('/pages/conversations/index');
      } catch (error) {
        this.setData({ 'invite.open': false, outcome: failure(context.tr, error) });
      } finally {
        this.setData({ busy: false });
      }
    },

    onDecline() {
      restart('/pages/conversations/index');
    },
  },
});
