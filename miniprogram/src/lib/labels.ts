/**
 * The words a page's WXML shows, as page data: WXML has no function calls, so each page puts
 * the catalog entries it renders into `data.t` (`{{t.send}}`), in the app's language.
 */
import type { MessageId, Params, Translator } from '../core';

/** `{ send: 'composer.send' }` → `{ send: '发送' }`. */
export function labels<K extends string>(
  tr: Translator,
  ids: Readonly<Record<K, MessageId | readonly [MessageId, Params]>>,
): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of Object.keys(ids) as K[]) {
    const entry = ids[key];
    out[key] = typeof entry === 'string' ? tr.t(entry) : tr.t(entry[0], entry[1]);
  }
  return out;
}
