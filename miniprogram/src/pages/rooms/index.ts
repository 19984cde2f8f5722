/** Rooms: browse every room, join and leave; admins create rooms. */
import type { ChatClient } from '../../core';
import { byLatest, type ConversationItem, conversationItem } from '../../lib/conversation-items';
import { currentUser, startChat } from '../../services/chat-session';
import { confirm, navigateTo, stopPullDownRefresh, toast } from '../../services/ui';

const clients = new WeakMap<object, ChatClient>();

Component({
  data: {
    rooms: [] as ConversationItem[],
    isAdmin: false,
    title: '',
    busy: false,
  },
  methods: {
    async onLoad() {
      const client = await startChat();
      clients.set(this, client);
      this.setData({ isAdmin: (await currentUser())?.role === 'admin' });
      await this.refresh();
    },

    async onPullDownRefresh() {
      await this.refresh();
      stopPullDownRefresh();
    },

    async refresh() {
      const client = clients.get(this);
      if (!client) return;
      try {
        const now = Date.now();
        this.setData({
          rooms: byLatest((await client.rooms()).map((r) => conversationItem(r, now))),
        });
      } catch {
        toast('Could not load rooms');
      }
    },

    async onJoin(event: WechatMiniprogram.BaseEvent) {
      const client = clients.get(this);
      const { id } = event.currentTarget.dataset as { id: string };
      if (!client) return;
      try {
        await client.join(id);
        await this.refresh();
      } catch {
        toast('Could not join the room');
      }
    },

    async onLeave(event: WechatMiniprogram.BaseEvent) {
      const client = clients.get(this);
      const { id, title } = event.currentTarget.dataset as { id: string; title: string };
      if (!client || !(await confirm('Leave room?', title))) return;
      try {
        await client.leave(id);
        await this.refresh();
      } catch {
        toast('Could not leave the room');
      }
    },

    onOpen(event: WechatMiniprogram.BaseEvent) {
      const { id, title, joined } = event.currentTarget.dataset as {
        id: string;
        title: string;
        joined: boolean;
      };
      // Only members can read a room: join first.
      if (!joined) return;
      navigateTo(
        `/pages/chat/index?id=${encodeURIComponent(id)}&title=${encodeURIComponent(title)}`,
      );
    },

    onTitleInput(event: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ title: event.detail.value });
    },

    async onCreate() {
      const client = clients.get(this);
      const title = this.data.title.trim();
      if (!client || title.length === 0 || this.data.busy) return;
      this.setData({ busy: true });
      try {
        await client.createRoom(title);
        this.setData({ title: '' });
        await this.refresh();
      } catch {
        toast('Could not create the room');
      }
      this.setData({ busy: false });
    },
  },
});
