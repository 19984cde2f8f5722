/**
 * The open conversation: messages in seq order with sender and time, the user's own with their
 * state (Sending… / Sent / Read / Not sent + Retry), older messages loaded on scroll-up (or with
 * the button, for keyboards), who is typing, and the message box. Pictures come in by the
 * composer's button, a paste or a drop on the conversation (picture-view.ts draws them).
 */
import {
  type ChatClient,
  InvalidTextError,
  MAX_TEXT_CHARS,
  type SessionUser,
  type Translator,
} from '../../../client/index';
import { h, type KeyedItem, reconcile, setText } from '../dom';
import { formatTime, messageText, ProtocolError, typingText } from '../../../client/index';
import { RECALL_WINDOW_SECONDS, SYNC_MAX_LIMIT } from '../../../protocol/limits';
import { PickRefusal, pickedImage } from '../browser/picked-image';
import { type MessageRow, messageRows, stateLabel } from '../lib/message-rows';
import { ComposerView } from './composer-view';
import { acceptDrops } from './picture-drop';
import { type PictureDeps, pictureElement, pictureState } from './picture-view';

export interface ChatActions {
  /** The open conversation was read to its end (clear its badge). */
  read(id: string): void;
  leave(id: string): void;
  notice(text: string): void;
  /** Back to the list (phones, where the list and the conversation are two screens). */
  back(): void;
}

/** Within this many pixels of an edge counts as "at" it. */
const EDGE_PX = 48;

/** Older pages (SYNC_MAX_LIMIT each) a search result may load to reach its message. */
const REVEAL_PAGES = 10;

