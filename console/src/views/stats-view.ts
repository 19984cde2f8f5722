/**
 * 统计: the desk's figures for a date range (conversations per day, resolved share, median first
 * response; `GET /export?format=stats`, docs/protocol.md "Export and figures") as a small bar
 * chart drawn by hand in SVG — with a title and description, and every number also as text in a
 * table — and the export downloads (CSV, JSON; message text when a manager ticks it). Requests go
 * to the HTTP API with the session's bearer token (connect-src already allows it: it is where
 * /login lives) and a download is a Blob URL, so no token ever appears in a link.
 */
import type { StaffMember, Translator } from '../../../client/index';
import { h, replaceChildren } from '../dom';

interface StatsDay {
  readonly date: string;
  readonly conversations: number;
  readonly resolved: number;
  readonly medianFirstResponseSeconds?: number;
}
interface Stats {
  readonly days: StatsDay[];
  readonly conversations: number;
  readonly resolvedShare?: number;
  readonly medianFirstResponseSeconds?: number;
}

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag: string, attributes: Record<string, string | number>, text?: string) => {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
};

/** Today on the campus clock (Asia/Shanghai has no DST). */
const campusDay = (offsetDays: number) =>
  new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

export class StatsView {
  readonly element: HTMLElement;
  private readonly from = h('input', { type: 'date', id: 'stats-from', value: campusDay(-6) });
  private readonly to = h('input', { type: 'date', id: 'stats-to', value: campusDay(0) });
  private readonly withText = h('input', { type: 'checkbox', id: 'stats-text' });
  /** Only a manager may ask for the text (the server checks again): hidden until the list says so. */
  private readonly textOption = h('label', { hidden: true }, this.withText);
  private readonly status = h('p', { class: 'muted', role: 'status' });
  private readonly output = h('div', { class: 'stats-output' });

  constructor(
    private readonly tr: Translator,
    /** GET /export of the HTTP API. */
    private readonly exportUrl: string,
    /** The session's token now. */
    private readonly token: () => string,
    private readonly userId: string,
  ) {
    this.textOption.append(tr.t('stats.withText'));
    const button = (label: string, onclick: () => void) =>
      h('button', { type: 'button', class: 'secondary', onclick }, label);
    this.element = h(
      'section',
      { class: 'stats', 'aria-labelledby': 'stats-title' },
      h('h2', { id: 'stats-title' }, tr.t('stats.title')),
      h('label', { for: 'stats-from' }, tr.t('stats.from')),
      this.from,
      h('label', { for: 'stats-to' }, tr.t('stats.to')),
      this.to,
      button(tr.t('stats.show'), () => void this.load()),
      this.status,
      this.output,
      this.textOption,
      button(tr.t('stats.exportCsv'), () => void this.download('csv')),
      button(tr.t('stats.exportJson'), () => void this.download('json')),
    );
  }

  private request(format: string, text = false): Promise<Response> {
    const url = new URL(this.exportUrl);
    url.search = new URLSearchParams({
      from: this.from.value,
      to: this.to.value,
      format,
      ...(text ? { text: '1' } : {}),
    }).toString();
    return fetch(url, { headers: { authorization: `Bearer ${this.token()}` } });
  }

  /** The reason of a refused answer, in the user's words. */
  private async reason(response: Response): Promise<string> {
    if (response.status === 413) return this.tr.t('stats.tooLarge');
    if (response.status === 403) return this.tr.t('stats.forbidden');
    return String(response.status);
  }

  /** Loads and draws the figures of the range. */
  async load(): Promise<void> {
    this.status.textContent = this.tr.t('stats.loading');
    try {
      const response = await this.request('stats');
      if (!response.ok) throw new Error(await this.reason(response));
      this.render((await response.json()) as Stats);
      this.status.textContent = '';
    } catch (error) {
      this.status.textContent = this.tr.t('stats.failed', { reason: (error as Error).message });
    }
  }

