/**
 * Login: WeChat's nickname input gives the display name, `wx.login` + POST /login the token.
 * With a stored session the page goes straight to the conversations. On the local stack a user
 * id can be typed; it is not case-sensitive (normalizeDevUserId), and the label says so.
 */
import { LoginError, loginErrorText, normalizeDevUserId, type Translator } from '../../core';
import { labels } from '../../lib/labels';
import { startChat } from '../../services/chat-session';
import { appTranslator } from '../../services/locale';
import { login, storedDevUser, storedSession, usesDevLogin } from '../../services/login';
import { redirectTo, setTitle } from '../../services/ui';

const NEXT = '/pages/conversations/index';

const translators = new WeakMap<object, Translator>();

function pageLabels(tr: Translator) {
  return labels(tr, {
    headline: 'app.name',
    tagline: 'app.tagline',
    yourName: 'login.yourName',
    nicknamePlaceholder: 'login.nicknamePlaceholder',
    devUserId: 'login.devUserId',
    login: 'login.wechat',
  });
}

Component({
  data: {
    t: {} as ReturnType<typeof pageLabels>,
    lang: '',
    nickname: '',
    /** Local stack only: which user to be (`admin` is a desk admin by default). */
    devLogin: false,
    devUser: '',
    busy: false,
    error: '',
  },
  methods: {
    async onLoad() {
      const tr = appTranslator();
      translators.set(this, tr);
      setTitle(tr.t('nav.login'));
      this.setData({ t: pageLabels(tr), lang: tr.tag });
      if (usesDevLogin()) {
        const previous = await storedDevUser();
        this.setData({ devLogin: true, devUser: previous ?? `student-${Date.now().toString(36)}` });
      }
      if (await storedSession()) {
        await startChat();
        redirectTo(NEXT);
      }
    },

    onNickname(event: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ nickname: event.detail.value });
    },

    onDevUser(event: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ devUser: normalizeDevUserId(event.detail.value) });
    },

    async onLogin() {
      if (this.data.busy) return;
      const tr = translators.get(this) ?? appTranslator();
      this.setData({ busy: true, error: '' });
      try {
        const name = this.data.nickname.trim();
        await login(
          name.length > 0 ? name : undefined,
          undefined,
          this.data.devLogin ? normalizeDevUserId(this.data.devUser) : undefined,
        );
        await startChat();
        redirectTo(NEXT);
      } catch (error) {
        const code = error instanceof LoginError ? error.code : 'UNKNOWN';
        this.setData({ error: loginErrorText(tr, code) });
      }
      this.setData({ busy: false });
    },
  },
});
