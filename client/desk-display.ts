/**
 * The desk's workflow as staff clients show it (the console and the mini-program share it):
 * the words of a conversation's state and owner, which actions apply, how long a student has
 * waited, the inbox filter's rules and its capped counts. Pure: no DOM, no WeChat.
 */
import { DESK_COUNT_CAP, type DeskCounts, type DeskFilter, type DeskState } from '../protocol/desk';
import type { Translator } from './i18n/index';

/** Whose conversations the inbox shows. */
export type DeskOwnerFilter = NonNullable<DeskFilter['owner']>;

/** The filter a staff client holds (the server's default owner, `all`, made explicit). */
export interface DeskFilterChoice {
  readonly state: DeskState;
  readonly owner: DeskOwnerFilter;
}

/** The tabs, in the order they are shown. */
export const DESK_OWNER_TABS: readonly DeskOwnerFilter[] = ['mine', 'unassigned', 'all'];
export const DESK_STATE_TABS: readonly DeskState[] = ['open', 'claimed', 'resolved'];

/** A new staff inbox starts at the conversations nobody has answered yet. */
export const DEFAULT_DESK_FILTER: DeskFilterChoice = { state: 'open', owner: 'all' };

/** What a client knows about one support conversation's desk state. */
export interface DeskInfo {
  readonly state: DeskState;
  readonly ownerName?: string;
  readonly ownerId?: string;
}

/** The actions a staff member may take on a conversation (the server decides in the end). */
export type DeskAction = 'claim' | 'release' | 'resolve' | 'transfer';

/** The desk info of a summary or `deskstate` frame (no state yet: `open`, as the server treats it). */
export function deskInfoOf(source: {
  readonly deskState?: DeskState;
  readonly state?: DeskState;
  readonly ownerName?: string;
  readonly ownerId?: string;
}): DeskInfo {
  return {
    state: source.state ?? source.deskState ?? 'open',
    ...(source.ownerName !== undefined ? { ownerName: source.ownerName } : {}),
    ...(source.ownerId !== undefined ? { ownerId: source.ownerId } : {}),
  };
}

