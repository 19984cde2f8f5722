/**
 * The logged-in console: header (who, sign out), connection banner, notices, the sidebar and the
 * open conversation, all driven by the one ChatClient's events. The list is fetched again after
 * every (re)connect, because messages and presence changes may have been missed meanwhile.
 */
import {
  type ChatClient,
  type ChatClientErrorEvent,
  type ChatMessage,
  type ConnectionState,
  ProtocolError,
  type SessionUser,
} from '../../../client/index';
import { pageVisible } from '../browser/lifecycle';
import { h, setText } from '../dom';
import { ConversationList } from '../lib/conversation-list';
import { BannerView } from './banner-view';
import { ChatView } from './chat-view';
import { SidebarView } from './sidebar-view';

const PAGE_TITLE = 'campus-chat console';
/** What a student's support conversation is called until the server says (`DESK_TITLE`). */
const DESK_TITLE = 'Study-room desk';

function describe(error: unknown): string {
  if (error instanceof ProtocolError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export class AppView {
  readonly element: HTMLElement;
  private readonly list = new ConversationList();
  private readonly banner: BannerView;
  private readonly notice: HTMLElement;
  private readonly sidebar: SidebarView;
  private readonly chat: ChatView;
  private readonly unsubscribe: (() => void)[] = [];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(
    private readonly client: ChatClient,
    private readonly user: SessionUser,
    signOut: () => void,
    durable: boolean,
  ) {
    const isAdmin = user.role === 'admin';
    this.banner = new BannerView(client);
    this.notice = h('p', { class: 'notice', role: 'alert' });
    this.sidebar = new SidebarView(isAdmin, {
      open: (id, title) => void this.open(id, title),
      join: (id) => void this.join(id),
      refreshRooms: () => void this.refresh(),
      loadMoreInbox: () => void this.loadMore(),
      createRoom: (title) => this.createRoom(title),
    });
    this.chat = new ChatView(
      client,
      user,
      {
        read: (id) => {
          if (this.list.markRead(id)) this.renderList();
        },
        leave: (id) => void this.leave(id),
        notice: (text) => this.showNotice(text),
      },
      pageVisible,
    );
    this.element = h(
      'div',
      { class: 'app' },
      h('a', { class: 'skip-link', href: '#message' }, 'Skip to the message box'),
      h(
        'header',
        { class: 'topbar' },
        h(
          'div',
          { class: 'topbar-row' },
          h('h1', {}, 'campus-chat', h('span', { class: 'role' }, isAdmin ? 'Desk' : 'Student')),
          h('p', { class: 'who' }, 'Signed in as ', h('strong', {}, user.name), ` (${user.id})`),
          h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out'),
        ),
        this.banner.element,
        this.notice,
        !durable &&
          h(
            'p',
            { class: 'muted' },
            'This browser does not allow storage: unsent messages are lost if you close the tab.',
          ),
      ),
      h('div', { class: 'layout' }, this.sidebar.element, this.chat.element),
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
      client.on('presence', (presence) => {
        if (this.list.presence(presence)) this.renderList();
      }),
      client.on('error', (event) => this.clientError(event)),
    );
    this.banner.show(client.state);
    this.renderList();
    // A student lands in their conversation with the desk at once, even before (or without) a
    // connection: what they wrote and could not send yet is there.
    if (this.user.role === 'student') void this.open(`support:${this.user.id}`, DESK_TITLE);
    if (client.state.status === 'online') void this.refresh();
  }

  /** Stops listening (sign out). */
  dispose(): void {
    for (const stop of this.unsubscribe) stop();
    this.unsubscribe.length = 0;
    this.banner.dispose();
    document.title = PAGE_TITLE;
  }

  /** The tab became visible again: what is on screen is now read. */
  visible(): void {
    this.chat.render();
  }

  private stateChanged(state: ConnectionState): void {
    this.banner.show(state);
    if (state.status === 'online') void this.refresh();
  }

  private messageArrived(message: ChatMessage): void {
    const seen = message.conversationId === this.chat.openId && pageVisible();
    if (this.list.message(message, this.user.id, seen)) this.renderList();
    else void this.refresh();
  }

  private clientError(event: ChatClientErrorEvent): void {
    // A sync that timed out or lost its connection is retried after the next connect; only a
    // refusal (FORBIDDEN, NOT_FOUND…) is worth telling.
    const refused = event.error instanceof ProtocolError && !event.error.retryable;
    if (event.kind === 'sync' && refused && event.conversationId === this.chat.openId) {
      this.showNotice(`This conversation could not be loaded: ${describe(event.error)}`);
    } else if (event.kind === 'session') {
      this.showNotice(`Logging in failed: ${describe(event.error)}`);
    }
  }

  private showNotice(text: string): void {
    setText(this.notice, text);
  }

  private renderList(): void {
    this.sidebar.render(this.list, Date.now());
    const unread = this.list.totalUnread();
    document.title = unread > 0 ? `(${unread}) ${PAGE_TITLE}` : PAGE_TITLE;
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
          this.list.replace(page.conversations, page.cursor);
          this.list.setRooms(rooms);
          this.renderList();
          const open = this.chat.openId && this.list.get(this.chat.openId);
          if (open) this.chat.retitle(open.id, open.title);
        } catch (error) {
          this.showNotice(`The conversation list could not be loaded: ${describe(error)}`);
        }
      } while (this.refreshAgain);
      this.refreshing = undefined;
    })();
    return this.refreshing;
  }

  private async open(id: string, title: string): Promise<void> {
    setText(this.notice, '');
    this.sidebar.select(id);
    this.renderList();
    await this.chat.show(id, title);
  }

  private async loadMore(): Promise<void> {
    const cursor = this.list.cursor;
    if (cursor === undefined) return;
    try {
      const page = await this.client.conversations({ cursor });
      this.list.append(page.conversations, page.cursor);
      this.renderList();
    } catch (error) {
      this.showNotice(`More conversations could not be loaded: ${describe(error)}`);
    }
  }

  private async join(id: string): Promise<void> {
    try {
      const { conversation } = await this.client.join(id);
      await this.refresh();
      await this.open(conversation.id, conversation.title);
    } catch (error) {
      this.showNotice(`Joining failed: ${describe(error)}`);
    }
  }

  private async leave(id: string): Promise<void> {
    try {
      await this.client.leave(id);
      this.chat.hide();
      this.sidebar.select(undefined);
      await this.refresh();
    } catch (error) {
      this.showNotice(`Leaving failed: ${describe(error)}`);
    }
  }

  private async createRoom(title: string): Promise<void> {
    let room;
    try {
      room = await this.client.createRoom(title);
    } catch (error) {
      throw new Error(`The room could not be created: ${describe(error)}`, { cause: error });
    }
    await this.refresh();
    await this.open(room.id, room.title);
  }
}
