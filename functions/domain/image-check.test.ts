/**
 * applyMediaVerdict's branches that the integration suite (test/image-check.test.ts) cannot
 * reach on purpose: a risky verdict arriving while its send is still storing the message, a
 * verdict for a send that never stored one, and WeChat's failure push.
 */
import { describe, expect, it } from 'vitest';
import type { ChatContext } from './chat-context';
import { applyMediaVerdict, SEND_IN_FLIGHT_MS } from './image-check';
import type { ImageCheckRecord, ImageCheckStore, ImageObjectStore } from './image-ports';

const KEY = `up/${'a'.repeat(22)}/${'b'.repeat(22)}/${'c'.repeat(22)}`;
const SUBMITTED = 1_000_000;

function fakes(now: number) {
  const removed: string[] = [];
  const decided: { verdict: string; label: number | undefined }[] = [];
  const logs: string[] = [];
  let record: ImageCheckRecord | undefined = {
    traceId: 't1',
    conversationId: 'support:alice',
    key: KEY,
    senderId: 'alice',
    clientId: 'c1',
    submittedAt: SUBMITTED,
  };
  const checks: ImageCheckStore = {
    recordSubmitted: async () => undefined,
    get: async (traceId) => (traceId === 't1' ? record : undefined),
    markDecided: async (_t, verdict, label, at) => {
      decided.push({ verdict, label });
      if (record) record = { ...record, verdict, decidedAt: at };
      return true;
    },
  };
  const store = {
    remove: async (key: string) => void removed.push(key),
  } as unknown as ImageObjectStore;
  const log = (level: string) => (message: string) => void logs.push(`${level}: ${message}`);
  const ctx = {
    now: () => now,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    // The send has not stored its message (no idempotency key yet).
    messages: { loadSendContext: async () => ({}), get: async () => undefined },
  } as unknown as ChatContext;
  return { ctx, store, checks, removed, decided, logs };
}

const risky = { traceId: 't1', suggest: 'risky', label: 20002, errcode: 0 } as const;

describe('applyMediaVerdict', () => {
  it('deletes the objects but answers pending while the send may still store its message', async () => {
    // Arrange
    const f = fakes(SUBMITTED + 1_000);

    // Act
    const outcome = await applyMediaVerdict(f.ctx, f.store, f.checks, risky);

    // Assess
    expect(outcome).toBe('pending');
    expect(f.removed).toEqual([KEY, KEY.replace('up/', 'img/'), KEY.replace('up/', 'th/')]);
    // Not decided: the repeated push finds the message and tombstones it.
    expect(f.decided).toEqual([]);
  });

  it('records the verdict once the send can no longer store a message', async () => {
    const f = fakes(SUBMITTED + SEND_IN_FLIGHT_MS + 1);
    expect(await applyMediaVerdict(f.ctx, f.store, f.checks, risky)).toBe('applied');
    expect(f.decided).toEqual([{ verdict: 'risky', label: 20002 }]);
    // A repeat changes nothing.
    expect(await applyMediaVerdict(f.ctx, f.store, f.checks, risky)).toBe('repeat');
    expect(f.decided).toHaveLength(1);
  });

  it("records WeChat's failure push as failed, at error level, and leaves the objects", async () => {
    const f = fakes(SUBMITTED + 1_000);
    const outcome = await applyMediaVerdict(f.ctx, f.store, f.checks, {
      traceId: 't1',
      suggest: undefined,
      label: undefined,
      errcode: 43104,
    });
    expect(outcome).toBe('applied');
    expect(f.decided).toEqual([{ verdict: 'failed', label: undefined }]);
    expect(f.removed).toEqual([]);
    expect(f.logs).toContain('error: image check failed at WeChat');
  });

  it('ignores a verdict for a trace it never submitted', async () => {
    const f = fakes(SUBMITTED);
    expect(await applyMediaVerdict(f.ctx, f.store, f.checks, { ...risky, traceId: 'other' })).toBe(
      'unknown',
    );
    expect(f.removed).toEqual([]);
  });
});
