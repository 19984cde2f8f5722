/**
 * The desk inbox's filter (staff): whose conversations (mine / unassigned / all) and which state
 * (待处理 / 处理中 / 已解决, each with its count, "99+" past the server's cap). The server filters
 * and sorts (longest waiting first); this only says what to ask for.
 */
import {
  DEFAULT_DESK_FILTER,
  DESK_OWNER_TABS,
  DESK_STATE_TABS,
  type DeskCounts,
  type DeskFilter,
  type DeskFilterChoice,
  deskHoldsConversations,
  deskStateTab,
  selectDeskFilter,
  type Translator,
} from '../../../client/index';
import { h, replaceChildren } from '../dom';

export class DeskFilterView {
  readonly element: HTMLElement;
  private readonly owners: HTMLElement;
  private readonly states: HTMLElement;
  private counts: DeskCounts | undefined;
  filter: DeskFilterChoice = DEFAULT_DESK_FILTER;

  constructor(
    private readonly tr: Translator,
    private readonly changed: (filter: DeskFilter) => void,
  ) {
    this.owners = h('div', {
      class: 'tabs',
      role: 'group',
      'aria-label': tr.t('desk.filterLabel'),
    });
    this.states = h('div', { class: 'tabs', role: 'group', 'aria-label': tr.t('desk.stateLabel') });
    this.element = h('div', { class: 'desk-filter' }, this.owners, this.states);
    this.render();
  }

  /** Counts per state from the last inbox page or desk change. */
  setCounts(counts: DeskCounts | undefined): void {
    if (!counts) return;
    this.counts = counts;
    this.render();
  }

  /** Whether the desk holds any conversation (an empty page is then the filter's, not the inbox's). */
  get inboxHasConversations(): boolean {
    return deskHoldsConversations(this.counts);
  }

  private select(next: Partial<DeskFilterChoice>): void {
    const filter = selectDeskFilter(this.filter, next);
    this.filter = filter;
    this.render();
    this.changed(filter);
  }

  private render(): void {
    replaceChildren(
      this.owners,
      ...DESK_OWNER_TABS.map((owner) =>
        h(
          'button',
          {
            type: 'button',
            class: 'tab',
            'data-desk-owner': owner,
            'aria-pressed': String(this.filter.owner === owner),
            onclick: () => this.select({ owner }),
          },
          this.tr.t(`desk.owner.${owner}`),
        ),
      ),
    );
    replaceChildren(
      this.states,
      ...DESK_STATE_TABS.map((state) =>
        h(
          'button',
          {
            type: 'button',
            class: 'tab',
            'data-desk-state': state,
            'aria-pressed': String(this.filter.state === state),
            onclick: () => this.select({ state }),
          },
          deskStateTab(this.tr, state, this.counts?.[state]),
        ),
      ),
    );
  }
}