  /** The staff list (loaded or pushed): the text option follows the user's own role. */
  staffChanged(staff: readonly StaffMember[]): void {
    const manager = staff.some((m) => m.userId === this.userId && m.role === 'manager');
    this.textOption.hidden = !manager;
    if (!manager) this.withText.checked = false;
  }

  private async download(format: 'csv' | 'json'): Promise<void> {
    const text = this.withText.checked;
    try {
      const response = await this.request(format, text);
      if (!response.ok) throw new Error(await this.reason(response));
      const file = `campus-chat-${this.from.value}_${this.to.value}${text ? '-messages' : ''}.${format}`;
      const href = URL.createObjectURL(await response.blob());
      h('a', { href, download: file }).click();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      this.status.textContent = this.tr.t('stats.exported', { file });
    } catch (error) {
      this.status.textContent = this.tr.t('stats.exportFailed', {
        reason: (error as Error).message,
      });
    }
  }

  private duration(seconds: number | undefined): string {
    if (seconds === undefined) return this.tr.t('stats.none');
    return seconds < 120
      ? this.tr.t('stats.seconds', { seconds: Math.round(seconds) })
      : this.tr.t('stats.minutes', { minutes: Math.round(seconds / 60) });
  }

  private render(stats: Stats): void {
    const tr = this.tr;
    const share =
      stats.resolvedShare === undefined
        ? tr.t('stats.none')
        : `${Math.round(stats.resolvedShare * 100)}%`;
    const figures = h(
      'dl',
      { class: 'stats-figures' },
      h('dt', {}, tr.t('stats.conversations')),
      h('dd', {}, String(stats.conversations)),
      h('dt', {}, tr.t('stats.resolvedShare')),
      h('dd', {}, share),
      h('dt', {}, tr.t('stats.medianFirstResponse')),
      h('dd', {}, this.duration(stats.medianFirstResponseSeconds)),
    );
    replaceChildren(this.output, figures, this.chart(stats), this.table(stats));
  }

  /** Bars of conversations per day; the title and description name what it shows. */
  private chart(stats: Stats): SVGElement {
    const width = 280;
    const height = 100;
    const max = Math.max(1, ...stats.days.map((d) => d.conversations));
    const step = width / Math.max(1, stats.days.length);
    const chart = svg('svg', {
      viewBox: `0 0 ${width} ${height + 14}`,
      role: 'img',
      'aria-labelledby': 'stats-chart-title stats-chart-desc',
      class: 'stats-chart',
    });
    const first = stats.days[0]?.date ?? '';
    const last = stats.days.at(-1)?.date ?? '';
    chart.append(
      svg('title', { id: 'stats-chart-title' }, this.tr.t('stats.chartTitle')),
      svg(
        'desc',
        { id: 'stats-chart-desc' },
        this.tr.t('stats.chartDesc', { from: first, to: last, total: stats.conversations }),
      ),
    );
    stats.days.forEach((d, i) => {
      const barHeight = (d.conversations / max) * height;
      chart.append(
        svg('rect', {
          x: i * step + step * 0.15,
          y: height - barHeight,
          width: step * 0.7,
          height: barHeight,
          fill: 'currentColor',
        }),
        svg(
          'text',
          { x: i * step + step / 2, y: height + 12, 'text-anchor': 'middle', 'font-size': 9 },
          d.date.slice(5),
        ),
      );
    });
    return chart;
  }

  private table(stats: Stats): HTMLTableElement {
    const tr = this.tr;
    const cell = (text: string) => h('td', {}, text);
    return h(
      'table',
      { class: 'stats-table' },
      h('caption', {}, tr.t('stats.tableCaption')),
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, tr.t('stats.colDate')),
        h('th', { scope: 'col' }, tr.t('stats.colConversations')),
        h('th', { scope: 'col' }, tr.t('stats.colResolved')),
        h('th', { scope: 'col' }, tr.t('stats.colMedian')),
      ),
      ...stats.days.map((d) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, d.date),
          cell(String(d.conversations)),
          cell(String(d.resolved)),
          cell(this.duration(d.medianFirstResponseSeconds)),
        ),
      ),
    );
  }
}
