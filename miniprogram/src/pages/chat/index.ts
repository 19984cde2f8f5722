/**
 * The chat page: messages in seq order with sender and time, the user's own messages with their
 * send state (tap a failed one to retry), typing indicator, read marks, the connection banner,
 * older messages on scroll-up, and an input limited to 4000 characters with a counter.
 */
import {
  type ChatClient,
  type SessionUser,
  codePointLength,
  MAX_TEXT_CHARS,
  messageTextProblem,
  truncateCodePoints,
} from '../../core';
import { watchBanner } from '../../lib/banner';
import { typingText } from '../../core';
import { type ChatItem, chatItems } from '../../lib/chat-items';
import { currentUser, startChat } from '../../services/chat-session';
import { setTitle, toast } from '../../services/ui';

interface PageContext {
  readonly client: ChatClient;
  readonly user: SessionUser | undefined;
  readonly conversationId: string;
  readonly unsubscribe: (() => void)[];
  visible: boolean;
}

// Per-page state that is not rendered stays out of `data` (setData copies everything in it).
const contexts = new WeakMap<object, PageContext>();

Component({
  data: {
    conversationId: '',
    items: [] as ChatItem[],
    banner: '',
    typingText: '',
    draft: '',
    count: 0,
    maxChars: MAX_TEXT_CHARS,
    overLimit: false,
    canSend: false,
    hasOlder: false,
    olderLabel: '',
    loadingOlder: false,
    scrollInto: '',
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const conversationId = decodeURIComponent(query.id ?? '');
      if (query.title) setTitle(decodeURIComponent(query.title));
      const client = await startChat();
      const user = await currentUser();
      const context: PageContext = { client, user, conversationId, unsubscribe: [], visible: true };
      contexts.set(this, context);
      context.unsubscribe.push(
        client.on('conversation', (id) => {
          if (id === conversationId) this.render();
        }),
        watchBanner(client, (banner) => this.setData({ banner })),
      );
      this.setData({ conversationId });
      this.render();
      await client.open(conversationId);
      this.render();
    },

    onShow() {
      const context = contexts.get(this);
      if (!context) return;
      context.visible = true;
      this.render();
    },

    onHide() {
      const context = contexts.get(this);
      if (context) context.visible = false;
    },

    onUnload() {
      const context = contexts.get(this);
      if (!context) return;
      for (const stop of context.unsubscribe) stop();
      context.client.setTyping(context.conversationId, false);
      context.client.close(context.conversationId);
      contexts.delete(this);
    },

    render() {
      const context = contexts.get(this);
      if (!context) return;
      const { client, conversationId } = context;
      const view = client.view(conversationId);
      const me = context.user;
      const items = chatItems(view, me?.id ?? '', me?.name ?? 'Me', Date.now());
      // No Array.prototype.at: older WeChat engines lack it and the build adds no polyfills.
      const previousLast = this.data.items[this.data.items.length - 1]?.key;
      const last = items[items.length - 1]?.key;
      this.setData({
        items,
        typingText: typingText(view.typing),
        hasOlder: view.hasOlder,
        olderLabel: this.data.loadingOlder ? 'Loading…' : 'Scroll up for older messages',
        ...(last !== previousLast ? { scrollInto: 'bottom' } : {}),
      });
      const newest = view.messages[view.messages.length - 1];
      if (context.visible && newest) client.markRead(conversationId, newest.seq);
    },

    onInput(event: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const context = contexts.get(this);
      const raw = event.detail.value;
      // The limit counts characters as people do (an emoji is one), like the server.
      const draft =
        codePointLength(raw) > MAX_TEXT_CHARS ? truncateCodePoints(raw, MAX_TEXT_CHARS) : raw;
      const count = codePointLength(draft);
      this.setData({
        draft,
        count,
        overLimit: count >= MAX_TEXT_CHARS,
        canSend: messageTextProblem(draft) === undefined,
      });
      if (context) context.client.setTyping(context.conversationId, draft.length > 0);
    },

    onBlur() {
      const context = contexts.get(this);
      if (context) context.client.setTyping(context.conversationId, false);
    },

    onSend() {
      const context = contexts.get(this);
      const text = this.data.draft;
      if (!context || messageTextProblem(text) !== undefined) return;
      context.client.send(context.conversationId, text);
      this.setData({ draft: '', count: 0, overLimit: false, canSend: false, scrollInto: 'bottom' });
    },

    onRetry(event: WechatMiniprogram.CustomEvent<{ clientId: string }>) {
      const context = contexts.get(this);
      if (context) context.client.retry(event.detail.clientId);
    },

    async onScrollToUpper() {
      const context = contexts.get(this);
      if (!context || this.data.loadingOlder || !this.data.hasOlder) return;
      const anchor = this.data.items[0]?.key;
      this.setData({ loadingOlder: true, olderLabel: 'Loading…' });
      try {
        await context.client.loadOlder(context.conversationId);
      } catch {
        toast('Could not load older messages');
      }
      this.setData({ loadingOlder: false });
      this.render();
      // Keep the message that was on top in view instead of jumping to the oldest.
      if (anchor) this.setData({ scrollInto: `m-${anchor}` });
    },
  },
});
