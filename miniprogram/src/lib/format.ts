/** Display formatting for the pages (pure: no wx, testable anywhere). */

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `14:05` today, `11-20 14:05` on another day (local time). */
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
export function badge(unread: number): string {
  if (unread <= 0) return '';
  return unread > 99 ? '99+' : String(unread);
}
