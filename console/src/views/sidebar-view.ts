/**
 * The sidebar. A student sees their support conversation with the desk and the rooms (join any);
 * an admin sees the desk inbox (every student conversation, newest activity first, unread counts,
 * who is online), the rooms, and a form to create a room.
 */
import { MAX_ROOM_TITLE_CHARS } from '../../../protocol/limits';
import { h, type KeyedItem, reconcile } from '../dom';
import type { ConversationList, ListItem, RoomEntry } from '../lib/conversation-list';
import {
  badgeText,
  deskLine,
  formatRecency,
  membersText,
  type Translator,
  unreadLabel,
} from '../../../client/index';

export interface SidebarActions {
  open(id: string, title: string): void;
  join(id: string): void;
  refreshRooms(): void;
  loadMoreInbox(): void;
  /** Resolves when the room exists (the form is cleared), rejects with a message to show. */
  createRoom(title: string): Promise<void>;
}

function badge(tr: Translator, unread: number): HTMLElement | false {
  const text = badgeText(unread);
  return (
    text !== '' &&
    h(
      'span',
      { class: 'badge', 'data-unread': unread },
      h('span', { 'aria-hidden': 'true' }, text),
      h('span', { class: 'sr-only' }, unreadLabel(tr, unread)),
    )
  );
}

