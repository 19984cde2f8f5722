/**
 * Display text shared by the mini-program and the browser console: times, badges, the connection
 * banner, typing, the character counter and conversation previews. Pure (no wx, no DOM).
 */
import { PREVIEW_CHARS } from '../functions/protocol/limits';
import type { ConnectionState } from './connection';
import { truncateCodePoints } from './text';
import type { TypingUser } from './typing';

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `14:05` today, `11-20 14:05` on another day (local time); empty for an invalid date. */
export function formatTime(iso: string, now: number = Date.now()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const today = new Date(now);
  const hm = `${two(at.getHours())}:${two(at.getMinutes())}`;
  const sameDay =
    at.getFullYear() === today.getFullYear() &&
    at.getMonth() === today.getMonth() &&
    at.getDate() === today.getDate();
  return sameDay ? hm : `${two(at.getMonth() + 1)}-${two(at.getDate())} ${hm}`;
}

/** Unread badge text: nothing for 0, `99+` beyond 99. */
export function badgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}

export type BannerStatus = 'online' | 'connecting' | 'reconnecting' | 'offline';

export interface Banner {
  readonly status: BannerStatus;
  readonly text: string;
  /** Whether "Reconnect now" makes sense (waiting for a backoff timer). */
  readonly canRetry: boolean;
}

/** The connection banner for a connection state. */
export function bannerFor(state: ConnectionState, now: number): Banner {
  switch (state.status) {
    case 'online':
      return { status: 'online', text: 'Online', canRetry: false };
    case 'connecting':
      // The planned refresh before API Gateway's 2-hour limit is not a failure: stay "online".
      if (state.planned) return { status: 'online', text: 'Online', canRetry: false };
      return state.attempt === 0
        ? { status: 'connecting', text: 'Connecting…', canRetry: false }
        : { status: 'reconnecting', text: 'Reconnecting…', canRetry: false };
    case 'reconnecting': {
      const seconds = Math.max(1, Math.ceil((state.retryAt - now) / 1000));
      return { status: 'reconnecting', text: `Reconnecting in ${seconds} s…`, canRetry: true };
    }
    case 'offline':
      return {
        status: 'offline',
        text:
          state.reason === 'network'
            ? 'Offline: no network. Messages will be sent when you are back online.'
            : 'Offline',
        canRetry: false,
      };
    default:
      return { status: 'offline', text: 'Not connected', canRetry: false };
  }
}

/** "Desk is typing…", "Ann and Bo are typing…", "Ann, Bo and Cy are typing…". */
export function typingText(users: readonly TypingUser[]): string {
  const names = users.map((u) => u.name);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
}

/** The character counter under the message box. */
export function counterText(count: number, max: number): string {
  return count > max ? `${count} / ${max}: ${count - max} too many` : `${count} / ${max}`;
}

/**
 * A conversation list's preview of its last message: `Sender: text`, the text cut to the
 * PREVIEW_CHARS code points the server stores (never inside an emoji).
 */
export function previewText(message: { senderName: string; text: string }): string {
  return `${message.senderName}: ${truncateCodePoints(message.text, PREVIEW_CHARS)}`;
}
