/**
 * The desk's service hours and the automatic reply that states them (issue 15): a student who
 * writes while no admin is online gets one desk message with `kind: 'auto'` and `auto` below.
 * Clients render it from their catalog (client/display.ts), so it reads in the viewer's language;
 * its `text` is the Chinese rendering, for previews and any client that predates it.
 *
 * The hours are configuration (DESK_HOURS, README "Configuration"): rules separated by `;`, each
 * a day or a day range and a time range in the campus time zone, e.g.
 * `Mon-Fri 08:30-17:30; Sat 09:00-12:00`. Several rules may share a day (a lunch break).
 */
import * as v from 'valibot';

/** Monday first, as the configuration writes them; index 0..6 is the `from`/`to` value. */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

const clock = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/));
const weekday = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(6));

/** One rule: the days `from`..`to` (0 = Monday), open `start`..`end` (HH:MM, end exclusive). */
export const DeskHoursRule = v.object({ from: weekday, to: weekday, start: clock, end: clock });
export type DeskHoursRule = v.InferOutput<typeof DeskHoursRule>;

/** The most rules DESK_HOURS may have (keeps every auto reply small). */
export const MAX_DESK_HOURS_RULES = 14;

/** What an automatic desk reply says (ChatMessage `auto`). */
export const AutoReply = v.object({
  /** Why it was sent: no admin had the desk open. */
  reason: v.literal('deskAway'),
  /** Whether the message came within the service hours (the desk is then only briefly away). */
  withinHours: v.boolean(),
  hours: v.pipe(v.array(DeskHoursRule), v.maxLength(MAX_DESK_HOURS_RULES)),
});
export type AutoReply = v.InferOutput<typeof AutoReply>;

const RULE = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(\d{2}:\d{2})-(\d{2}:\d{2})$/;

function dayIndex(name: string): number {
  return WEEKDAYS.findIndex((d) => d.toLowerCase() === name.toLowerCase());
}

/**
 * Parses DESK_HOURS. Throws an Error naming the rule it could not read: a day name other than
 * Mon..Sun, a range running backwards (write `Sat-Sun`, not `Sun-Sat`), a time that is not HH:MM
 * (24:00 allowed as an end), or an end not after its start.
 */
export function parseDeskHours(raw: string): DeskHoursRule[] {
  const parts = raw
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new Error('DESK_HOURS has no rules');
  if (parts.length > MAX_DESK_HOURS_RULES)
    throw new Error(`DESK_HOURS has more than ${MAX_DESK_HOURS_RULES} rules`);
  return parts.map((part) => {
    const match = RULE.exec(part);
    const from = match ? dayIndex(match[1] as string) : -1;
    const to = match?.[2] !== undefined ? dayIndex(match[2]) : from;
    const rule = { from, to, start: match?.[3] ?? '', end: match?.[4] ?? '' };
    if (
      !match ||
      from < 0 ||
      to < from ||
      !v.is(DeskHoursRule, rule) ||
      minutes(rule.end) <= minutes(rule.start)
    ) {
      throw new Error(`DESK_HOURS rule "${part}" must be like "Mon-Fri 08:30-17:30"`);
    }
    return rule;
  });
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h as number) * 60 + (m as number);
}

/** Whether `at` falls within the hours, read on the wall clock of `timeZone`. */
export function withinDeskHours(
  rules: readonly DeskHoursRule[],
  at: Date,
  timeZone: string,
): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = dayIndex(part('weekday'));
  const now = Number(part('hour')) * 60 + Number(part('minute'));
  return rules.some(
    (r) => r.from <= day && day <= r.to && minutes(r.start) <= now && now < minutes(r.end),
  );
}
