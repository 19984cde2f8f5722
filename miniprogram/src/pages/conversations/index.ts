/**
 * The conversations page. A student sees "联系服务台" (their support conversation) and the rooms
 * they joined; staff (admins) see the desk's inbox — filtered like the console's by owner (我的 /
 * 未分配 / 全部) and state (待处理 / 处理中 / 已解决, with counts, "99+" at the server's cap),
 * longest waiting first, each row with its state, owner and waiting time — with unread badges and
 * who is online, their own 在岗 / 暂离 switch, and the rooms. Pull down to refresh; new messages,
 * presence and desk changes update the list live; the list is fetched again when the page shows
 * again and when a room's members change. The language switch is at the bottom.
 */
import type {
  ChatClient,
  ChatMessage,
  DeskCounts,
  DeskFilterChoice,
  DeskOwnerFilter,
  DeskState,
  DeskStateFrame,
  Locale,
  PresenceFrame,
  SessionUser,
  Translator,
} from '../../core';
import {
  badgeText,
  byLongestWaiting,
  DEFAULT_DESK_FILTER,
  deskHoldsConversations,
  deskInfoOf,
  deskTitle,
  errorText,
  formatRecency,
  inDeskFilter,
  inviteCodeFromScan,
  previewText,
  selectDeskFilter,
  ticketFromScan,
  waitingAfter,
} from '../../core';
import { watchBanner } from '../../lib/banner';
import { changedFields } from '../../lib/chat-window';
import {
  byLatest,
  type ConversationItem,
  conversationItem,
  withDeskLine,
} from '../../lib/conversation-items';
import { type DeskTab, deskTabs } from '../../lib/desk-lines';
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
  /** Staff: the inbox's filter and the last counts per state. */
  filter: DeskFilterChoice;
  counts?: DeskCounts;
}

const contexts = new WeakMap<object, PageContext>();

function chatUrl(id: string, title: string, item?: ConversationItem): string {
  const url = `/pages/chat/index?id=${encodeURIComponent(id)}&title=${encodeURIComponent(title)}`;
  // Staff: the desk line starts from the state the list holds (deskstate frames keep it current).
  if (!item || item.deskState === '') return url;
  const owner = item.ownerId ? `&owner=${encodeURIComponent(item.ownerId)}` : '';
  const name = item.ownerName ? `&ownerName=${encodeURIComponent(item.ownerName)}` : '';
  return `${url}&desk=${item.deskState}${owner}${name}`;
}