/** "已等待 5 分钟" from the student's oldest unanswered message; empty when nobody waits. */
export function waitingText(tr: Translator, waitingSince: string | undefined, now: number): string {
  if (waitingSince === undefined) return '';
  const minutes = Math.floor(Math.max(0, now - Date.parse(waitingSince)) / 60_000);
  if (minutes < 1) return tr.t('desk.waitingNow');
  if (minutes < 60) return tr.t('desk.waitingMinutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return tr.t('desk.waitingHours', { hours });
  return tr.t('desk.waitingDays', { days: Math.floor(hours / 24) });
}

/** "处理中 · 王老师 · 已等待 5 分钟" for a support conversation in a staff member's inbox. */
export function deskLine(
  tr: Translator,
  item: {
    readonly deskState?: DeskState;
    readonly ownerName?: string;
    readonly ownerId?: string;
    readonly waitingSince?: string;
  },
  me: string | undefined,
  now: number,
): string {
  if (item.deskState === undefined) return '';
  const owner =
    item.deskState === 'claimed' && item.ownerName !== undefined
      ? item.ownerId === me
        ? tr.t('desk.ownedByMe')
        : item.ownerName
      : '';
  return [tr.t(`desk.state.${item.deskState}`), owner, waitingText(tr, item.waitingSince, now)]
    .filter((part) => part !== '')
    .join(' · ');
}

/** "处理中 · 由 王老师 处理" / "待处理 · 未分配" / "已解决 · 王老师 已解决": the line over an open chat. */
export function deskStatusText(tr: Translator, info: DeskInfo, me: string | undefined): string {
  const owner =
    info.state === 'claimed'
      ? info.ownerId === me
        ? tr.t('desk.ownedByMe')
        : tr.t('desk.ownedBy', { name: info.ownerName ?? '' })
      : info.state === 'resolved' && info.ownerName
        ? tr.t('desk.resolvedBy', { name: info.ownerName })
        : tr.t('desk.unowned');
  return `${tr.t(`desk.state.${info.state}`)} · ${owner}`;
}

/**
 * The actions offered, in order: claim unless one owns it already; release one's own; resolve
 * unless resolved; transfer one's own or an unowned one (a colleague's is theirs to hand over).
 */
export function deskActions(info: DeskInfo, me: string | undefined): DeskAction[] {
  const mine = info.state === 'claimed' && info.ownerId === me;
  const actions: DeskAction[] = [];
  if (!mine) actions.push('claim');
  if (mine) actions.push('release');
  if (info.state !== 'resolved') actions.push('resolve');
  if (info.state !== 'claimed' || mine) actions.push('transfer');
  return actions;
}

/** The catalog entry of an action's button. */
export function deskActionLabel(tr: Translator, action: DeskAction): string {
  return tr.t(`desk.${action}`);
}

/**
 * A tab tapped: the filter after it. Nobody owns a waiting conversation, and an unassigned one
 * is always waiting, so "unassigned" goes with 待处理 and "mine" never does.
 */
export function selectDeskFilter(
  current: DeskFilterChoice,
  next: Partial<DeskFilterChoice>,
): DeskFilterChoice {
  let { state, owner } = { ...current, ...next };
  if (next.owner === 'unassigned') state = 'open';
  if (next.owner === 'mine' && state === 'open') state = 'claimed';
  if (next.state === 'open' && owner === 'mine') owner = 'all';
  if (next.state && next.state !== 'open' && owner === 'unassigned') owner = 'all';
  return { state, owner };
}

/** Whether a conversation still belongs in the inbox under `filter` (after a live change). */
export function inDeskFilter(
  item: { readonly deskState?: DeskState; readonly ownerId?: string },
  filter: DeskFilterChoice,
  me: string | undefined,
): boolean {
  if ((item.deskState ?? 'open') !== filter.state) return false;
  if (filter.owner === 'mine') return item.ownerId === me;
  if (filter.owner === 'unassigned') return item.ownerId === undefined;
  return true;
}

/**
 * Whether the desk holds any conversation, in any state (the counts cover every owner): when it
 * does, an empty inbox page means the filter is empty, not the inbox. False before counts arrive.
 */
export function deskHoldsConversations(counts: DeskCounts | undefined): boolean {
  return counts !== undefined && counts.open + counts.claimed + counts.resolved > 0;
}

/** A state's count as shown: "99+" at the server's cap, empty before it is known. */
export function deskCountText(count: number | undefined): string {
  if (count === undefined) return '';
  return count >= DESK_COUNT_CAP ? `${DESK_COUNT_CAP}+` : String(count);
}

/** "待处理 3" for a state tab. */
export function deskStateTab(tr: Translator, state: DeskState, count: number | undefined): string {
  return tr
    .t('desk.stateTab', { state: tr.t(`desk.state.${state}`), count: deskCountText(count) })
    .trim();
}

/** Longest waiting first; those nobody waits in after them, newest activity first (the server's order). */
export function byLongestWaiting<
  T extends { readonly waitingSince?: string; readonly lastActivityAt: string },
>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => {
    if (a.waitingSince !== undefined && b.waitingSince !== undefined) {
      return a.waitingSince < b.waitingSince ? -1 : a.waitingSince > b.waitingSince ? 1 : 0;
    }
    if (a.waitingSince !== undefined) return -1;
    if (b.waitingSince !== undefined) return 1;
    return a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : 0;
  });
}

/**
 * Waiting-since after a message, as the server keeps it: a student's message starts it when
 * nothing waited, a staff reply clears it (rooms have none: `{}`).
 */
export function waitingAfter(
  item: { readonly kind: 'support' | 'room'; readonly waitingSince?: string },
  message: { readonly senderRole: string; readonly sentAt: string },
): { waitingSince?: string } {
  if (item.kind !== 'support') return {};
  if (message.senderRole === 'admin') return { waitingSince: undefined };
  return { waitingSince: item.waitingSince ?? message.sentAt };
}
