/**
 * A send's admission in its order: each step refuses before the next one runs, so a refused frame
 * never costs a content check (the only step that calls outside AWS), and content security's
 * verdict decides last — `review` delivered in a support conversation only.
 */
import { describe, expect, it } from 'vitest';
import type { ChatConfig, ChatContext } from './chat-context';
import type { Caller } from './identity';
import type { ContentVerdict } from './ports';
import { type AdmissionState, admitSend, windowFull } from './send-admission';
import { SendLimitMemory } from './send-limits';
import { TokenBuckets } from './token-bucket';

const alice: Caller = { connectionId: 'c1', userId: 'alice', name: 'Alice', role: 'student' };

function setup(verdict: ContentVerdict['suggest'] = 'pass') {
  const checked: string[] = [];
  const ctx = {
    config: { sendLimit: 30, sendWindowSeconds: 10 } as ChatConfig,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    now: () => 1_000_000,
    content: {
      check: async (text: string) => {
        checked.push(text);
        return { suggest: verdict, label: 'ad', traceIds: ['t1'] } as ContentVerdict;
      },
    },
  } as unknown as ChatContext;
  const state: AdmissionState = {
    frames: new TokenBuckets(60, 20),
    messages: new TokenBuckets(10, 3),
    senders: new SendLimitMemory(),
  };
  return { ctx, state, checked };
}

const frame = (text: string, conversationId = 'support:alice') => ({
  action: 'sendmessage',
  id: 'm1',
  conversationId,
  text,
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: { code?: string }) => error.code,
  );
}

describe('send admission', () => {
  it('admits a valid send after one content check, with the text as sent', async () => {
    const { ctx, state, checked } = setup();
    const admitted = await admitSend(ctx, state, alice, frame(' hi '));
    expect([admitted.text, admitted.target.id, checked]).toEqual([
      ' hi ',
      'support:alice',
      [' hi '],
    ]);
  });

  it('refuses at each earlier step without a content check', async () => {
    const { ctx, state, checked } = setup();
    const throttled = { ...state, frames: new TokenBuckets(1, 0.001) };
    throttled.frames.take('c1', 1_000_000);
    const overLimit = { ...state, senders: new SendLimitMemory() };
    windowFull(ctx, overLimit, 'alice', 1_000_000);

    const codes = [
      await codeOf(admitSend(ctx, throttled, alice, frame('hi'))),
      await codeOf(admitSend(ctx, state, alice, { action: 'sendmessage', id: 'm1' })),
      await codeOf(admitSend(ctx, overLimit, alice, frame('hi'))),
      await codeOf(admitSend(ctx, state, alice, frame(''))),
      await codeOf(admitSend(ctx, state, alice, frame('x'.repeat(4001)))),
      await codeOf(admitSend(ctx, state, alice, frame('hi', 'nowhere'))),
      await codeOf(admitSend(ctx, state, alice, frame('hi', 'support:bob'))),
    ];

    expect(codes).toEqual([
      'RATE_LIMITED',
      'BAD_REQUEST',
      'RATE_LIMITED',
      'BAD_REQUEST',
      'TOO_LARGE',
      'NOT_FOUND',
      'FORBIDDEN',
    ]);
    expect(checked).toEqual([]);
  });

  it('refuses risky everywhere; review is delivered only from a student to the desk', async () => {
    const risky = setup('risky');
    const review = setup('review');
    expect(await codeOf(admitSend(risky.ctx, risky.state, alice, frame('x')))).toBe(
      'CONTENT_REJECTED',
    );
    expect(await codeOf(admitSend(review.ctx, review.state, alice, frame('x')))).toBeUndefined();
    const inRoom = admitSend(review.ctx, review.state, alice, frame('x', 'room:r1'));
    await expect(inRoom).rejects.toMatchObject({ code: 'CONTENT_REJECTED', label: 'ad' });
    const desk: Caller = { connectionId: 'c2', userId: 'admin', name: 'Desk', role: 'admin' };
    const toStudent = admitSend(review.ctx, review.state, desk, frame('x', 'support:alice'));
    await expect(toStudent).rejects.toMatchObject({ code: 'CONTENT_REJECTED' });
  });
});
