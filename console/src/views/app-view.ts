/**
 * The logged-in console: header (brand, who, language, sign out), connection banner, notices,
 * the sidebar and the open conversation, all driven by the one ChatClient's events. The list is
 * fetched again after every (re)connect, when the tab comes back into view, and when a presence
 * event says a room's members changed, because what it shows may have changed meanwhile.
 *
 * On a phone (narrow screen) the sidebar and the conversation are two screens: `data-view` on
 * the layout says which one shows, and the conversation has a back button.
 */
import {
  type ChatClient,
  type ChatClientErrorEvent,
  type ChatMessage,
  type ConnectionState,
  deskInfoOf,
  deskTitle,
  errorText,
  ImageUrlCache,
  inDeskFilter,
  LoginError,
  loginErrorText,
  ProtocolError,
  type SessionUser,
  type Translator,
} from '../../../client/index';
import type { BrowserImageUploader } from '../browser/image-uploader';
import { pageVisible } from '../browser/lifecycle';
import { h, setText } from '../dom';
import { languageSwitch } from '../i18n';
import { ConversationList } from '../lib/conversation-list';
import { BannerView } from './banner-view';
import { brand } from './brand';
import { ChatView } from './chat-view';
import { Lightbox } from './lightbox';
import { ReportsView } from './reports-view';
import { SidebarView } from './sidebar-view';
import { CannedManageView } from './canned-manage-view';
import { CannedPickerView } from './canned-picker-view';
import { DeskBarView, type DeskInfo } from './desk-bar-view';
import { DeskFilterView } from './desk-filter-view';
import { SearchView } from './search-view';
import { AwayToggleView } from './away-toggle-view';
import { StaffView } from './staff-view';
import { StatsView } from './stats-view';
import type { CannedReply, DeskStateFrame, StaffMember } from '../../../client/index';
import type { ListItem } from '../lib/conversation-list';

/** How often the inbox is drawn again so its waiting times stay current. */
const WAITING_REFRESH_MS = 30_000;

/**
 * What a notice is about. A notice stays until its cause clears: `session` and `list` when the
 * connection is back and the list loads, `conversation` when another conversation opens.
 */
type NoticeCause = 'session' | 'list' | 'conversation' | 'action';

