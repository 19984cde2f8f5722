/**
 * Rooms: browse every room, join and leave; admins create rooms. Tapping a room opens it, and
 * joins it first when the user is not a member yet (only members can read a room).
 */
import type { ChatClient, Translator } from '../../core';
import { byLatest, type ConversationItem, conversationItem } from '../../lib/conversation-items';
import { labels } from '../../lib/labels';
import { currentUser, startChat } from '../../services/chat-session';
import { appTranslator } from '../../services/locale';
import { confirm, navigateTo, setTitle, stopPullDownRefresh, toast } from '../../services/ui';

interface PageContext {
  readonly client: ChatClient;
  readonly tr: Translator;
}

const contexts = new WeakMap<object, PageContext>();

function pageLabels(tr: Translator) {
  return labels(tr, {
    newTitle: 'rooms.newTitle',
    create: 'rooms.create',
    empty: 'rooms.empty',
    join: 'rooms.join',
    leave: 'rooms.leave',
  });
}

function chatUrl(id: string, title: string): string {
  return `/pages/chat/index?id=${encodeURIComponent(id)}&title=${encodeURIComponent(title)}`;
}

Component({
  data: {
    t: {} as ReturnType<typeof pageLabels>,
    lang: '',
    rooms: [] as ConversationItem[],
    isAdmin: false,
    title: '',
    busy: false,
  },
  methods: {
    async onLoad() {
      const tr = appTranslator();
      setTitle(tr.t('nav.rooms'));
      this.setData({ t: pageLabels(tr), lang: tr.tag });
      const client = await startChat();
      contexts.set(this, { client, tr });
      this.setData({ isAdmin: (await currentUser())?.role === 'admin' });
      await this.refresh();
    },

    onShow() {
      // Back from a room: members and rooms may have changed meanwhile.
      if (contexts.has(this)) void this.refresh();
    },

    onUnload() {
      contexts.delete(this);
    },

    async onPullDownRefresh() {
      await this.refresh();
      stopPullDownRefresh();
    },

    async refresh() {
      const context = contexts.get(this);
      if (!context) return;
      try {
        const now = Date.now();
        const rooms = await context.client.rooms();
        this.setData({ rooms: byLatest(rooms.map((r) => conversationItem(context.tr, r, now))) });
      } catch {
        toast(context.tr.t('toast.roomsFailed'));
      }
    },

    /** Joins; returns whether it worked (a toast says when not). */
    async join(id: string): Promise<boolean> {
      const context = contexts.get(this);
      if (!context) return false;
      try {
        await context.client.join(id);
        return true;
      } catch {
        toast(context.tr.t('toast.joinFailed'));
        return false;
      }
    },

    async onJoin(event: WechatMiniprogram.BaseEvent) {
      const { id } = event.currentTarget.dataset as { id: string };
      if (await this.join(id)) await this.refresh();
    },

    async onLeave(event: WechatMiniprogram.BaseEvent) {
      const context = contexts.get(this);
      const { id, title } = event.currentTarget.dataset as { id: string; title: string };
      if (!context || !(await confirm(context.tr.t('rooms.leaveTitle'), title))) return;
      try {
        await context.client.leave(id);
        await this.refresh();
      } catch {
        toast(context.tr.t('toast.leaveFailed'));
      }
    },

    async onOpen(event: WechatMiniprogram.BaseEvent) {
      const { id, title, joined } = event.currentTarget.dataset as {
        id: string;
        title: string;
        joined: boolean;
      };
      // Only members can read a room: tapping one you have not joined joins it, then opens it.
      if (!joined) {
        if (!(await this.join(id))) return;
        void this.refresh();
      }
      navigateTo(chatUrl(id, title));
    },

    onTitleInput(event: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ title: event.detail.value });
    },

    async onCreate() {
      const context = contexts.get(this);
      const title = this.data.title.trim();
      if (!context || title.length === 0 || this.data.busy) return;
      this.setData({ busy: true });
      try {
        await context.client.createRoom(title);
        this.setData({ title: '' });
        await this.refresh();
      } catch {
        toast(context.tr.t('toast.createFailed'));
      }
      this.setData({ busy: false });
    },
  },
});