function pageLabels(tr: Translator, userName: string) {
  return labels(tr, {
    loading: 'sidebar.loading',
    contactDesk: 'home.contactDesk',
    deskHint: 'home.deskHint',
    students: 'home.students',
    noStudents: 'home.noStudents',
    filterEmpty: 'home.filterEmpty',
    more: 'home.more',
    rooms: 'home.rooms',
    online: 'sidebar.online',
    browseRooms: 'home.browseRooms',
    scanLogin: 'weblogin.scan',
    scanInvite: 'invite.scan',
    signOut: ['home.signedInAs', { name: userName }],
    otherLanguage: tr.locale === 'zh' ? 'lang.en' : 'lang.zh',
    filterLabel: 'desk.filterLabel',
    stateLabel: 'desk.stateLabel',
    onDuty: 'desk.onDuty',
    away: 'desk.away',
    awayHint: 'desk.awayHint',
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
    /** Staff: the filter's tabs (desk-filter) and their own status (在岗 on, 暂离 off). */
    deskOwners: [] as DeskTab[],
    deskStates: [] as DeskTab[],
    awayShown: false,
    onDuty: true,
    /** Staff: the desk holds conversations the filter hides (an empty list is the filter's). */
    othersElsewhere: false,
  },
  methods: {
    async onLoad() {
      const tr = appTranslator();
      setTitle(tr.t('nav.conversations'));
      const client = await startChat();
      const user = await currentUser();
      const context: PageContext = {
        client,
        tr,
        user,
        unsubscribe: [],
        filter: DEFAULT_DESK_FILTER,
      };
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
        client.on('deskstate', (frame) => this.onDeskState(frame)),
      );
      if (user?.role === 'admin') {
        this.renderTabs();
        void this.loadStatus();
      }
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
      const isAdmin = user?.role === 'admin';
      try {
        const cursor = more && this.data.cursor ? { cursor: this.data.cursor } : {};
        const now = Date.now();
        if (isAdmin) {
          // Staff: the desk's page for the filter; the rooms come first in the plain list.
          const [inbox, list] = await Promise.all([
            client.desk().inbox(context.filter, cursor.cursor),
            more ? undefined : client.conversations(),
          ]);
          if (inbox.counts) context.counts = inbox.counts;
          const support = inbox.conversations.map((c) => conversationItem(tr, c, now, user.id));
          const rooms = (list?.conversations ?? [])
            .filter((c) => c.kind === 'room')
            .map((c) => conversationItem(tr, c, now));
          this.setData({
            isAdmin,
            desk: null,
            inbox: byLongestWaiting(more ? [...this.data.inbox, ...support] : support),
            ...(more ? {} : { rooms: byLatest(rooms) }),
            cursor: inbox.cursor ?? '',
            loading: false,
          });
          this.renderTabs();
          return;
        }
        const page = await client.conversations(cursor);
        const items = page.conversations.map((c) => conversationItem(tr, c, now));
        const support = items.filter((i) => i.kind === 'support');
        const rooms = items.filter((i) => i.kind === 'room');
        const desk = support[0];
        this.setData({
          isAdmin,
          desk: !desk ? null : { ...desk, title: deskTitle(tr, desk.title) },
          inbox: [],
          rooms: byLatest(more ? [...this.data.rooms, ...rooms] : rooms),
          cursor: page.cursor ?? '',
          loading: false,
        });
      } catch {
        this.setData({ loading: false });
        toast(context.tr.t('toast.listFailed'));
      }
    },

    /** The filter's tabs, sent only when they changed (a count, a tap). */
    renderTabs() {
      const context = contexts.get(this);
      if (!context) return;
      const tabs = deskTabs(context.tr, context.filter, context.counts);
      const update = changedFields(this.data, {
        deskOwners: tabs.owners,
        deskStates: tabs.states,
        othersElsewhere: deskHoldsConversations(context.counts),
      });
      if (Object.keys(update).length > 0) this.setData(update);
    },

    onDeskOwner(event: WechatMiniprogram.CustomEvent<{ value: DeskOwnerFilter }>) {
      this.chooseFilter({ owner: event.detail.value });
    },

    onDeskStateTab(event: WechatMiniprogram.CustomEvent<{ value: DeskState }>) {
      this.chooseFilter({ state: event.detail.value });
    },

    chooseFilter(next: Partial<DeskFilterChoice>) {
      const context = contexts.get(this);
      if (!context) return;
      context.filter = selectDeskFilter(context.filter, next);
      this.renderTabs();
      this.setData({ inbox: [], cursor: '', loading: true });
      void this.refresh();
    },

    /**
     * A desk change (own or a colleague's), live: the counts, the row's state and owner — gone
     * from the list when it no longer matches the filter, fetched when it now does.
     */
    onDeskState(frame: DeskStateFrame) {
      const context = contexts.get(this);
      if (!context || context.user?.role !== 'admin') return;
      if (frame.counts) {
        context.counts = frame.counts;
        this.renderTabs();
      }
      const me = context.user.id;
      const index = this.data.inbox.findIndex((i) => i.id === frame.conversationId);
      const info = deskInfoOf(frame);
      const matches = inDeskFilter(
        { deskState: info.state, ...(info.ownerId !== undefined ? { ownerId: info.ownerId } : {}) },
        context.filter,
        me,
      );
      if (index < 0) {
        if (matches) void this.refresh();
        return;
      }
      if (!matches) {
        this.setData({ inbox: this.data.inbox.filter((i) => i.id !== frame.conversationId) });
        return;
      }
      const item = this.data.inbox[index] as ConversationItem;
      const changed = withDeskLine(
        context.tr,
        {
          ...item,
          deskState: info.state,
          ownerId: info.ownerId ?? '',
          ownerName: info.ownerName ?? '',
          waitingSince: frame.waitingSince ?? '',
        },
        me,
        Date.now(),
      );
      this.setData({ [`inbox[${index}]`]: changed });
    },

    /** Staff: whether they are on duty, from the staff list. */
    async loadStatus() {
      const context = contexts.get(this);
      if (!context?.user) return;
      try {
        const staff = await context.client.staff().list();
        const own = staff.find((member) => member.userId === context.user?.id);
        if (own) this.setData({ awayShown: true, onDuty: own.status === 'active' });
      } catch {
        // No switch without the list; the desk works the same.
      }
    },

    /** The 在岗 / 暂离 switch: away staff do not count as the desk being online. */
    async onDutySwitch(event: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      const context = contexts.get(this);
      if (!context?.user) return;
      const onDuty = event.detail.value;
      try {
        const staff = await context.client.staff().setAway(!onDuty);
        const own = staff.find((member) => member.userId === context.user?.id);
        this.setData({ onDuty: own ? own.status === 'active' : onDuty });
      } catch (error) {
        toast(context.tr.t('desk.awayFailed', { reason: errorText(context.tr, error) }));
        // The switch goes back to what the server holds.
        this.setData({ onDuty: !onDuty });
      }
    },

    onMessage(message: ChatMessage) {
      const context = contexts.get(this);
      if (!context) return;
      const { tr } = context;
      const mine = message.senderId === context.user?.id;
      const isAdmin = context.user?.role === 'admin';
      // The desk calls a support conversation by the student's current name.
      const fromStudent = message.conversationId === `support:${message.senderId}`;
      const update = (item: ConversationItem): ConversationItem => {
        // Older history loaded by the chat page (seqs the list already counted) changes nothing.
        if (item.id !== message.conversationId || message.seq <= item.lastSeq) return item;
        const unread = mine ? item.unread : item.unread + 1;
        const waiting = waitingAfter(item, message);
        const next: ConversationItem = {
          ...item,
          ...(item.kind === 'support' ? { waitingSince: waiting.waitingSince ?? '' } : {}),
          ...(fromStudent && !mine && item.kind === 'support' ? { title: message.senderName } : {}),
          lastSeq: message.seq,
          preview: previewText(tr, message),
          time: formatRecency(tr, message.sentAt),
          lastActivityAt: message.sentAt,
          unread,
          badge: badgeText(unread),
        };
        return isAdmin && next.kind === 'support'
          ? withDeskLine(tr, next, context.user?.id, Date.now())
          : next;
      };
      const known =
        this.data.desk?.id === message.conversationId ||
        this.data.inbox.some((i) => i.id === message.conversationId) ||
        this.data.rooms.some((i) => i.id === message.conversationId);
      if (!known) {
        // A student wrote to the desk for the first time: fetch the list. (Staff: not listed
        // under this filter; the conversation's `deskstate` says whether it now belongs.)
        if (!isAdmin) void this.refresh();
        return;
      }
      this.setData({
        desk: this.data.desk ? update(this.data.desk) : null,
        inbox: byLongestWaiting(this.data.inbox.map(update)),
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
      navigateTo(
        chatUrl(
          id,
          title,
          this.data.inbox.find((i) => i.id === id),
        ),
      );
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