export class ChatView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly leaveButton: HTMLButtonElement;
  private readonly scroller: HTMLElement;
  private readonly older: HTMLButtonElement;
  private readonly beginning: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly typing: HTMLElement;
  private readonly composer: ComposerView;
  private readonly placeholder: HTMLElement;
  private readonly drafts = new Map<string, string>();
  private conversationId: string | undefined;
  private loadingOlder = false;
  private stickToBottom = false;
  /** The message a search result opened the conversation at (marked until another opens). */
  private highlightSeq: number | undefined;
  /** Upload progress (0…1) of pictures in the outbox, by clientId. */
  private readonly progress = new Map<string, number>();
  /** Pictures this tab sent, by clientId: their local file is released once stored. */
  private readonly sentPictures = new Map<string, string>();

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
    private readonly user: SessionUser,
    private readonly actions: ChatActions,
    private readonly visible: () => boolean,
    private readonly pictures: PictureDeps,
  ) {
    this.title = h('h2', { id: 'chat-title' });
    this.leaveButton = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        hidden: true,
        onclick: () => {
          if (this.conversationId) actions.leave(this.conversationId);
        },
      },
      tr.t('chat.leave'),
    );
    const back = h(
      'button',
      { type: 'button', class: 'back link-button', onclick: () => actions.back() },
      h('span', { 'aria-hidden': 'true' }, '‹ '),
      tr.t('chat.back'),
    );
    this.older = h(
      'button',
      { type: 'button', class: 'link-button', hidden: true, onclick: () => void this.loadOlder() },
      tr.t('chat.loadOlder'),
    );
    this.beginning = h('p', { class: 'muted beginning', hidden: true }, tr.t('chat.beginning'));
    this.list = h('ol', { class: 'messages' });
    this.scroller = h(
      'div',
      { class: 'scroller', tabindex: 0, role: 'region', 'aria-label': tr.t('chat.history') },
      h('div', { class: 'older' }, this.older, this.beginning),
      // A log: screen readers announce new messages politely.
      h('div', { role: 'log', 'aria-labelledby': 'chat-title' }, this.list),
    );
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < EDGE_PX) void this.loadOlder();
    });
    this.typing = h('p', { class: 'typing', 'aria-live': 'polite' });
    this.composer = new ComposerView(tr, {
      send: (text) => this.send(text),
      typing: (typing) => {
        if (this.conversationId) client.setTyping(this.conversationId, typing);
      },
      pick: (files) => void this.pick(files),
    });
    this.placeholder = h('p', { class: 'placeholder muted' }, tr.t('chat.placeholder'));
    this.element = h(
      'main',
      { class: 'chat', 'aria-labelledby': 'chat-title' },
      h('div', { class: 'chat-head' }, back, this.title, this.leaveButton),
      this.placeholder,
      this.scroller,
      this.typing,
      this.composer.element,
    );
    acceptDrops(this.element, tr.t('image.drop'), (files) => void this.pick(files));
    setText(this.title, tr.t('chat.none'));
    this.setOpen(false);
  }

  /** A picture's upload progressed (ChatClient `uploadProgress`). */
  uploadProgress(conversationId: string, clientId: string, fraction: number): void {
    this.progress.set(clientId, fraction);
    if (conversationId === this.conversationId) this.render();
  }

  get openId(): string | undefined {
    return this.conversationId;
  }

  /** Opens a conversation (closing the previous one) and moves focus to the message box. */
  async show(id: string, title: string): Promise<void> {
    setText(this.title, title);
    if (id === this.conversationId) {
      this.composer.focus();
      return;
    }
    this.closeCurrent();
    this.conversationId = id;
    this.highlightSeq = undefined;
    this.composer.draft = this.drafts.get(id) ?? '';
    this.leaveButton.hidden = !id.startsWith('room:');
    this.list.replaceChildren();
    this.setOpen(true);
    this.stickToBottom = true;
    this.render();
    this.composer.focus();
    await this.client.open(id);
    if (this.conversationId !== id) return;
    this.stickToBottom = true;
    this.render();
  }

  /**
   * Scrolls the open conversation to message `seq` and marks it (a search result): older pages
   * are loaded with the ordinary `sync` (before the oldest held), at most REVEAL_PAGES of them;
   * false when the message is further back than that or the conversation changed meanwhile.
   */
  async reveal(id: string, seq: number): Promise<boolean> {
    for (let page = 0; ; page++) {
      if (this.conversationId !== id) return false;
      const view = this.client.view(id);
      const oldest = view.messages[0]?.seq;
      if (!view.hasOlder || (oldest !== undefined && oldest <= seq)) break;
      if (page === REVEAL_PAGES) {
        this.actions.notice(this.tr.t('search.tooOld'));
        return false;
      }
      try {
        await this.client.loadOlder(id, SYNC_MAX_LIMIT);
      } catch {
        this.actions.notice(this.tr.t('notice.olderFailed'));
        return false;
      }
    }
    this.highlightSeq = seq;
    this.render();
    const element = this.list.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
    element?.scrollIntoView({ block: 'center' });
    return element !== null;
  }

  /** Updates the title of the open conversation (the server's name for it arrived). */
  retitle(id: string, title: string): void {
    if (id === this.conversationId) setText(this.title, title);
  }

  /** Closes the open conversation (e.g. after leaving the room). */
  hide(): void {
    this.closeCurrent();
    this.conversationId = undefined;
    setText(this.title, this.tr.t('chat.none'));
    this.leaveButton.hidden = true;
    this.setOpen(false);
  }

  /** Renders the open conversation from the chat core's view. */
  render(): void {
    const id = this.conversationId;
    if (!id) return;
    const view = this.client.view(id);
    const rows = messageRows(view, this.user.id, this.user.name);
    for (const row of rows) {
      const localPath = row.seq > 0 ? this.sentPictures.get(row.clientId) : undefined;
      if (localPath === undefined) continue;
      // Stored: the server's thumbnail replaces the local file.
      this.pictures.uploader.release(localPath);
      this.sentPictures.delete(row.clientId);
      this.progress.delete(row.clientId);
    }
    const scroller = this.scroller;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    const atBottom = fromBottom - scroller.clientHeight < EDGE_PX;
    const firstBefore = (this.list.firstElementChild as HTMLElement | null)?.dataset.key;
    const now = Date.now();
    reconcile(
      this.list,
      rows.map((row) => this.item(row, now)),
    );
    for (const element of this.list.children) {
      const seq = (element as HTMLElement).dataset.seq;
      element.classList.toggle('hit', seq !== undefined && seq === String(this.highlightSeq));
    }
    const firstAfter = rows[0]?.key;
    const prepended =
      firstBefore !== undefined &&
      firstAfter !== firstBefore &&
      rows.some((r) => r.key === firstBefore);
    if (prepended) {
      // Older messages came in above: keep the ones being read where they were.
      scroller.scrollTop = scroller.scrollHeight - fromBottom;
    } else if (atBottom || this.stickToBottom) {
      scroller.scrollTop = scroller.scrollHeight;
    }
    this.stickToBottom = false;
    this.older.hidden = !view.hasOlder;
    setText(this.older, this.tr.t(this.loadingOlder ? 'chat.loading' : 'chat.loadOlder'));
    this.beginning.hidden = view.hasOlder || !view.loaded || view.messages.length === 0;
    setText(this.typing, typingText(this.tr, view.typing));
    const newest = view.messages[view.messages.length - 1];
    if (newest && this.visible()) {
      this.client.markRead(id, newest.seq);
      this.actions.read(id);
    }
  }

  private setOpen(open: boolean): void {
    this.placeholder.hidden = open;
    this.scroller.hidden = !open;
    this.composer.element.hidden = !open;
    if (!open) setText(this.typing, '');
  }

  private closeCurrent(): void {
    const previous = this.conversationId;
    if (!previous) return;
    this.drafts.set(previous, this.composer.draft);
    this.client.setTyping(previous, false);
    this.client.close(previous);
  }

  private send(text: string): boolean {
    const id = this.conversationId;
    if (!id) return false;
    this.stickToBottom = true;
    try {
      this.client.send(id, text);
    } catch (error) {
      if (!(error instanceof InvalidTextError)) throw error;
      const reason = this.tr.t(`problem.${error.problem}`, { max: MAX_TEXT_CHARS });
      this.actions.notice(this.tr.t('notice.cannotSend', { reason }));
      return false;
    }
    this.drafts.delete(id);
    return true;
  }

  /** Sends the first picked picture, or says why it is not sent (type, size, unreadable). */
  private async pick(files: readonly File[]): Promise<void> {
    const id = this.conversationId;
    const file = files[0];
    if (!id || !file) return;
    try {
      const image = await pickedImage(this.tr, file, (f) => this.pictures.uploader.add(f));
      if (this.conversationId !== id) {
        this.pictures.uploader.release(image.localPath);
        return;
      }
      this.stickToBottom = true;
      const entry = this.client.sendImage(id, image);
      this.sentPictures.set(entry.clientId, image.localPath);
      if (files.length > 1) this.actions.notice(this.tr.t('image.oneAtATime'));
    } catch (error) {
      if (!(error instanceof PickRefusal)) throw error;
      this.actions.notice(this.tr.t('notice.cannotSend', { reason: error.text }));
    }
  }

  private async loadOlder(): Promise<void> {
    const id = this.conversationId;
    if (!id || this.loadingOlder || !this.client.view(id).hasOlder) return;
    this.loadingOlder = true;
    setText(this.older, this.tr.t('chat.loading'));
    try {
      await this.client.loadOlder(id);
    } catch {
      this.actions.notice(this.tr.t('notice.olderFailed'));
    } finally {
      this.loadingOlder = false;
    }
    if (this.conversationId === id) this.render();
  }

  private item(row: MessageRow, now: number): KeyedItem {
    const time = formatTime(this.tr, row.sentAt, now);
    const id = this.conversationId ?? '';
    const picture = row.image
      ? pictureState(this.pictures, id, row.image, this.progress.get(row.clientId))
      : undefined;
    const rowElement = () =>
      this.list.querySelector<HTMLElement>(`li[data-key="${CSS.escape(row.key)}"]`);
    return {
      key: row.key,
      signature: JSON.stringify([row, time, picture]),
      render: () =>
        h(
          'li',
          {
            class: `message ${row.mine ? 'mine' : 'theirs'}${row.auto ? ' auto' : ''}`,
            'data-state': row.state,
            'data-seq': row.seq || undefined,
          },
          h(
            'div',
            { class: 'message-meta' },
            h(
              'span',
              { class: 'sender' },
              row.mine ? this.tr.t('message.you', { name: row.senderName }) : row.senderName,
            ),
            ' · ',
            h('time', { datetime: row.sentAt }, time),
            row.auto && h('span', { class: 'badge' }, this.tr.t('auto.badge')),
          ),
          picture && pictureElement(this.pictures, id, row, picture, rowElement),
          (!picture || row.text !== '') &&
            h(
              'p',
              { class: row.recalled ? 'message-text recalled' : 'message-text' },
              messageText(this.tr, row),
            ),
          row.mine && !row.recalled && this.status(row),
          this.moderation(row, now),
        ),
    };
  }

  /**
   * Recall on the user's own stored message while the window lasts, remove on any stored message
   * for an admin. The server decides either way (a late recall answers FORBIDDEN).
   */
  private moderation(row: MessageRow, now: number): HTMLElement | false {
    const id = this.conversationId;
    if (!id || row.seq === 0 || row.recalled) return false;
    const recallable = row.mine && now - Date.parse(row.sentAt) < RECALL_WINDOW_SECONDS * 1000;
    const removable = this.user.role === 'admin';
    if (!recallable && !removable) return false;
    const act = (run: () => Promise<unknown>, failed: string) => () => {
      run().catch((error: unknown) => {
        const late = error instanceof ProtocolError && error.code === 'FORBIDDEN' && row.mine;
        this.actions.notice(late && !removable ? this.tr.t('recall.tooLate') : failed);
      });
    };
    return h(
      'div',
      { class: 'message-actions' },
      recallable &&
        h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            'data-action': 'recall',
            onclick: act(() => this.client.recall(id, row.seq), this.tr.t('recall.failed')),
          },
          this.tr.t('action.recall'),
        ),
      removable &&
        !recallable &&
        h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            'data-action': 'remove',
            onclick: act(() => this.client.remove(id, row.seq), this.tr.t('recall.failed')),
          },
          this.tr.t('action.remove'),
        ),
    );
  }

  private status(row: MessageRow): HTMLElement {
    return h(
      'div',
      { class: 'message-status' },
      h('span', { class: 'state-label' }, stateLabel(this.tr, row)),
      row.state === 'failed' &&
        h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            // The row is rendered anew: keep the keyboard where typing goes on.
            onclick: () => {
              this.client.retry(row.clientId);
              this.composer.focus();
            },
          },
          this.tr.t('message.retry'),
        ),
      row.state === 'failed' &&
        h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            // The row is rendered anew: keep the keyboard where typing goes on.
            onclick: () => {
              this.client.discard(row.clientId);
              const localPath = this.sentPictures.get(row.clientId);
              if (localPath !== undefined) this.pictures.uploader.release(localPath);
              this.sentPictures.delete(row.clientId);
              this.composer.focus();
            },
          },
          this.tr.t('message.discard'),
        ),
    );
  }
}
