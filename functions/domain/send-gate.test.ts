import { describe, expect, it } from 'vitest';
import { BusyError } from './errors';
import { BUSY_RETRY_MAX_MS, BUSY_RETRY_MIN_MS, SendGate } from './send-gate';

const clock = (start = 0) => {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('SendGate', () => {
  it('sheds a send beyond the instance limit with BUSY and a retry hint', () => {
    const gate = new SendGate({ maxInFlight: 2, maxPerConversation: 10 });
    const { now } = clock();
    gate.enter('a', now);
    gate.enter('b', now);

    const refused = (() => {
      try {
        gate.enter('c', now);
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(refused).toBeInstanceOf(BusyError);
    expect((refused as BusyError).code).toBe('BUSY');
    expect((refused as BusyError).retryAfterMs).toBeGreaterThanOrEqual(BUSY_RETRY_MIN_MS);
  });

  it('sheds a send beyond the per-conversation limit while other conversations pass', () => {
    const gate = new SendGate({ maxInFlight: 10, maxPerConversation: 1 });
    const { now } = clock();
    gate.enter('room', now);

    expect(() => gate.enter('room', now)).toThrow(BusyError);
    expect(() => gate.enter('other', now)).not.toThrow();
  });

  it('frees the place on release, once however often release is called', () => {
    const gate = new SendGate({ maxInFlight: 1, maxPerConversation: 1 });
    const { now } = clock();
    const release = gate.enter('room', now);
    release();
    release();

    const again = gate.enter('room', now);

    expect(gate.size).toBe(1);
    expect(() => gate.enter('room', now)).toThrow(BusyError);
    again();
    expect(gate.size).toBe(0);
  });

  it('bases the retry hint on how long sends take, within its bounds', () => {
    const gate = new SendGate({ maxInFlight: 1, maxPerConversation: 1 });
    const time = clock();
    for (let i = 0; i < 50; i++) {
      const release = gate.enter('room', time.now);
      time.advance(60_000);
      release();
    }
    gate.enter('room', time.now);

    let hint = 0;
    try {
      gate.enter('room', time.now);
    } catch (error) {
      hint = (error as BusyError).retryAfterMs ?? 0;
    }

    expect(hint).toBe(BUSY_RETRY_MAX_MS);
  });
});
