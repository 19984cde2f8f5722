/**
 * The chat page: messages in seq order with sender and time, the user's own messages with their
 * send state (tap a failed one to retry), typing indicator, read marks, the connection banner,
 * older messages on scroll-up, and an input limited to 4000 characters with a counter.
 *
 * Staff in a support conversation get the desk line (components/desk-bar, lib/desk-workflow.ts):
 * its state and owner, 接待 / 放回队列 / 标记已解决 / 转交, live from `deskstate` frames; a transfer
 * picks a colleague from an action sheet or, past its 6 items, the staff-picker component.
 *
 * In the student's own support conversation, a line tells whether the desk's reply will come as
 * a WeChat notification, with a switch; a Send tap also asks for the "desk replied" subscribe
 * message (services/subscribe-message.ts), unless the user rejected it with "always keep".
 *
 * Pictures: the picture button picks one (services/media.ts) and sends it with
 * `ChatClient.sendImage` (outbox, upload progress on the row); messages show thumbnails from the
 * frame's URLs, renewed with `imageurls` before they expire (lib/chat-images.ts); a tap opens the
 * picture full size with `wx.previewImage`; a removed one shows as a tombstone.
 *
 * setData sends only what changed (lib/chat-window.ts): a read notice is `items[3].state`, a
 * new message `items[8]`, and the page holds a bounded window of the newest rows.
 */
import {
  canRecall,
  type ChatClient,
  codePointLength,
  deskTitle,
  MAX_IMAGE_BYTES,
  MAX_TEXT_CHARS,
  messageTextProblem,
  REPORT_REASONS,
  type SessionUser,
  type SubscriptionStateFrame,
  type Translator,
  truncateCodePoints,
  typingText,
  UploadFailedError,
} from '../../core';
import { ChatImages } from '../../lib/chat-images';
import { watchBanner } from '../../lib/banner';
import { type ChatItem, chatItems } from '../../lib/chat-items';
import { itemUpdates, MAX_WINDOW_ROWS, WINDOW_ROWS, windowed } from '../../lib/chat-window';
import { labels } from '../../lib/labels';
import { type CannedRow, cannedRows, servingText } from '../../lib/desk-lines';
import { deskLine, startDeskLine, stopDeskLine } from '../../behaviors/desk-line';
import { currentUser, startChat } from '../../services/chat-session';
import { appTranslator } from '../../services/locale';
import { pickImage, previewImage } from '../../services/media';
import { askSubscription, shouldAsk } from '../../services/subscribe-message';
import { chooseAction, setTitle, toast } from '../../services/ui';

interface PageContext {
  readonly client: ChatClient;
  readonly tr: Translator;
  readonly user: SessionUser | undefined;
  readonly conversationId: string;
  readonly unsubscribe: (() => void)[];
  visible: boolean;
  /** How many of the newest rows the page holds (grows on scroll-up, bounded). */
  windowRows: number;
  /** The student's "desk replied" standing, in their own support conversation. */
  notify?: SubscriptionStateFrame;
  /** Renewed picture URLs and upload progress. */
  readonly images: ChatImages;
  /** The desk state the conversations page knew (`desk`, `owner`, `ownerName` in the query). */
  readonly deskQuery: Record<string, string | undefined>;
}

// Per-page state that is not rendered stays out of `data` (setData copies everything in it).
const contexts = new WeakMap<object, PageContext>();

function pageLabels(tr: Translator) {
  return labels(tr, {
    placeholder: 'composer.placeholder',
    send: 'composer.send',
    canned: 'canned.open',
    cannedEmpty: 'canned.empty',
    attach: 'image.attach',
    transferTitle: 'desk.transferTitle',
    pickCancel: 'desk.pickCancel',
  });
}

