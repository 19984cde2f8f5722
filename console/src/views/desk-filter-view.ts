/**
 * The desk inbox's filter (staff): whose conversations (mine / unassigned / all) and which state
 * (待处理 / 处理中 / 已解决, each with its count, "99+" past the server's cap). The server filters
 * and sorts (longest waiting first); this only says what to ask for.
 */
import {
  DESK_COUNT_CAP,
  type DeskCounts,
  type DeskFilter,
  type DeskState,
  type Translator,
} from '../../../client/index';
import { h, replaceChildren } from '../dom';

type Owner = NonNullable<DeskFilter['owner']>;

const OWNERS: readonly Owner[] = ['mine', 'unassigned', 'all'];
const STATES: readonly DeskState[] = ['open', 'claimed', 'resolved'];

export class DeskFilterView {
  readonly element: HTMLElement;
  private readonly owners: HTMLElement;
  private readonly states: HTMLElement;
  private counts: DeskCounts | undefined;
  filter: { state: DeskState; owner: Owner } = { state: 'open', owner: 'all' };

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

  private select(next: Partial<{ state: DeskState; owner: Owner }>): void {
    const filter = { ...this.filter, ...next };
    // Nobody owns a waiting conversation, and an unassigned one is always waiting.
    if (next.owner === 'unassigned') filter.state = 'open';
    if (next.owner === 'mine' && filter.state === 'open') filter.state = 'claimed';
    if (next.state === 'open' && filter.owner === 'mine') filter.owner = 'all';
    if (next.state && next.state !== 'open' && filter.owner === 'unassigned') filter.owner = 'all';
    this.filter = filter;
    this.render();
    this.changed(filter);
  }

  private render(): void {
    replaceChildren(
      this.owners,
      ...OWNERS.map((owner) =>
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
      ...STATES.map((state) => {
        const count = this.counts?.[state];
        const shown =
          count === undefined ? '' : count >= DESK_COUNT_CAP ? `${DESK_COUNT_CAP}+` : String(count);
        return h(
          'button',
          {
            type: 'button',
            class: 'tab',
            'data-desk-state': state,
            'aria-pressed': String(this.filter.state === state),
            onclick: () => this.select({ state }),
          },
          this.tr
            .t('desk.stateTab', { state: this.tr.t(`desk.state.${state}`), count: shown })
            .trim(),
        );
      }),
    );
  }
}
