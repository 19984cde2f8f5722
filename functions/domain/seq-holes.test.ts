import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../protocol/server-frames';
import { pageSpan } from './seq-holes';

const at = (seq: number) => ({ seq }) as ChatMessage;

describe('pageSpan', () => {
  it('covers after+1 up to lastSeq (or before-1) when the page is complete', () => {
    expect(pageSpan({ messages: [at(3)], hasMore: false }, { after: 0, newest: false }, 5)).toEqual(
      { from: 1, to: 5 },
    );
    expect(
      pageSpan({ messages: [at(3)], hasMore: false }, { after: 0, before: 4, newest: true }, 9),
    ).toEqual({ from: 1, to: 3 });
  });

  it('stops at the page edge that has more beyond it', () => {
    // Catching up with more above: up to the last message; scrolling up with more below: from the first.
    expect(
      pageSpan({ messages: [at(2), at(5)], hasMore: true }, { after: 1, newest: false }, 40),
    ).toEqual({ from: 2, to: 5 });
    expect(
      pageSpan(
        { messages: [at(30), at(33)], hasMore: true },
        { after: 0, before: 40, newest: true },
        50,
      ),
    ).toEqual({ from: 30, to: 39 });
  });

  it('is empty when nothing can be missing', () => {
    expect(pageSpan({ messages: [], hasMore: false }, { after: 5, newest: false }, 5)).toBe(
      undefined,
    );
    expect(pageSpan({ messages: [], hasMore: true }, { after: 0, newest: false }, 5)).toBe(
      undefined,
    );
  });
});