Component({
  // Staff: the desk line (desk-bar) and, past 6 colleagues, the transfer list (staff-picker).
  behaviors: [deskLine],
  data: {
    t: {} as ReturnType<typeof pageLabels>,
    lang: '',
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
    notifyShown: false,
    notifyOn: false,
    notifyText: '',
    notifySwitch: '',
    /** The student's support conversation: "王老师 正在为你服务" while a staff member has it. */
    servingText: '',
    /** Admins: the canned-reply picker (常用语). */
    cannedShown: false,
    cannedOpen: false,
    canned: [] as CannedRow[],
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const tr = appTranslator();
      const conversationId = decodeURIComponent(query.id ?? '');
      const title = query.title ? decodeURIComponent(query.title) : '';
      const user = await currentUser();
      // The student's own support conversation is the desk, in the user's language.
      const own = user !== undefined && conversationId === `support:${user.id}`;
      setTitle(own ? deskTitle(tr, title || undefined) : title || tr.t('nav.chat'));
      const client = await startChat();
      const context: PageContext = {
        client,
        tr,
        user,
        conversationId,
        unsubscribe: [],
        visible: true,
        windowRows: WINDOW_ROWS,
        images: new ChatImages(client, conversationId, () => this.render()),
        deskQuery: query,
      };
      contexts.set(this, context);
      this.setData({ t: pageLabels(tr), lang: tr.tag, conversationId });
      context.unsubscribe.push(
        client.on('conversation', (id) => {
          if (id === conversationId) this.render();
        }),
        watchBanner(tr, client, (banner) => this.setData({ banner })),
        client.on('uploadProgress', (progress) => {
          if (progress.conversationId !== conversationId) return;
          context.images.progress.set(progress.clientId, progress.fraction);
          this.render();
        }),
      );
      this.render();
      await client.open(conversationId);
      this.render();
      void this.loadDesk();
      if (own && user?.role === 'student') {
        try {
          context.notify = await client.subscription({ template: 'deskReplied' });
          this.renderNotify();
        } catch {
          // Without the standing the line stays hidden; chatting is not affected.
        }
      }
    },

    /** The notification line and switch, from the student's standing. */
    renderNotify() {
      const context = contexts.get(this);
      const state = context?.notify;
      if (!context || !state || state.templateId === '') return;
      const on = !state.off;
      const text = context.tr.t(on ? 'notify.deskReplied' : 'notify.deskRepliedOff');
      if (this.data.notifyShown && this.data.notifyOn === on && this.data.notifyText === text)
        return;
      this.setData({
        notifyShown: true,
        notifyOn: on,
        notifyText: text,
        notifySwitch: context.tr.t('notify.switch'),
      });
    },

    /** Records the subscription answer and shows the standing after it. */
    async recordAnswer(
      answer: Promise<{ result: 'accept' | 'reject' | 'ban'; alwaysKeep: boolean } | undefined>,
    ) {
      const context = contexts.get(this);
      const given = await answer;
      if (!context || !given) return;
      try {
        context.notify = await context.client.subscription({ template: 'deskReplied', ...given });
        this.renderNotify();
      } catch {
        // Not recorded: the next Send tap asks again.
      }
    },

    async onNotifySwitch(event: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      const context = contexts.get(this);
      if (!context) return;
      try {
        context.notify = await context.client.subscription({
          template: 'deskReplied',
          off: !event.detail.value,
        });
      } catch {
        toast(context.tr.t('notify.failed'));
      }
      this.renderNotify();
    },

    onShow() {
      const context = contexts.get(this);
      if (!context) return;
      context.visible = true;
      this.render();
    },

    /**
     * Support conversations: a student learns who is serving them (now and live); an admin gets
     * the canned replies (and a colleague's changes to them).
     */
    async loadDesk() {
      const context = contexts.get(this);
      if (!context || !context.conversationId.startsWith('support:')) return;
      const { client, tr, user, conversationId } = context;
      if (user?.role === 'admin') {
        void startDeskLine(this, client, tr, user.id, conversationId, context.deskQuery);
        context.unsubscribe.push(
          client.on('cannedreplies', (frame) =>
            this.setData({ cannedShown: true, canned: cannedRows(frame.replies) }),
          ),
        );
        try {
          const replies = await client.desk().cannedReplies();
          this.setData({ cannedShown: true, canned: cannedRows(replies) });
        } catch {
          // No picker without the list; chatting is not affected.
        }
        return;
      }
      const show = (text: string) => {
        if (text !== this.data.servingText) this.setData({ servingText: text });
      };
      context.unsubscribe.push(
        client.on('deskstate', (frame) => {
          if (frame.conversationId === conversationId) {
            show(servingText(tr, frame.state, frame.ownerName));
          }
        }),
      );
      try {
        const page = await client.conversations();
        const own = page.conversations.find((c) => c.id === conversationId);
        if (own) show(servingText(tr, own.deskState, own.ownerName));
      } catch {
        // The line appears with the next desk change.
      }
    },

    onCannedToggle() {
      this.setData({ cannedOpen: !this.data.cannedOpen });
    },

    /** A canned reply tapped: it becomes the draft (sent with the Send button, as typed text). */
    onCannedPick(event: WechatMiniprogram.BaseEvent<Record<string, never>, { index: number }>) {
      const row = this.data.canned[Number(event.currentTarget.dataset.index)];
      if (!row) return;
      this.onInput({ detail: { value: row.text } } as WechatMiniprogram.CustomEvent<{
        value: string;
      }>);
      this.setData({ cannedOpen: false });
    },

    onHide() {
      const context = contexts.get(this);
      if (context) context.visible = false;
    },

    onUnload() {
      const context = contexts.get(this);
      if (!context) return;
      for (const stop of context.unsubscribe) stop();
      stopDeskLine(this);
      context.client.setTyping(context.conversationId, false);
      context.client.close(context.conversationId);
      contexts.delete(this);
    },

    /** Sends the page only what changed since the last render. */
    render() {
      const context = contexts.get(this);
      if (!context) return;
      const { client, conversationId, tr } = context;
      const view = client.view(conversationId);
      const me = context.user;
      const now = Date.now();
      const all = chatItems(tr, view, me?.id ?? '', me?.name ?? '', now, {
        urls: context.images.urlsOf,
        progress: context.images.progress,
      });
      const items = windowed(all, context.windowRows);
      const previous = this.data.items;
      const update: Record<string, unknown> = itemUpdates(previous, items);
      const typing = typingText(tr, view.typing);
      if (typing !== this.data.typingText) update.typingText = typing;
      const hasOlder =
        (view.hasOlder || all.length > items.length) && items.length < MAX_WINDOW_ROWS;
      if (hasOlder !== this.data.hasOlder) update.hasOlder = hasOlder;
      const olderLabel = tr.t(this.data.loadingOlder ? 'chat.loading' : 'chat.scrollUp');
      if (olderLabel !== this.data.olderLabel) update.olderLabel = olderLabel;
      // No Array.prototype.at: older WeChat engines lack it and the build adds no polyfills.
      const last = items[items.length - 1]?.key;
      // Scroll to the newest row by its own id: a new value for every new message, so
      // scroll-into-view fires each time (setting the same value again does nothing).
      if (last !== undefined && last !== previous[previous.length - 1]?.key) {
        update.scrollInto = `m-${last}`;
      }
      if (Object.keys(update).length > 0) this.setData(update);
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

    /** The send button, and the keyboard's send key (confirm-type="send"). */
    onSend(event?: { type?: string }) {
      const context = contexts.get(this);
      const text = this.data.draft;
      if (!context || messageTextProblem(text) !== undefined) return;
      // Asked in the tap itself (WeChat refuses it after an await or from the keyboard's key).
      if (event?.type === 'tap' && shouldAsk(context.notify) && context.notify) {
        void this.recordAnswer(askSubscription(context.notify.templateId));
      }
      context.client.send(context.conversationId, text);
      this.setData({ draft: '', count: 0, overLimit: false, canSend: false });
    },

    /** The picture button: pick one from the album or camera and send it (outbox, progress). */
    async onPickImage() {
      const context = contexts.get(this);
      if (!context) return;
      const { tr } = context;
      let size = 0;
      try {
        const image = await pickImage();
        if (!image) return;
        size = image.size;
        context.client.sendImage(context.conversationId, image);
      } catch (error) {
        const reason = error instanceof UploadFailedError ? error.reason : 'network';
        const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
        if (reason === 'tooLarge') {
          toast(tr.t('image.tooLarge', { size: mb(size), max: mb(MAX_IMAGE_BYTES) }));
        } else {
          toast(tr.t(reason === 'unsupported' ? 'image.unreadable' : 'image.unavailable'));
        }
      }
    },

    /** A tap on a picture: full size, with the conversation's other pictures to swipe through. */
    onPreview(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      const context = contexts.get(this);
      if (!context) return;
      const messages = context.client.view(context.conversationId).messages;
      const found = context.images.fullSize(messages, event.detail.key);
      if (found) previewImage(found.current, found.all);
      else {
        context.images.failed(event.detail.key);
        toast(context.tr.t('image.unavailable'));
      }
    },

    /** A thumbnail did not load (its URL expired or was refused): renew it. */
    onImageError(event: WechatMiniprogram.CustomEvent<{ key: string }>) {
      contexts.get(this)?.images.failed(event.detail.key);
    },

    onRetry(event: WechatMiniprogram.CustomEvent<{ clientId: string }>) {
      const context = contexts.get(this);
      if (context) context.client.retry(event.detail.clientId);
    },

    /**
     * A long-press on a stored message: recall one's own (while the 2-minute window lasts),
     * report someone else's (with a reason), remove any (admins). The server decides.
     */
    async onActions(event: WechatMiniprogram.CustomEvent<{ seq: number }>) {
      const context = contexts.get(this);
      if (!context) return;
      const { client, tr, conversationId } = context;
      const message = client.view(conversationId).messages.find((m) => m.seq === event.detail.seq);
      const me = client.user ?? context.user;
      if (!message || message.recalled !== undefined || !me) return;
      const actions: { label: string; run: () => Promise<unknown>; failed: string }[] = [];
      if (canRecall(message, me.id, Date.now())) {
        actions.push({
          label: tr.t('action.recall'),
          run: () => client.recall(conversationId, message.seq),
          failed: tr.t('recall.failed'),
        });
      } else if (message.senderId === me.id && me.role !== 'admin') {
        toast(tr.t('recall.tooLate'));
        return;
      }
      if (message.senderId !== me.id) {
        actions.push({
          label: tr.t('action.report'),
          run: async () => {
            const reasons = REPORT_REASONS.map((r) => tr.t(`report.reason.${r}`));
            const chosen = await chooseAction(reasons);
            const reason = chosen === undefined ? undefined : REPORT_REASONS[chosen];
            if (!reason) return;
            await client.report(conversationId, message.seq, reason);
            toast(tr.t('report.sent'));
          },
          failed: tr.t('report.failed'),
        });
      }
      if (me.role === 'admin') {
        actions.push({
          label: tr.t('action.remove'),
          run: () => client.remove(conversationId, message.seq),
          failed: tr.t('recall.failed'),
        });
      }
      const index = await chooseAction(actions.map((a) => a.label));
      const action = index === undefined ? undefined : actions[index];
      if (!action) return;
      try {
        await action.run();
      } catch {
        toast(action.failed);
      }
    },

    async onScrollToUpper() {
      const context = contexts.get(this);
      if (!context || this.data.loadingOlder || !this.data.hasOlder) return;
      const anchor = this.data.items[0]?.key;
      this.setData({ loadingOlder: true, olderLabel: context.tr.t('chat.loading') });
      context.windowRows = Math.min(context.windowRows + WINDOW_ROWS, MAX_WINDOW_ROWS);
      try {
        const held = context.client.view(context.conversationId);
        // Rows already held beyond the window come back first; fetch only when there are none.
        if (held.messages.length + held.pending.length < context.windowRows) {
          await context.client.loadOlder(context.conversationId);
        }
      } catch {
        toast(context.tr.t('toast.olderFailed'));
      }
      this.setData({ loadingOlder: false });
      this.render();
      // Keep the message that was on top in view instead of jumping to the oldest.
      if (anchor) this.setData({ scrollInto: `m-${anchor}` });
    },
  },
});
