/**
 * The desk's workflow on a staff member's chat page: the conversation's state and owner, kept
 * current from `deskstate` frames, and the actions (接待 claim, 放回队列 release, 转交 transfer,
 * 标记已解决 resolve) run against the server, which decides — a colleague who claimed first is
 * named in the refusal ("王老师 已在处理这个会话"). Which actions apply and the words come from
 * the shared core (client/desk-display.ts), as in the console. The WeChat UI it needs (an action
 * sheet, the in-page staff picker, a toast) is handed in, so this holds no `wx` call.
 */
import {
  type ChatClient,
  type DeskAction,
  deskActionLabel,
  deskActions,
  type DeskInfo,
  deskInfoOf,
  type DeskStateFrame,
  deskStatusText,
  errorText,
  ProtocolError,
  type StaffMember,
  type Translator,
} from '../core';

/**
 * wx.showActionSheet shows at most 6 items
 * (https://developers.weixin.qq.com/miniprogram/dev/api/ui/interaction/wx.showActionSheet.html);
 * more colleagues than that go to the scrolling staff-picker component.
 */
export const ACTION_SHEET_MAX_ITEMS = 6;

/** A colleague as the transfer choice shows them. */
export interface ColleagueRow {
  readonly userId: string;
  readonly label: string;
}

/** The UI the workflow asks of the page (services/ui.ts and the staff-picker component). */
export interface DeskUi {
  /** An action sheet of at most ACTION_SHEET_MAX_ITEMS; the index chosen, or undefined. */
  choose(items: readonly string[]): Promise<number | undefined>;
  /** The in-page list for more colleagues; the index chosen, or undefined. */
  pickColleague(rows: readonly ColleagueRow[]): Promise<number | undefined>;
  /** A short message (a toast). */
  notice(text: string): void;
}

/** Page data of the desk line (the desk-bar component's properties). */
export interface DeskBarData {
  readonly deskShown: boolean;
  readonly deskStatus: string;
  readonly deskActions: { readonly action: DeskAction; readonly label: string }[];
  readonly deskBusy: boolean;
}

/** Colleagues one can hand a conversation to, oldest on the staff first; away ones marked. */
export function colleagueRows(
  tr: Translator,
  staff: readonly StaffMember[],
  me: string,
): ColleagueRow[] {
  return staff
    .filter((member) => member.userId !== me)
    .map((member) => ({
      userId: member.userId,
      label:
        member.status === 'away' ? tr.t('desk.staffAwayMark', { name: member.name }) : member.name,
    }));
}

/**
 * The desk state the conversations page passed in the chat page's query (`desk`, `owner`,
 * `ownerName`, URI-encoded), or undefined when it passed none.
 */
export function deskInfoFromQuery(
  query: Readonly<Record<string, string | undefined>>,
): DeskInfo | undefined {
  const state = query.desk;
  if (state !== 'open' && state !== 'claimed' && state !== 'resolved') return undefined;
  const ownerId = query.owner ? decodeURIComponent(query.owner) : undefined;
  const ownerName = query.ownerName ? decodeURIComponent(query.ownerName) : undefined;
  return {
    state,
    ...(ownerId !== undefined ? { ownerId } : {}),
    ...(ownerName !== undefined ? { ownerName } : {}),
  };
}

export class DeskWorkflow {
  private info: DeskInfo | undefined;
  private busy = false;

  constructor(
    private readonly client: ChatClient,
    private readonly tr: Translator,
    private readonly me: string,
    private readonly conversationId: string,
    private readonly ui: DeskUi,
    /** Told after every change of what the line shows. */
    private readonly changed: () => void,
  ) {}

  /** Follows the conversation's desk changes (own and colleagues'); returns the unsubscribe. */
  watch(): () => void {
    return this.client.on('deskstate', (frame) => this.apply(frame));
  }

  /** The state as a summary or the page's query had it (until a frame says otherwise). */
  set(info: DeskInfo): void {
    this.info = info;
    this.changed();
  }

  get known(): boolean {
    return this.info !== undefined;
  }

  /** What the desk line shows now. */
  view(): DeskBarData {
    const info = this.info;
    if (!info) return { deskShown: false, deskStatus: '', deskActions: [], deskBusy: false };
    return {
      deskShown: true,
      deskStatus: deskStatusText(this.tr, info, this.me),
      deskActions: deskActions(info, this.me).map((action) => ({
        action,
        label: deskActionLabel(this.tr, action),
      })),
      deskBusy: this.busy,
    };
  }

  /** A tapped action; one at a time. */
  async run(action: DeskAction): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.changed();
    try {
      const desk = this.client.desk();
      const id = this.conversationId;
      if (action === 'transfer') await this.transfer();
      else if (action === 'claim') this.apply(await desk.claim(id));
      else if (action === 'release') this.apply(await desk.release(id));
      else this.apply(await desk.resolve(id));
    } catch (error) {
      this.ui.notice(this.failure(error));
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  private async transfer(): Promise<void> {
    const rows = colleagueRows(this.tr, await this.client.staff().list(), this.me);
    if (rows.length === 0) {
      this.ui.notice(this.tr.t('desk.transferNone'));
      return;
    }
    const index =
      rows.length <= ACTION_SHEET_MAX_ITEMS
        ? await this.ui.choose(rows.map((row) => row.label))
        : await this.ui.pickColleague(rows);
    const to = index === undefined ? undefined : rows[index];
    if (!to) return;
    this.apply(await this.client.desk().transfer(this.conversationId, to.userId));
    this.ui.notice(this.tr.t('desk.transferred', { name: this.info?.ownerName ?? to.label }));
  }

  private apply(frame: DeskStateFrame): void {
    if (frame.conversationId !== this.conversationId) return;
    this.info = deskInfoOf(frame);
    this.changed();
  }

  /** "王老师 已在处理这个会话" for a colleague's claim; otherwise "操作失败：…". */
  private failure(error: unknown): string {
    if (error instanceof ProtocolError && error.code === 'CONFLICT' && error.ownerName) {
      return errorText(this.tr, error);
    }
    return this.tr.t('desk.actionFailed', { reason: errorText(this.tr, error) });
  }
}