export class AppView {
  readonly element: HTMLElement;
  private readonly list: ConversationList;
  private readonly banner: BannerView;
  private readonly notice: HTMLElement;
  private noticeCause: NoticeCause | undefined;
  private readonly layout: HTMLElement;
  private readonly sidebar: SidebarView;
  private readonly chat: ChatView;
  /** Admins: the open reports (举报), under the sidebar. */
  private readonly reports: ReportsView | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** The desk line of the open support conversation (state, owner, actions / who is serving). */
  private readonly deskBar: DeskBarView;
  /** Staff: the inbox filter, canned-reply picker and their management. */
  private readonly deskFilter: DeskFilterView | undefined;
  private readonly cannedPicker: CannedPickerView | undefined;
  private readonly cannedManage: CannedManageView | undefined;
  private waitingTimer: ReturnType<typeof setInterval> | undefined;
  /** Staff: 人员管理 (the staff list; managers change it) and away / back in the header. */
  private readonly staff: StaffView | undefined;
  private readonly away: AwayToggleView | undefined;
  /** Staff with the HTTP API: 统计 (figures and exports). */
  private readonly stats: StatsView | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
    private readonly user: SessionUser,
    /** Ends the session (back to login), with a notice when it ended for a reason. */
    signOut: (notice?: string) => void,
    durable: boolean,
    uploader: BrowserImageUploader,
    /** Staff: 统计 (figures and exports) over GET /export with the session's token now. */
    exports?: { readonly url: string; readonly token: () => string },
  ) {
    const isAdmin = user.role === 'admin';
    const lightbox = new Lightbox(tr);
    const urls = new ImageUrlCache({
      renew: (conversationId, keys) => client.imageUrls(conversationId, keys),
      changed: (id) => {
        if (id === this.chat.openId) this.chat.render();
      },
    });
    this.list = new ConversationList(tr);
    this.banner = new BannerView(tr, client);
    this.notice = h('p', { class: 'notice', role: 'alert' });
    this.sidebar = new SidebarView(
      tr,
      isAdmin,
      {
        open: (id, title) => void this.open(id, title),
        join: (id) => void this.join(id),
        refreshRooms: () => void this.refresh(),
        loadMoreInbox: () => void this.loadMore(),
        createRoom: (title) => this.createRoom(title),
      },
      user.id,
    );
    this.chat = new ChatView(
      tr,
      client,
      user,
      {
        read: (id) => {
          if (this.list.markRead(id)) this.renderList();
        },
        leave: (id) => void this.leave(id),
        notice: (text) => this.showNotice('action', text),
        back: () => this.showList(),
      },
      pageVisible,
      { tr, urls, uploader, lightbox },
    );
    const search = new SearchView(tr, client, (result) => {
      void this.open(result.conversationId, result.conversationTitle).then(() =>
        this.chat.reveal(result.conversationId, result.seq),
      );
    });
    this.sidebar.element.prepend(search.element);
    this.reports = isAdmin
      ? new ReportsView(tr, client, (text) => this.showNotice('action', text))
      : undefined;
    if (this.reports) this.sidebar.element.append(this.reports.element);
    this.deskBar = new DeskBarView(tr, client, user, (text) => this.showNotice('action', text));
    this.chat.element.querySelector('.chat-head')?.after(this.deskBar.element);
    if (isAdmin) {
      this.list.byWaiting = true;
      this.deskFilter = new DeskFilterView(tr, () => void this.refresh());
      this.sidebar.element.querySelector('#support-heading')?.after(this.deskFilter.element);
      const textarea = this.chat.element.querySelector('textarea');
      if (textarea) {
        this.cannedPicker = new CannedPickerView(tr, textarea);
        textarea.form?.before(this.cannedPicker.element);
      }
      this.cannedManage = new CannedManageView(tr, client, (replies) =>
        this.cannedChanged(replies),
      );
      this.sidebar.element.append(this.cannedManage.element);
      const staffChanged = (staff: StaffMember[]) => this.staffChanged(staff);
      this.staff = new StaffView(tr, client, user, staffChanged, () =>
        signOut(tr.t('staff.ended')),
      );
      this.sidebar.element.append(this.staff.element);
      if (exports) {
        this.stats = new StatsView(tr, exports.url, exports.token, user.id);
        this.sidebar.element.append(this.stats.element);
      }
      this.away = new AwayToggleView(tr, client, user.id, staffChanged, (text) =>
        this.showNotice('action', text),
      );
    }
    this.layout = h(
      'div',
      { class: 'layout', 'data-view': 'list' },
      this.sidebar.element,
      this.chat.element,
    );
    this.element = h(
      'div',
      { class: 'app' },
      h('a', { class: 'skip-link', href: '#message' }, tr.t('header.skip')),
      h(
        'header',
        { class: 'topbar' },
        h(
          'div',
          { class: 'topbar-row' },
          h(
            'h1',
            {},
            brand(tr, 'span'),
            h('span', { class: 'role' }, tr.t(isAdmin ? 'role.desk' : 'role.student')),
          ),
          h(
            'p',
            { class: 'who' },
            h('span', { class: 'who-label' }, tr.t('header.signedInAs'), ' '),
            h('strong', {}, user.name),
            h('span', { class: 'who-id' }, ` (${user.id})`),
          ),
          this.away?.element,
          languageSwitch(tr),
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => signOut() },
            tr.t('header.signOut'),
          ),
        ),
        this.banner.element,
        this.notice,
        !durable && h('p', { class: 'muted' }, tr.t('notice.noStorage')),
      ),
      this.layout,
      lightbox.element,
    );
  }

  /** Subscribes to the client and shows what it has. */
  mount(): void {
    const { client } = this;
    this.unsubscribe.push(
      client.on('state', (state) => this.stateChanged(state)),
      client.on('conversation', (id) => {
        if (id === this.chat.openId) this.chat.render();
      }),
      client.on('message', (message) => this.messageArrived(message)),
      client.on('recalled', (frame) => {
        // The list's preview was that message (its text, or [图片]): the server's is a tombstone.
        if (this.list.get(frame.conversationId)?.lastSeq === frame.seq) void this.refresh();
      }),
      client.on('uploadProgress', ({ conversationId, clientId, fraction }) =>
        this.chat.uploadProgress(conversationId, clientId, fraction),
      ),
      client.on('presence', (presence) => {
        // Someone joined or left a room: its member count changed.
        if (presence.event === 'joined' || presence.event === 'left') void this.refresh();
        else if (this.list.presence(presence)) this.renderList();
      }),
      client.on('error', (event) => this.clientError(event)),
      client.on('deskstate', (frame) => this.deskChanged(frame)),
      client.on('cannedreplies', (frame) => this.cannedChanged(frame.replies)),
      client.on('staff', (frame) => this.staffChanged(frame.staff)),
    );
    this.waitingTimer = setInterval(() => this.renderList(), WAITING_REFRESH_MS);
    this.banner.show(client.state);
    this.renderList();
    // A student lands in their conversation with the desk at once, even before (or without) a
    // connection: what they wrote and could not send yet is there.
    if (this.user.role === 'student') {
      void this.open(`support:${this.user.id}`, deskTitle(this.tr, undefined));
    }
    if (client.state.status === 'online') {
      void this.refresh();
      void this.staff?.load();
    }
  }

  /** Stops listening (sign out). */
  dispose(): void {
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe.length = 0;
    if (this.waitingTimer !== undefined) clearInterval(this.waitingTimer);
    this.banner.dispose();
    document.title = this.tr.t('console.title');
  }

  /** The tab became visible again: what is on screen is now read, and the lists may be stale. */
  visible(): void {
    this.chat.render();
    if (this.client.state.status === 'online') {
      void this.refresh();
      void this.reports?.load();
    }
  }

  private stateChanged(state: ConnectionState): void {
    this.banner.show(state);
    if (state.status === 'online') {
      // Connected again: whatever kept us from connecting is over.
      this.clearNotice('session');
      void this.refresh();
      void this.reports?.load();
      // Also whether the caller is still on the staff (a removal closed their connection).
      void this.staff?.load();
    }
  }

  private messageArrived(message: ChatMessage): void {
    const seen = message.conversationId === this.chat.openId && pageVisible();
    if (this.list.message(message, this.user.id, seen)) this.renderList();
    else void this.refresh();
    const item = this.list.get(message.conversationId);
    if (item && message.conversationId === this.chat.openId) {
      this.chat.retitle(item.id, this.titleOf(item.id, item.title));
    }
  }

  private clientError(event: ChatClientErrorEvent): void {
    // A sync that timed out or lost its connection is retried after the next connect; only a
    // refusal (FORBIDDEN, NOT_FOUND…) is worth telling.
    const refused = event.error instanceof ProtocolError && !event.error.retryable;
    if (event.kind === 'sync' && refused && event.conversationId === this.chat.openId) {
      this.showNotice(
        'conversation',
        this.tr.t('notice.syncFailed', { reason: errorText(this.tr, event.error) }),
      );
    } else if (event.kind === 'session') {
      // The core could not get a fresh token (usually: the server is unreachable). Nobody is
      // logging in; a blocked account is the one case worth its own words.
      const blocked = event.error instanceof LoginError && event.error.code === 'FORBIDDEN';
      this.showNotice(
        'session',
        blocked ? loginErrorText(this.tr, 'FORBIDDEN') : this.tr.t('notice.sessionFailed'),
      );
    }
  }

  private showNotice(cause: NoticeCause, text: string): void {
    this.noticeCause = cause;
    setText(this.notice, text);
  }

  private clearNotice(...causes: NoticeCause[]): void {
    if (this.noticeCause !== undefined && causes.includes(this.noticeCause)) {
      this.noticeCause = undefined;
      setText(this.notice, '');
    }
  }

  /** The student's own support conversation is the desk, in the user's language. */
  private titleOf(id: string, title: string): string {
    return id === `support:${this.user.id}` ? deskTitle(this.tr, title) : title;
  }

  private renderList(): void {
    this.sidebar.render(this.list, Date.now(), this.deskFilter?.inboxHasConversations ?? false);
    const unread = this.list.totalUnread();
    const title = this.tr.t('console.title');
    document.title = unread > 0 ? `(${unread}) ${title}` : title;
  }

  /** Fetches the conversations and rooms (once at a time; again if asked meanwhile). */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          const [page, rooms] = await Promise.all([
            this.client.conversations(),
            this.client.rooms(),
          ]);
          this.list.replace(
            page.conversations.map((c) => ({ ...c, title: this.titleOf(c.id, c.title) })),
            page.cursor,
          );
          this.list.setRooms(rooms);
          if (this.deskFilter) {
            // Staff: the inbox is the desk's filtered page (state, owner; longest waiting first).
            const inbox = await this.client.desk().inbox(this.deskFilter.filter);
            this.list.replaceSupport(inbox.conversations, inbox.cursor);
            this.deskFilter.setCounts(inbox.counts);
            if (this.cannedPicker) this.cannedChanged(await this.client.desk().cannedReplies());
          }
          this.renderList();
          if (this.chat.openId)
            this.deskBar.show(this.chat.openId, this.deskInfo(this.chat.openId));
          this.clearNotice('list', 'session');
          const open = this.chat.openId && this.list.get(this.chat.openId);
          if (open) this.chat.retitle(open.id, open.title);
        } catch (error) {
          this.showNotice(
            'list',
            this.tr.t('notice.listFailed', { reason: errorText(this.tr, error) }),
          );
        }
      } while (this.refreshAgain);
      this.refreshing = undefined;
    })();
    return this.refreshing;
  }

  private showList(): void {
    this.layout.dataset.view = 'list';
  }

  private async open(id: string, title: string): Promise<void> {
    this.clearNotice('conversation', 'action');
    this.sidebar.select(id);
    this.layout.dataset.view = 'chat';
    this.renderList();
    this.deskBar.show(id, this.deskInfo(id));
    await this.chat.show(id, title);
  }

  /** The desk state of a listed support conversation, for the desk line. */
  private deskInfo(id: string): DeskInfo | undefined {
    const item = this.list.get(id);
    if (!item || item.kind !== 'support') return undefined;
    return deskInfoOf(item);
  }

  /** Whether a listed conversation still belongs in the staff inbox's filter. */
  private inFilter(item: ListItem): boolean {
    const filter = this.deskFilter?.filter;
    return !filter || inDeskFilter(item, filter, this.user.id);
  }

  /** A desk change, live: the desk line, the inbox row (or the list again) and the counts. */
  private deskChanged(frame: DeskStateFrame): void {
    this.deskBar.changed(frame);
    this.deskFilter?.setCounts(frame.counts);
    const listed = this.list.deskState(frame);
    const item = this.list.get(frame.conversationId);
    if (this.deskFilter) {
      if (item && !this.inFilter(item)) this.list.remove(item.id);
      else if (!listed) void this.refresh();
      const colleague = frame.change === 'claim' && frame.ownerId !== this.user.id;
      if (colleague && frame.conversationId === this.chat.openId && frame.byName) {
        this.showNotice(
          'action',
          this.tr.t('desk.claimedNotice', { by: frame.byName, title: item?.title ?? '' }),
        );
      }
    }
    this.renderList();
  }

  /** The staff list (a reply or pushed after anyone's change): the panel and the away toggle. */
  private staffChanged(staff: readonly StaffMember[]): void {
    this.staff?.render(staff);
    this.away?.render(staff);
    this.stats?.staffChanged(staff);
  }

  private cannedChanged(replies: readonly CannedReply[]): void {
    this.cannedPicker?.setReplies(replies);
    this.cannedManage?.render(replies);
  }

  private async loadMore(): Promise<void> {
    const cursor = this.list.cursor;
    if (cursor === undefined) return;
    try {
      const page = this.deskFilter
        ? await this.client.desk().inbox(this.deskFilter.filter, cursor)
        : await this.client.conversations({ cursor });
      this.list.append(page.conversations, page.cursor);
      this.renderList();
    } catch (error) {
      this.showNotice(
        'list',
        this.tr.t('notice.moreFailed', { reason: errorText(this.tr, error) }),
      );
    }
  }

  private async join(id: string): Promise<void> {
    try {
      const { conversation } = await this.client.join(id);
      await this.refresh();
      await this.open(conversation.id, conversation.title);
    } catch (error) {
      this.showNotice(
        'action',
        this.tr.t('notice.joinFailed', { reason: errorText(this.tr, error) }),
      );
    }
  }

  private async leave(id: string): Promise<void> {
    try {
      await this.client.leave(id);
      this.chat.hide();
      this.sidebar.select(undefined);
      this.showList();
      await this.refresh();
    } catch (error) {
      this.showNotice(
        'action',
        this.tr.t('notice.leaveFailed', { reason: errorText(this.tr, error) }),
      );
    }
  }

  private async createRoom(title: string): Promise<void> {
    let room;
    try {
      room = await this.client.createRoom(title);
    } catch (error) {
      throw new Error(this.tr.t('notice.createFailed', { reason: errorText(this.tr, error) }), {
        cause: error,
      });
    }
    await this.refresh();
    await this.open(room.id, room.title);
  }
}
