/**
 * The conversations page. A student sees "联系服务台" (their support conversation) and the rooms
 * they joined; an admin sees the inbox of student conversations, newest activity first, with
 * unread badges and who is online, and the rooms. Pull down to refresh; new messages and
 * presence update the list live; the list is fetched again when the page shows again and when
 * a room's members change. The language switch is at the bottom.
 */
import type {
  ChatClient,
  ChatMessage,
  Locale,
  PresenceFrame,
  SessionUser,
  Translator,
} from '../../core';
import {
  badgeText,
  deskTitle,
  formatRecency,
  inviteCodeFromScan,
  previewText,
  ticketFromScan,
} from '../../core';
import { watchBanner } from '../../lib/banner';
import { byLatest, type ConversationItem, conversationItem } from '../../lib/conversation-items';
import { labels } from '../../lib/labels';
import { currentUser, signOut, startChat } from '../../services/chat-session';
import { scanCode } from '../../services/scan';
import { appTranslator, chooseLocale } from '../../services/locale';
import {
  confirm,
  navigateTo,
  restart,
  setTitle,
  stopPullDownRefresh,
  toast,
} from '../../services/ui';

interface PageContext {
  readonly client: ChatClient;
  readonly tr: Translator;
  readonly user: SessionUser | undefined;
  readonly unsubscribe: (() => void)[];
}

const contexts = new WeakMap<object, PageContext>();

function chatUrl(id: string, title: string): string {
  return `/pages/chat/index?id=${encodeURIComponent(id)}&title=${encodeURIComponent(title)}`;
}

function pageLabels(tr: Translator, userName: string) {
  return labels(tr, {
    loading: 'sidebar.loading',
    contactDesk: 'home.contactDesk',
    deskHint: 'home.deskHint',
    students: 'home.students',
    noStudents: 'home.noStudents',
    more: 'home.more',
    rooms: 'home.rooms',
    online: 'sidebar.online',
    browseRooms: 'home.browseRooms',
    scanLogin: 'weblogin.scan',
    scanInvite: 'invite.scan',
    signOut: ['home.signedInAs', { name: userName }],
    otherLanguage: tr.locale === 'zh' ? 'lang.en' : 'lang.zh',
  });
}

Component({
  data: {
    t: {} as ReturnType<typeof pageLabels>,
    lang: '',
    isAdmin: false,
    desk: null as ConversationItem | null,
    inbox: [] as ConversationItem[],
    rooms: [] as ConversationItem[],
    cursor: '',
    loading: true,
    banner: '',
  },
  methods: {
    async onLoad() {
      const tr = appTranslator();
      setTitle(tr.t('nav.conversations'));
      const client = await startChat();
      const user = await currentUser();
      const context: PageContext = { client, tr, user, unsubscribe: [] };
      this.setData({
        t: pageLabels(tr, user?.name ?? ''),
        lang: tr.tag,
        isAdmin: user?.role === 'admin',
      });
      contexts.set(this, context);
      context.unsubscribe.push(
        client.on('message', (message) => this.onMessage(message)),
        client.on('presence', (presence) => this.onPresence(presence)),
        watchBanner(tr, client, (banner) => this.setData({ banner })),
      );
      await this.refresh();
    },

    onShow() {
      // Coming back from a chat or the rooms page: unread counts and rooms changed.
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
      const { client, user, tr } = context;
      try {
        const page = await client.conversations(
          more && this.data.cursor ? { cursor: this.data.cursor } : {},
        );
        const now = Date.now();
        const items = page.conversations.map((c) => conversationItem(tr, c, now));
        const support = items.filter((i) => i.kind === 'support');
        const rooms = items.filter((i) => i.kind === 'room');
        const isAdmin = user?.role === 'admin';
        const desk = support[0];
        this.setData({
          isAdmin,
          desk: isAdmin || !desk ? null : { ...desk, title: deskTitle(tr, desk.title) },
          inbox: isAdmin ? byLatest(more ? [...this.data.inbox, ...support] : support) : [],
          rooms: byLatest(more ? [...this.data.rooms, ...rooms] : rooms),
          cursor: page.cursor ?? '',
          loading: false,
        });
      } catch {
        this.setData({ loading: false });
        toast(context.tr.t('toast.listFailed'));
      }
    },

    onMessage(message: ChatMessage) {
      const context = contexts.get(this);
      if (!context) return;
      const { tr } = context;
      const mine = message.senderId === context.user?.id;
      // The desk calls a support conversation by the student's current name.
      const fromStudent = message.conversationId === `support:${message.senderId}`;
      const update = (item: ConversationItem): ConversationItem => {
        // Older history loaded by the chat page (seqs the list already counted) changes nothing.
        if (item.id !== message.conversationId || message.seq <= item.lastSeq) return item;
        const unread = mine ? item.unread : item.unread + 1;
        return {
          ...item,
          ...(fromStudent && !mine && item.kind === 'support' ? { title: message.senderName } : {}),
          lastSeq: message.seq,
          preview: previewText(tr, message),
          time: formatRecency(tr, message.sentAt),
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
      // A member joined or left a room: its member count changed.
      if (presence.event === 'joined' || presence.event === 'left') {
        void this.refresh();
        return;
      }
      const online = presence.event === 'online';
      const index = this.data.inbox.findIndex((i) => i.id === presence.conversationId);
      if (index < 0 || this.data.inbox[index]?.online === online) return;
      this.setData({ [`inbox[${index}].online`]: online });
    },

    onOpen(event: WechatMiniprogram.BaseEvent) {
      const { id, title } = event.currentTarget.dataset as { id: string; title: string };
      navigateTo(chatUrl(id, title));
    },

    onContactDesk() {
      const context = contexts.get(this);
      const user = context?.user;
      if (!context || !user) return;
      navigateTo(
        chatUrl(`support:${user.id}`, this.data.desk?.title ?? deskTitle(context.tr, undefined)),
      );
    },

    onRooms() {
      navigateTo('/pages/rooms/index');
    },

    /** Desk staff: scan the console's login code and answer it on the approval page. */
    async onScanLogin() {
      const context = contexts.get(this);
      if (!context) return;
      const scanned = await scanCode();
      if (scanned === undefined) return; // cancelled
      const ticket = ticketFromScan(scanned);
      if (!ticket) {
        toast(context.tr.t('weblogin.notCode'));
        return;
      }
      navigateTo(`/pages/weblogin/index?ticket=${ticket}`);
    },

    /** Not staff yet: scan a manager's invitation (the console's code) and answer it. */
    async onScanInvite() {
      const context = contexts.get(this);
      if (!context) return;
      const scanned = await scanCode();
      if (scanned === undefined) return; // cancelled
      const code = inviteCodeFromScan(scanned);
      if (!code) {
        toast(context.tr.t('invite.notCode'));
        return;
      }
      navigateTo(`/pages/invite/index?code=${code}`);
    },

    async onMore() {
      await this.refresh(true);
    },

    /** Switches between 中文 and English; every page is opened again in it. */
    onLanguage() {
      const context = contexts.get(this);
      if (!context) return;
      const next: Locale = context.tr.locale === 'zh' ? 'en' : 'zh';
      chooseLocale(next);
      restart('/pages/conversations/index');
    },

    async onSignOut() {
      const context = contexts.get(this);
      if (!context) return;
      const { tr } = context;
      if (!(await confirm(tr.t('home.signOutTitle'), tr.t('home.signOutBody')))) return;
      await signOut();
      restart();
    },
  },
});
