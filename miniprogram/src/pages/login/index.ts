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
 *
 * Privacy (services/privacy.ts): the app's popup is shown when WeChat says the user has yet to
 * agree, and whenever WeChat intercepts a privacy component (the nickname input) before that. A
 * user who declines logs in without a nickname (the server gives a default name) and chats as
 * anyone else: nothing of the chat needs a privacy API.
 */
import { LoginError, loginErrorText, normalizeDevUserId, type Translator } from '../../core';
import { labels } from '../../lib/labels';
import { startChat } from '../../services/chat-session';
import { appTranslator } from '../../services/locale';
import { login, storedDevUser, storedSession, usesDevLogin } from '../../services/login';
import {
  onPrivacyRequest,
  openPrivacyContract,
  type PrivacyRequest,
  privacySetting,
} from '../../services/privacy';
import { navigateTo, redirectTo, setTitle } from '../../services/ui';

const NEXT = '/pages/conversations/index';

const translators = new WeakMap<object, Translator>();
/** The privacy API call WeChat holds until the user answers the popup, per page instance. */
const pendingPrivacy = new WeakMap<object, PrivacyRequest>();

function privacyLabels(tr: Translator) {
  return labels(tr, {
    title: 'privacy.title',
    body: 'privacy.body',
    contract: 'privacy.contract',
    agree: 'privacy.agree',
    decline: 'privacy.decline',
  });
}

function pageLabels(tr: Translator) {
  return labels(tr, {
    headline: 'app.name',
    tagline: 'app.tagline',
    yourName: 'login.yourName',
    nicknamePlaceholder: 'login.nicknamePlaceholder',
    devUserId: 'login.devUserId',
    login: 'login.wechat',
    privacyDeclined: 'privacy.declined',
    privacyLink: 'privacy.link',
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
    privacyT: {} as ReturnType<typeof privacyLabels>,
    privacyVisible: false,
    /** The user declined the privacy guideline: no nickname, a default name. */
    privacyDeclined: false,
  },
  methods: {
    async onLoad() {
      const tr = appTranslator();
      translators.set(this, tr);
      setTitle(tr.t('nav.login'));
      this.setData({ t: pageLabels(tr), lang: tr.tag, privacyT: privacyLabels(tr) });
      onPrivacyRequest((request) => {
        pendingPrivacy.set(this, request);
        this.setData({ privacyVisible: true });
        request.exposed();
      });
      void privacySetting().then(({ needAuthorization }) => {
        if (needAuthorization && !this.data.privacyDeclined) this.setData({ privacyVisible: true });
      });
      if (usesDevLogin()) {
        const previous = await storedDevUser();
        this.setData({ devLogin: true, devUser: previous ?? `student-${Date.now().toString(36)}` });
      }
      if (await storedSession()) {
        await startChat();
        redirectTo(NEXT);
      }
    },

    /** WeChat recorded the agreement (the agree button's bindagreeprivacyauthorization). */
    onPrivacyAgree() {
      pendingPrivacy.get(this)?.agree();
      pendingPrivacy.delete(this);
      this.setData({ privacyVisible: false, privacyDeclined: false });
    },

    onPrivacyDecline() {
      pendingPrivacy.get(this)?.decline();
      pendingPrivacy.delete(this);
      this.setData({ privacyVisible: false, privacyDeclined: true });
    },

    onPrivacyContract() {
      openPrivacyContract();
    },

    onPrivacyPage() {
      navigateTo('/pages/privacy/index');
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
        // Declined: the nickname is a privacy component's; log in with the default name.
        const name = typeof typed === 'string' && !this.data.privacyDeclined ? typed.trim() : '';
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
