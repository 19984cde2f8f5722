/**
 * The campus clock of exports and figures (NOTIFY_TIME_ZONE, Asia/Shanghai by default): a date
 * range is read as whole campus days, a case belongs to the campus day it started on, and times
 * are written on the campus clock — ISO 8601 with its offset in JSON, `YYYY-MM-DD HH:mm:ss` in
 * CSV (what Excel reads as a date and time).
 */

const DAY_MS = 86_400_000;

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(at: number, timeZone: string): WallClock {
  const parts = formatter(timeZone).formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

/** The zone's offset from UTC at `at`, in minutes (480 for Asia/Shanghai). */
function offsetMinutes(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The campus date of `at`, `YYYY-MM-DD`. */
export function campusDate(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** Epoch ms of the campus midnight that starts `date` (`YYYY-MM-DD`). */
export function campusMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  // Twice: the offset at the guess may differ from the offset at the answer (a DST change).
  let at = utcMidnight - offsetMinutes(utcMidnight, timeZone) * 60_000;
  at = utcMidnight - offsetMinutes(at, timeZone) * 60_000;
  return at;
}

/** The dates from `from` to `to`, both included (`YYYY-MM-DD`, calendar arithmetic in UTC). */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (
    let at = Date.parse(`${from}T00:00:00Z`);
    at <= Date.parse(`${to}T00:00:00Z`);
    at += DAY_MS
  ) {
    dates.push(new Date(at).toISOString().slice(0, 10));
  }
  return dates;
}

/** Whether `date` is a real calendar date (`2026-02-30` is not). */
export function isCalendarDate(date: string): boolean {
  const at = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(at) && new Date(at).toISOString().slice(0, 10) === date;
}

/** ISO 8601 on the campus clock with its offset: `2026-12-02T15:04:05+08:00`. */
export function campusIso(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const offset = offsetMinutes(at, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${campusDate(at, timeZone)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The campus wall clock as Excel reads a date and time: `2026-12-02 15:04:05`. */
export function campusSpreadsheetTime(at: number, timeZone: string): string {
  return campusIso(at, timeZone).slice(0, 19).replace('T', ' ');
}
