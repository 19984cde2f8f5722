/**
 * Login: WeChat's nickname input gives the display name, `wx.login` + POST /login the token.
 * With a stored session the page goes straight to the conversations.
 */
import { startChat } from '../../services/chat-session';
import { LoginError } from '../../core';
import { login, storedDevUser, storedSession, usesDevLogin } from '../../services/login';
import { redirectTo } from '../../services/ui';

const NEXT = '/pages/conversations/index';

Component({
  data: {
    nickname: '',
    /** Local stack only: which user to be (`admin` is a desk admin by default). */
    devLogin: false,
    devUser: '',
    busy: false,
    error: '',
  },
  methods: {
    async onLoad() {
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
      this.setData({ devUser: event.detail.value.trim() });
    },

    async onLogin() {
      if (this.data.busy) return;
      this.setData({ busy: true, error: '' });
      try {
        const name = this.data.nickname.trim();
        await login(
          name.length > 0 ? name : undefined,
          undefined,
          this.data.devLogin ? this.data.devUser : undefined,
        );
        await startChat();
        redirectTo(NEXT);
      } catch (error) {
        const code = error instanceof LoginError ? error.code : 'UNKNOWN';
        this.setData({
          error:
            code === 'FORBIDDEN'
              ? 'This account is blocked.'
              : code === 'BAD_REQUEST'
                ? 'Local user id: 1–32 letters, digits, _ or -.'
                : code === 'NETWORK'
                  ? 'No connection to the server. Try again.'
                  : 'Login failed. Try again.',
        });
      }
      this.setData({ busy: false });
    },
  },
});
