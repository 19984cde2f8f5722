/**
 * Display text shared by the mini-program and the browser console, in the user's locale: times
 * and dates, badges, the connection banner, typing, the character counter, message states and
 * conversation previews. Pure (no wx, no DOM); every word comes from the catalog (client/i18n).
 */
import { PREVIEW_CHARS } from '../protocol/limits';
import type { ConnectionState } from './connection';
import { type MessageId, type Translator, zh } from './i18n/index';
import type { AutoReply } from '../protocol/desk-hours';
import { autoReplyText } from './auto-reply-text';
import { truncateCodePoints, truncateWidth } from './text';
import type { TypingUser } from './typing';

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function sameDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  );
}

/** Calendar words for `at` seen at `now`: undefined today, else 昨天 / 3月5日 / 2025年12月1日. */
function dateWords(tr: Translator, at: Date, now: Date): string | undefined {
  if (sameDay(at, now)) return undefined;
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (sameDay(at, yesterday)) return tr.t('time.yesterday');
  const month = tr.t(`month.${at.getMonth() + 1}` as MessageId);
  const day = at.getDate();
  return at.getFullYear() === now.getFullYear()
    ? tr.t('time.monthDay', { month, day })
    : tr.t('time.fullDate', { month, day, year: at.getFullYear() });
}

function clock(at: Date): string {
  return `${two(at.getHours())}:${two(at.getMinutes())}`;
}

/**
 * A message's time stamp (local time, 24-hour clock): `14:05` today, `昨天 14:05`,
 * `3月5日 14:05` this year, `2025年12月1日 14:05` before (English: `Yesterday 14:05`,
 * `Mar 5 14:05`, `Dec 1, 2025 14:05`); empty for an invalid date.
 */
export function formatTime(tr: Translator, iso: string, now: number = Date.now()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const time = clock(at);
  const date = dateWords(tr, at, new Date(now));
  if (date === undefined) return time;
  return tr.t('time.at', { date, time });
}

/**
 * How long ago, for lists that show recency: `刚刚` under a minute, `5分钟前` under an hour,
 * `今天 14:05` later today, then `昨天`, `3月5日`, `2025年12月1日` (English equivalents).
 */
export function formatRecency(tr: Translator, iso: string, now: number = Date.now()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const ago = now - at.getTime();
  if (ago < 60_000) return tr.t('time.justNow');
  if (ago < 3_600_000) {
    const count = Math.floor(ago / 60_000);
    return tr.t('time.minutesAgo', { count });
  }
  return dateWords(tr, at, new Date(now)) ?? tr.t('time.today', { time: clock(at) });
}

/** Unread badge text: nothing for 0, `99+` beyond 99. */
export function badgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}

/** What a screen reader hears for a badge: "3 条未读". */
export function unreadLabel(tr: Translator, unread: number): string {
  return tr.t('badge.unread', { count: unread });
}

/** "3 位成员" / "1 member" / "3 members". */
export function membersText(tr: Translator, count: number): string {
  return tr.t('room.members', { count });
}

/**
 * The title of a student's own support conversation. The server sends `DESK_TITLE`; its default
 * (自习室服务台) is the catalog's desk title, so it follows the user's language; a campus that
 * configured its own name gets that name as it is.
 */
export function deskTitle(tr: Translator, serverTitle: string | undefined): string {
  return serverTitle === undefined || serverTitle === zh['desk.title']
    ? tr.t('desk.title')
    : serverTitle;
}

export type BannerStatus = 'online' | 'connecting' | 'reconnecting' | 'offline';

export interface Banner {
  readonly status: BannerStatus;
  readonly text: string;
  /** Whether "Reconnect now" makes sense (waiting for a backoff timer). */
  readonly canRetry: boolean;
}

/** The connection banner for a connection state. */
export function bannerFor(tr: Translator, state: ConnectionState, now: number): Banner {
  switch (state.status) {
    case 'online':
      return { status: 'online', text: tr.t('banner.online'), canRetry: false };
    case 'connecting':
      // The planned refresh before API Gateway's 2-hour limit is not a failure: stay "online".
      if (state.planned) return { status: 'online', text: tr.t('banner.online'), canRetry: false };
      return state.attempt === 0
        ? { status: 'connecting', text: tr.t('banner.connecting'), canRetry: false }
        : { status: 'reconnecting', text: tr.t('banner.reconnecting'), canRetry: false };
    case 'reconnecting': {
      const seconds = Math.max(1, Math.ceil((state.retryAt - now) / 1000));
      return {
        status: 'reconnecting',
        text: tr.t('banner.reconnectingIn', { seconds }),
        canRetry: true,
      };
    }
    case 'offline':
      return {
        status: 'offline',
        text: tr.t(state.reason === 'network' ? 'banner.offlineNetwork' : 'banner.offline'),
        canRetry: false,
      };
    default:
      return { status: 'offline', text: tr.t('banner.notConnected'), canRetry: false };
  }
}

/** "服务台 正在输入…", "Ann、Bo 和 Cy 正在输入…" / "Ann, Bo and Cy are typing…". */
export function typingText(tr: Translator, users: readonly TypingUser[]): string {
  const names = users.map((u) => u.name);
  const last = names[names.length - 1];
  if (last === undefined) return '';
  if (names.length === 1) return tr.t('typing.one', { name: last });
  return tr.t('typing.many', {
    names: names.slice(0, -1).join(tr.t('list.separator')),
    last,
  });
}

/** The character counter under the message box. */
export function counterText(tr: Translator, count: number, max: number): string {
  return count > max
    ? tr.t('counter.over', { count, max, excess: count - max })
    : tr.t('counter.ok', { count, max });
}

/** Display columns a list preview may take: a phone row of 13 px text holds about 18 hanzi. */
export const PREVIEW_COLUMNS = 36;

/**
 * A conversation list's preview of its last message: `Sender：text`, cut by display width (a
 * hanzi takes two columns, a Latin letter one) to PREVIEW_COLUMNS, never inside a character or
 * an emoji, with `…` when cut.
 */
export function previewText(
  tr: Translator,
  message: { senderName: string; text: string; recalled?: 'sender' | 'admin'; image?: unknown },
  columns: number = PREVIEW_COLUMNS,
): string {
  const text = truncateCodePoints(messageText(tr, message).replace(/\s+/g, ' '), PREVIEW_CHARS);
  const line = tr.t('preview.line', {
    sender: message.senderName,
    // An image (a preview's `image: true`, a message's attachment): [图片], then any caption.
    text:
      message.image && message.recalled === undefined
        ? tr.t(text === '' ? 'preview.image' : 'preview.imageCaption', { text })
        : text,
  });
  return truncateWidth(line, columns);
}

/**
 * What a message shows: its text, or for a tombstone "消息已撤回" (its sender recalled it) /
 * "已被管理员删除" (an admin removed it) — a tombstone has no text left anywhere — or for the
 * desk's automatic reply its words in this locale (auto-reply-text.ts).
 */
export function messageText(
  tr: Translator,
  message: { text: string; recalled?: 'sender' | 'admin'; auto?: AutoReply },
): string {
  if (message.recalled === 'sender') return tr.t('message.recalled');
  if (message.recalled === 'admin') return tr.t('message.removedByAdmin');
  if (message.auto) return autoReplyText(tr, message.auto);
  return message.text;
}
