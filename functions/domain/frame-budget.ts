/**
 * Byte budgets of server frames (SERVER_FRAME_BUDGET_BYTES, docs/protocol.md "Frame size"): a page
 * takes items while the serialized frame stays under the budget, so no reply can outgrow what
 * API Gateway carries.
 */
import { MAX_CURSOR_LENGTH, SERVER_FRAME_BUDGET_BYTES } from '../../protocol/limits';

/** UTF-8 length of a string, as it goes on the wire. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The bytes left in one frame. It starts with the frame's other fields (`envelope`, its item list
 * empty) and room for a cursor of the longest kind, which may be added once the page is known.
 */
export class FrameBudget {
  private used: number;
  private taken = 0;

  constructor(
    envelope: object,
    private readonly budget: number = SERVER_FRAME_BUDGET_BYTES,
  ) {
    this.used = utf8Length(JSON.stringify(envelope)) + MAX_CURSOR_LENGTH + 32;
  }

  /** Items taken so far. */
  get count(): number {
    return this.taken;
  }

  /**
   * Takes `item` when it fits (its JSON and a separating comma). The first item is always taken:
   * the protocol's limits keep a single item far under the budget (protocol/limits.ts),
   * and a page must make progress.
   */
  take(item: unknown): boolean {
    const cost = utf8Length(JSON.stringify(item)) + 1;
    if (this.taken > 0 && this.used + cost > this.budget) return false;
    this.used += cost;
    this.taken++;
    return true;
  }
}

/**
 * How many of `items`, taken from the start (or from the end with `fromEnd`), fit in one frame
 * with `envelope`.
 */
export function itemsWithinBudget(
  envelope: object,
  items: readonly unknown[],
  options: { fromEnd?: boolean; budget?: number } = {},
): number {
  const budget = new FrameBudget(envelope, options.budget);
  for (let i = 0; i < items.length; i++) {
    if (!budget.take(items[options.fromEnd ? items.length - 1 - i : i])) break;
  }
  return budget.count;
}
