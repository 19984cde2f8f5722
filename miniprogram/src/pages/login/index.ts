/**
 * Login: WeChat's nickname input gives the display name, `wx.login` + POST /login the token.
 * The name is taken from the form's submit value, not from input events: WeChat checks a
 * `type="nickname"` entry when the input blurs and clears a rejected one asynchronously
 * (https://developers.weixin.qq.com/miniprogram/dev/component/input.html, type "nickname";
 * WeChat recommends collecting it with a `form-type="submit"` button), so only the value the form
 * holds at submit is what WeChat let stand. The server checks the name again (msgSecCheck) and a
 * refusal is shown in words (CONTENT_REJECTED with its label).
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

    onDevUser(event: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ devUser: normalizeDevUserId(event.detail.value) });
    },

    async onLogin(event: WechatMiniprogram.CustomEvent<{ value?: { nickname?: unknown } }>) {
      if (this.data.busy) return;
      const tr = translators.get(this) ?? appTranslator();
      this.setData({ busy: true, error: '' });
      try {
        const typed = event.detail.value?.nickname;
        const name = typeof typed === 'string' ? typed.trim() : '';
        await login(
          name.length > 0 ? name : undefined,
          undefined,
          this.data.devLogin ? normalizeDevUserId(this.data.devUser) : undefined,
        );
        await startChat();
        redirectTo(NEXT);
      } catch (error) {
        const code = error instanceof LoginError ? error.code : 'UNKNOWN';
        const label = error instanceof LoginError ? error.label : undefined;
        this.setData({ error: loginErrorText(tr, code, label) });
      }
      this.setData({ busy: false });
    },
  },
});
