/**
 * Login: WeChat's nickname input gives the display name, `wx.login` + POST /login the token.
 * With a stored session the page goes straight to the conversations.
 */
import { startChat } from '../../services/chat-session';
import { LoginError, login, storedSession } from '../../services/login';
import { redirectTo } from '../../services/ui';

const NEXT = '/pages/conversations/index';

Component({
  data: {
    nickname: '',
    busy: false,
    error: '',
  },
  methods: {
    async onLoad() {
      if (await storedSession()) {
        await startChat();
        redirectTo(NEXT);
      }
    },

    onNickname(event: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ nickname: event.detail.value });
    },

    async onLogin() {
      if (this.data.busy) return;
      this.setData({ busy: true, error: '' });
      try {
        const name = this.data.nickname.trim();
        await login(name.length > 0 ? name : undefined);
        await startChat();
        redirectTo(NEXT);
      } catch (error) {
        const code = error instanceof LoginError ? error.code : 'UNKNOWN';
        this.setData({
          error:
            code === 'FORBIDDEN'
              ? 'This account is blocked.'
              : code === 'NETWORK'
                ? 'No connection to the server. Try again.'
                : 'Login failed. Try again.',
        });
      }
      this.setData({ busy: false });
    },
  },
});