export class SidebarView {
  readonly element: HTMLElement;
  private readonly support: HTMLUListElement;
  private readonly rooms: HTMLUListElement;
  private readonly more: HTMLButtonElement;
  private readonly empty: HTMLElement;
  private readonly emptyTitle: HTMLElement;
  private readonly emptyHint: HTMLElement;
  private readonly noRooms: HTMLElement;
  private selected: string | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly isAdmin: boolean,
    private readonly actions: SidebarActions,
    /** The signed-in user's id (an admin's own conversations read "I am handling it"). */
    private readonly me?: string,
  ) {
    this.support = h('ul', { class: 'conversations', 'aria-labelledby': 'support-heading' });
    this.rooms = h('ul', { class: 'conversations rooms', 'aria-labelledby': 'rooms-heading' });
    this.more = h(
      'button',
      {
        type: 'button',
        class: 'link-button',
        hidden: true,
        onclick: () => actions.loadMoreInbox(),
      },
      tr.t('sidebar.loadMore'),
    );
    this.emptyTitle = h('p', { class: 'empty-title' }, tr.t('sidebar.inboxEmpty'));
    this.emptyHint = h('p', { class: 'muted' }, tr.t('sidebar.inboxEmptyHint'));
    this.empty = isAdmin
      ? h(
          'div',
          { class: 'empty-state', hidden: true },
          h('span', { class: 'empty-mark', 'aria-hidden': 'true' }),
          this.emptyTitle,
          this.emptyHint,
        )
      : h('p', { class: 'muted', hidden: true }, tr.t('sidebar.loading'));
    this.noRooms = h(
      'p',
      { class: 'muted', hidden: true },
      tr.t(isAdmin ? 'sidebar.noRoomsAdmin' : 'sidebar.noRooms'),
    );
    this.element = h(
      'nav',
      { class: 'sidebar', 'aria-label': tr.t('sidebar.label') },
      h(
        'section',
        {},
        h('h2', { id: 'support-heading' }, tr.t(isAdmin ? 'sidebar.inbox' : 'sidebar.support')),
        this.support,
        this.empty,
        this.more,
      ),
      h(
        'section',
        {},
        h(
          'div',
          { class: 'section-head' },
          h('h2', { id: 'rooms-heading' }, tr.t('sidebar.rooms')),
          h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              'aria-label': tr.t('sidebar.refreshRooms'),
              onclick: () => actions.refreshRooms(),
            },
            tr.t('sidebar.refresh'),
          ),
        ),
        this.rooms,
        this.noRooms,
      ),
      isAdmin && this.createRoomForm(),
    );
  }

  /** Marks the open conversation (aria-current). */
  select(id: string | undefined): void {
    this.selected = id;
  }

  /**
   * Renders the list. `othersElsewhere`: the staff inbox's filter hides conversations the desk
   * holds (another state or owner), so an empty list says the filter is empty, not the inbox.
   */
  render(list: ConversationList, now: number, othersElsewhere = false): void {
    const support = list.support();
    reconcile(
      this.support,
      support.map((item) => this.supportItem(item, now)),
    );
    this.empty.hidden = support.length > 0;
    if (this.isAdmin && support.length === 0) {
      this.emptyTitle.textContent = this.tr.t(
        othersElsewhere ? 'sidebar.filterEmpty' : 'sidebar.inboxEmpty',
      );
      this.emptyHint.textContent = this.tr.t(
        othersElsewhere ? 'sidebar.filterEmptyHint' : 'sidebar.inboxEmptyHint',
      );
    }
    this.more.hidden = list.cursor === undefined;
    const rooms = list.rooms();
    this.noRooms.hidden = rooms.length > 0;
    reconcile(
      this.rooms,
      rooms.map((room) => this.roomItem(room)),
    );
  }

  private supportItem(item: ListItem, now: number): KeyedItem {
    const time = item.preview ? formatRecency(this.tr, item.lastActivityAt, now) : '';
    const current = item.id === this.selected;
    const desk = this.isAdmin ? deskLine(this.tr, item, this.me, now) : '';
    return {
      key: item.id,
      signature: JSON.stringify([item, time, current, this.isAdmin, desk]),
      render: () =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'conversation',
              'data-conversation': item.id,
              'aria-current': current ? 'true' : undefined,
              onclick: () => this.actions.open(item.id, item.title),
            },
            h(
              'span',
              { class: 'conversation-head' },
              h('span', { class: 'conversation-title' }, item.title),
              this.isAdmin &&
                h(
                  'span',
                  { class: 'presence', 'data-online': String(item.online) },
                  this.tr.t(item.online ? 'sidebar.online' : 'sidebar.offline'),
                ),
              time && h('time', { class: 'when', datetime: item.lastActivityAt }, time),
              badge(this.tr, item.unread),
            ),
            h(
              'span',
              { class: 'conversation-preview' },
              item.preview || this.tr.t('sidebar.noMessages'),
            ),
            desk &&
              h(
                'span',
                {
                  class: 'desk-line',
                  'data-desk-state': item.deskState,
                  'data-waiting': item.waitingSince !== undefined ? 'true' : undefined,
                },
                desk,
              ),
          ),
        ),
    };
  }

  private roomItem(room: RoomEntry): KeyedItem {
    const current = room.id === this.selected;
    const members = membersText(this.tr, room.memberCount);
    return {
      key: room.id,
      signature: JSON.stringify([room, current]),
      render: () =>
        h(
          'li',
          {},
          room.joined
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'conversation',
                  'data-conversation': room.id,
                  'aria-current': current ? 'true' : undefined,
                  onclick: () => this.actions.open(room.id, room.title),
                },
                h(
                  'span',
                  { class: 'conversation-head' },
                  h('span', { class: 'conversation-title' }, room.title),
                  badge(this.tr, room.unread),
                ),
                h('span', { class: 'conversation-preview' }, members),
              )
            : h(
                'div',
                { class: 'room-row', 'data-room': room.id },
                h(
                  'span',
                  {},
                  h('span', { class: 'conversation-title' }, room.title),
                  h('span', { class: 'conversation-preview' }, members),
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': this.tr.t('sidebar.joinLabel', { title: room.title }),
                    onclick: () => this.actions.join(room.id),
                  },
                  this.tr.t('sidebar.join'),
                ),
              ),
        ),
    };
  }

  private createRoomForm(): HTMLFormElement {
    const input = h('input', {
      id: 'room-title',
      name: 'title',
      required: true,
      maxlength: MAX_ROOM_TITLE_CHARS,
      autocomplete: 'off',
    });
    const error = h('p', { class: 'error', role: 'alert' });
    const submit = h('button', { type: 'submit' }, this.tr.t('sidebar.create'));
    const form = h(
      'form',
      { class: 'create-room', 'aria-labelledby': 'create-room-heading' },
      h('h2', { id: 'create-room-heading' }, this.tr.t('sidebar.createHeading')),
      h('label', { for: 'room-title' }, this.tr.t('sidebar.roomTitle')),
      h('div', { class: 'inline-form' }, input, submit),
      error,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const title = input.value.trim();
      if (!title) return;
      submit.disabled = true;
      error.textContent = '';
      this.actions.createRoom(title).then(
        () => {
          input.value = '';
          submit.disabled = false;
        },
        (failure: unknown) => {
          error.textContent = failure instanceof Error ? failure.message : String(failure);
          submit.disabled = false;
        },
      );
    });
    return form;
  }
}
