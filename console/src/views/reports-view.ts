/**
 * The desk's reports (举报): open reports, newest first, each with who reported whom, why, the text
 * as reported, and the two ways to act on it — remove the message (it becomes a tombstone for
 * everyone and its reports close) or dismiss the report. Admins only; paged with "load more".
 */
import {
  type ChatClient,
  formatTime,
  type MessageReport,
  type Translator,
} from '../../../client/index';
import { h } from '../dom';

export class ReportsView {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;
  private readonly more: HTMLButtonElement;
  private reports: MessageReport[] = [];
  private cursor: string | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
    private readonly notice: (text: string) => void,
  ) {
    this.list = h('ul', { class: 'reports-list' });
    this.empty = h('p', { class: 'muted' }, tr.t('desk.reportsEmpty'));
    this.more = h(
      'button',
      { type: 'button', class: 'secondary', hidden: true, onclick: () => void this.load(true) },
      tr.t('desk.reportsMore'),
    );
    this.element = h(
      'section',
      { class: 'reports', 'aria-labelledby': 'reports-title' },
      h('h2', { id: 'reports-title' }, tr.t('desk.reports')),
      this.empty,
      this.list,
      this.more,
    );
  }

  /** Loads the first page again (or, with `more`, the next one). */
  async load(more = false): Promise<void> {
    try {
      const page = await this.client.reports(more && this.cursor ? { cursor: this.cursor } : {});
      this.reports = more ? [...this.reports, ...page.reports] : page.reports;
      this.cursor = page.cursor;
      this.render();
    } catch {
      this.notice(this.tr.t('report.failed'));
    }
  }

  private render(): void {
    this.list.replaceChildren(...this.reports.map((r) => this.item(r)));
    this.empty.hidden = this.reports.length > 0;
    this.more.hidden = this.cursor === undefined;
  }

  private item(report: MessageReport): HTMLElement {
    const { tr } = this;
    const act = (run: () => Promise<unknown>) => async () => {
      try {
        await run();
        this.reports = this.reports.filter((r) => r.reportId !== report.reportId);
        this.render();
      } catch {
        this.notice(tr.t('report.failed'));
      }
    };
    return h(
      'li',
      { class: 'report', 'data-report': report.reportId },
      h(
        'p',
        { class: 'report-line' },
        tr.t('desk.reportLine', {
          reporter: report.reporterId,
          sender: report.senderName,
          reason: tr.t(`report.reason.${report.reason}`),
        }),
        ' · ',
        h('time', { datetime: report.reportedAt }, formatTime(tr, report.reportedAt)),
      ),
      h('blockquote', { class: 'report-text' }, report.text),
      h(
        'div',
        { class: 'report-actions' },
        h(
          'button',
          {
            type: 'button',
            'data-action': 'remove',
            onclick: act(() =>
              this.client.remove(report.conversationId, report.seq, tr.t('desk.removeReason')),
            ),
          },
          tr.t('desk.reportRemove'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-action': 'dismiss',
            onclick: act(() => this.client.dismissReport(report.reportId)),
          },
          tr.t('desk.reportDismiss'),
        ),
      ),
    );
  }
}
