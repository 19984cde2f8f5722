/**
 * What the chat page sends through setData. WeChat copies every setData payload from the logic
 * layer to the view layer, caps one at 1 MB and recommends small, infrequent updates
 * (https://developers.weixin.qq.com/miniprogram/dev/framework/performance/tips/runtime_setData.html),
 * so the page keeps a bounded window of the newest rows and sends only what changed, as data
 * paths (`items[12].state`), not the whole list on every typing or read notice.
 */
import type { ChatItem } from './chat-items';

/** Rows the page holds at first: the newest page the client loads. */
export const WINDOW_ROWS = 50;
/** Scrolling up widens the window by a page at a time, up to this many rows. */
export const MAX_WINDOW_ROWS = 300;

/** The newest `size` rows. */
export function windowed(items: readonly ChatItem[], size: number): ChatItem[] {
  return items.length > size ? items.slice(items.length - size) : [...items];
}

/**
 * The setData payload that turns `previous` into `next`: per changed field a path
 * (`items[3].state`), per appended row `items[7]`; the whole list only when rows were removed
 * or reordered (the window moved, older rows came in above). Empty when nothing changed.
 */
export function itemUpdates(
  previous: readonly ChatItem[],
  next: readonly ChatItem[],
): Record<string, unknown> {
  const samePrefix =
    next.length >= previous.length && previous.every((item, i) => next[i]?.key === item.key);
  if (!samePrefix) return { items: next };
  const updates: Record<string, unknown> = {};
  previous.forEach((before, i) => {
    const after = next[i] as ChatItem;
    for (const field of Object.keys(after) as (keyof ChatItem)[]) {
      if (before[field] !== after[field]) updates[`items[${i}].${field}`] = after[field];
    }
  });
  for (let i = previous.length; i < next.length; i++) updates[`items[${i}]`] = next[i];
  return updates;
}

/**
 * The fields of `next` that differ from the page's `data` (arrays and objects compared by
 * value), as a setData payload; empty when nothing changed.
 */
export function changedFields(
  data: Readonly<Record<string, unknown>>,
  next: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    const before = data[key];
    const same =
      typeof value === 'object' && value !== null
        ? JSON.stringify(value) === JSON.stringify(before)
        : value === before;
    if (!same) update[key] = value;
  }
  return update;
}
