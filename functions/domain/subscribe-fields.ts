/**
 * Values for subscribe-message template fields. WeChat types each field by its key's prefix and
 * refuses a message whose value breaks the type's rule with 47003 ("参数值内容限制说明",
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html):
 * - `thing`: at most 20 characters (Chinese, digits, letters or symbols);
 * - `time`: a 24-hour time, optionally with the date (`2019年10月1日 15:01`);
 * - `phrase`: at most 5 Chinese characters only;
 * - `name`: at most 10 Chinese characters or 20 letters.
 * A value made here always satisfies its rule: long text is cut (with an ellipsis), characters
 * WeChat's templates do not render (line breaks, controls) are replaced.
 */

export const THING_MAX_CHARS = 20;
export const PHRASE_MAX_CHARS = 5;
export const NAME_MAX_CHARS = 10;

const CONTROLS = /[\p{Cc}\p{Cf}\u2028\u2029]+/gu;
/** The same class without the global flag, for `test` (a global regex keeps state between calls). */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const HAN_ONLY = /^\p{Script=Han}+$/u;

/** The field type of a template key (`thing2` → `thing`), or undefined for a type we never fill. */
export function fieldType(key: string): 'thing' | 'time' | 'phrase' | 'name' | undefined {
  const type = /^([a-z_]+?)\d*$/.exec(key)?.[1];
  return type === 'thing' || type === 'time' || type === 'phrase' || type === 'name'
    ? type
    : undefined;
}

/** Text cut to `max` characters (code points), the last one an ellipsis when cut. */
export function cutChars(text: string, max: number): string {
  const chars = [...text.replace(CONTROLS, ' ').trim()];
  if (chars.length <= max) return chars.join('');
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** A `thing` value: the text, cut to 20 characters; a placeholder for an empty text. */
export function thingValue(text: string, placeholder = '…'): string {
  const value = cutChars(text, THING_MAX_CHARS);
  return value.length > 0 ? value : placeholder;
}

/** A `phrase` value: only Han characters, at most 5, else the fallback (which must be valid). */
export function phraseValue(text: string, fallback: string): string {
  return HAN_ONLY.test(text) && [...text].length <= PHRASE_MAX_CHARS ? text : fallback;
}

/** A `time` value in the given time zone, as WeChat's example writes it: `2019年10月1日 15:01`. */
export function timeValue(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  return `${parts.year}年${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
}

/** Whether a value satisfies its field type's rule (what the WeChat stand-in checks). */
export function validFieldValue(key: string, value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0) return false;
  const chars = [...value];
  switch (fieldType(key)) {
    case 'thing':
      return chars.length <= THING_MAX_CHARS && !CONTROL.test(value);
    case 'phrase':
      return chars.length <= PHRASE_MAX_CHARS && HAN_ONLY.test(value);
    case 'name':
      return HAN_ONLY.test(value) ? chars.length <= NAME_MAX_CHARS : chars.length <= 20;
    case 'time':
      return /^(\d{4}年\d{1,2}月\d{1,2}日 )?([01]\d|2[0-3]):[0-5]\d$/.test(value);
    default:
      return true;
  }
}
