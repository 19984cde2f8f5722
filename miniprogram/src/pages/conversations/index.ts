/**
 * The conversations page. A student sees "Contact the desk" (their support conversation) and the
 * rooms they joined; an admin sees the inbox of student conversations, newest activity first,
 * with unread badges and who is online, and the rooms. Pull down to refresh; new messages and
 * presence update the list live.
 */
import type { ChatClient, ChatMessage, PresenceFrame, SessionUser } from '../../core';
import { watchBanner } from '../../lib/banner';
import { byLatest, type ConversationItem, conversationItem } from '../../lib/conversation-items';
import { badgeText, formatTime, previewText } from '../../core';
import { currentUser, signOut, startChat } from '../../services/chat-session';
import { confirm, navigateTo, restart, stopPullDownRefresh, toast } from '../../services/ui';

interface PageContext {
  readonly client: ChatClient;
  readonly user: SessionUser | undefined;
  readonly unsubscribe: (() => void)[];
}

const contexts = new WeakMap<object, PageContext>();

function chatUrl(id: string, title: string): string {
  return `/pages/chat/index?id=${encodeURIComponent(id)}&title=${encodeURIComponent(title)}`;
}

Component({
  data: {
    isAdmin: false,
    userName: '',
    desk: null as ConversationItem | null,
    inbox: [] as ConversationItem[],
    rooms: [] as ConversationItem[],
    cursor: '',
    loading: true,
    banner: '',
  },
  methods: {
    async onLoad() {
      const client = await startChat();
      const user = await currentUser();
      const context: PageContext = { client, user, unsubscribe: [] };
      this.setData({ isAdmin: user?.role === 'admin', userName: user?.name ?? '' });
      contexts.set(this, context);
      context.unsubscribe.push(
        client.on('message', (message) => this.onMessage(message)),
        client.on('presence', (presence) => this.onPresence(presence)),
        watchBanner(client, (banner) => this.setData({ banner })),
      );
      await this.refresh();
    },

    onShow() {
      // Coming back from a chat: its unread count changed.
      if (contexts.has(this)) void this.refresh();
    },

    onUnload() {
      const context = contexts.get(this);
      if (context) for (const stop of context.unsubscribe) stop();
      contexts.delete(this);
    },

    async onPullDownRefresh() {
      await this.refresh();
      stopPullDownRefresh();
    },

    async refresh(more = false) {
      const context = contexts.get(this);
      if (!context) return;
      const { client, user } = context;
      try {
        const page = await client.conversations(
          more && this.data.cursor ? { cursor: this.data.cursor } : {},
        );
        const now = Date.now();
        const items = page.conversations.map((c) => conversationItem(c, now));
        const support = items.filter((i) => i.kind === 'support');
        const rooms = items.filter((i) => i.kind === 'room');
        const isAdmin = user?.role === 'admin';
        this.setData({
          isAdmin,
          userName: user?.name ?? '',
          desk: isAdmin ? null : (support[0] ?? null),
          inbox: isAdmin ? byLatest(more ? [...this.data.inbox, ...support] : support) : [],
          rooms: byLatest(more ? [...this.data.rooms, ...rooms] : rooms),
          cursor: page.cursor ?? '',
          loading: false,
        });
      } catch {
        this.setData({ loading: false });
        toast('Could not load conversations');
      }
    },

    onMessage(message: ChatMessage) {
      const context = contexts.get(this);
      if (!context) return;
      const mine = message.senderId === context.user?.id;
      const update = (item: ConversationItem): ConversationItem => {
        // Older history loaded by the chat page (seqs the list already counted) changes nothing.
        if (item.id !== message.conversationId || message.seq <= item.lastSeq) return item;
        const unread = mine ? item.unread : item.unread + 1;
        return {
          ...item,
          lastSeq: message.seq,
          preview: previewText(message),
          time: formatTime(message.sentAt),
          lastActivityAt: message.sentAt,
          unread,
          badge: badgeText(unread),
        };
      };
      const known =
        this.data.desk?.id === message.conversationId ||
        this.data.inbox.some((i) => i.id === message.conversationId) ||
        this.data.rooms.some((i) => i.id === message.conversationId);
      if (!known) {
        // A student wrote to the desk for the first time: fetch the list.
        void this.refresh();
        return;
      }
      this.setData({
        desk: this.data.desk ? update(this.data.desk) : null,
        inbox: byLatest(this.data.inbox.map(update)),
        rooms: byLatest(this.data.rooms.map(update)),
      });
    },

    onPresence(presence: PresenceFrame) {
      if (presence.event !== 'online' && presence.event !== 'offline') return;
      const online = presence.event === 'online';
      this.setData({
        inbox: this.data.inbox.map((i) =>
          i.id === presence.conversationId ? { ...i, online } : i,
        ),
      });
    },

    onOpen(event: WechatMiniprogram.BaseEvent) {
      const { id, title } = event.currentTarget.dataset as { id: string; title: string };
      navigateTo(chatUrl(id, title));
    },

    onContactDesk() {
      const context = contexts.get(this);
      const user = context?.user;
      if (!user) return;
      navigateTo(chatUrl(`support:${user.id}`, this.data.desk?.title ?? 'Study-room desk'));
    },

    onRooms() {
      navigateTo('/pages/rooms/index');
    },

    async onMore() {
      await this.refresh(true);
    },

    async onSignOut() {
      if (!(await confirm('Sign out?', 'Messages not yet sent on this phone will be discarded.')))
        return;
      await signOut();
      restart();
    },
  },
});
