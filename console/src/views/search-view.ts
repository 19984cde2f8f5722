/**
 * The sidebar's message search: a box, the results (newest first, the match marked), and "search
 * older messages" while the server's scan has a cursor (docs/protocol.md "Search": one request
 * reads a bounded number of messages, so a rare word may take several). Choosing a result opens
 * its conversation at that message.
 */
import {
  type ChatClient,
  errorText,
  formatTime,
  MAX_SEARCH_CHARS,
  MIN_SEARCH_CHARS,
  normalizeSearchText,
  type SearchResult,
  type Translator,
} from '../../../client/index';
import { h, replaceChildren, setText } from '../dom';

export class SearchView {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly list: HTMLElement;
  private readonly more: HTMLButtonElement;
  private readonly clear: HTMLButtonElement;
  private query = '';
  private cursor: string | undefined;
  private results: SearchResult[] = [];
  private scanned = 0;
  /** Bumped by every new search: a late page of an earlier one is dropped. */
  private generation = 0;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
    private readonly choose: (result: SearchResult) => void,
  ) {
    this.input = h('input', {
      type: 'search',
      name: 'q',
      placeholder: tr.t('search.placeholder'),
      'aria-label': tr.t('search.label'),
      maxlength: MAX_SEARCH_CHARS * 2,
    });
    this.status = h('p', { class: 'muted search-status', 'aria-live': 'polite' });
    this.list = h('ol', { class: 'search-results' });
    this.more = h(
      'button',
      { type: 'button', class: 'secondary', hidden: true, onclick: () => void this.next() },
      tr.t('search.more'),
    );
    this.clear = h(
      'button',
      { type: 'button', class: 'secondary', hidden: true, onclick: () => this.reset() },
      tr.t('search.clear'),
    );
    const form = h(
      'form',
      {
        class: 'search-form',
        role: 'search',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void this.start();
        },
      },
      this.input,
      h('button', { type: 'submit' }, tr.t('search.submit')),
      this.clear,
    );
    this.element = h('section', { class: 'search' }, form, this.status, this.list, this.more);
  }

  private async start(): Promise<void> {
    const query = normalizeSearchText(this.input.value);
    const length = Array.from(query).length;
    if (length < MIN_SEARCH_CHARS || length > MAX_SEARCH_CHARS) {
      setText(
        this.status,
        length < MIN_SEARCH_CHARS
          ? this.tr.t('search.tooShort', { min: MIN_SEARCH_CHARS })
          : this.tr.t('search.tooLong', { max: MAX_SEARCH_CHARS }),
      );
      return;
    }
    this.generation += 1;
    this.query = query;
    this.cursor = undefined;
    this.results = [];
    this.scanned = 0;
    this.clear.hidden = false;
    await this.next();
  }

  /** The next page of the current search (the first without a cursor). */
  private async next(): Promise<void> {
    const generation = this.generation;
    this.more.hidden = true;
    setText(this.status, this.tr.t('search.searching'));
    try {
      const page = await this.client.search(this.query, {
        ...(this.cursor !== undefined ? { cursor: this.cursor } : {}),
      });
      if (generation !== this.generation) return;
      this.results.push(...page.results);
      this.scanned += page.scanned;
      this.cursor = page.cursor;
      this.render();
    } catch (error) {
      if (generation !== this.generation) return;
      setText(this.status, this.tr.t('search.failed', { reason: errorText(this.tr, error) }));
      this.more.hidden = this.cursor === undefined;
    }
  }

  private reset(): void {
    this.generation += 1;
    this.input.value = '';
    this.results = [];
    this.cursor = undefined;
    this.clear.hidden = true;
    this.more.hidden = true;
    setText(this.status, '');
    replaceChildren(this.list);
  }

  private render(): void {
    const { tr } = this;
    setText(
      this.status,
      this.results.length === 0 && this.cursor === undefined
        ? tr.t('search.none')
        : tr.t('search.scanned', { scanned: this.scanned }),
    );
    this.more.hidden = this.cursor === undefined;
    replaceChildren(this.list, ...this.results.map((result) => this.item(result)));
  }

  private item(result: SearchResult): HTMLElement {
    const chars = Array.from(result.snippet);
    const end = result.matchStart + result.matchLength;
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'search-hit',
          'data-conversation': result.conversationId,
          'data-seq': result.seq,
          onclick: () => this.choose(result),
        },
        h(
          'span',
          { class: 'search-where' },
          // A student's own messages in their support thread: the title already names them.
          result.senderName === result.conversationTitle
            ? `${result.conversationTitle} · `
            : `${result.conversationTitle} · ${result.senderName} · `,
          h('time', { datetime: result.sentAt }, formatTime(this.tr, result.sentAt)),
        ),
        h(
          'span',
          { class: 'search-snippet' },
          chars.slice(0, result.matchStart).join(''),
          h('mark', {}, chars.slice(result.matchStart, end).join('')),
          chars.slice(end).join(''),
        ),
      ),
    );
  }
}
