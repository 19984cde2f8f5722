/**
 * createRuntime reads the environment it is given, not this process's: the stack, the local stack
 * and tests configure handlers the same way, by environment, without touching `process.env`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime } from './runtime';

const SECRET = 'a-test-signing-key-of-some-length-0123456789';

describe('createRuntime', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('takes its configuration from the environment it is given', () => {
    process.env.IDENTITY_CACHE_SECONDS = '99';
    const runtime = createRuntime({
      TABLE_PREFIX: 'unit-',
      IDENTITY_CACHE_SECONDS: '3',
      FRAME_BURST: '2',
      ADMINS: 'desk-a,desk-b',
    });
    expect(runtime.config.identityCacheMs).toBe(3000);
    expect(runtime.config.tables.messages).toBe('unit-campus-chat-messages');
    expect([...runtime.config.admins]).toEqual(['desk-a', 'desk-b']);
    // The frame throttle is built from that configuration: a burst of 2, then a wait.
    expect(runtime.throttles.frames.take('c1', 0)).toBe(0);
    expect(runtime.throttles.frames.take('c1', 0)).toBe(0);
    expect(runtime.throttles.frames.take('c1', 0)).toBeGreaterThan(0);
  });

  it('refuses a bad knob when built, not on the first request', () => {
    expect(() => createRuntime({ FRAME_BURST: '-1' })).toThrow(/FRAME_BURST/);
  });

  it('reads secrets from its own environment', async () => {
    delete process.env.JWT_SECRET;
    const runtime = createRuntime({ JWT_SECRET: SECRET });
    await expect(runtime.secret('JWT_SECRET')).resolves.toBe(SECRET);
    const tokens = await runtime.sessionTokens();
    const { token } = await tokens.issue({ userId: 'stu-1', name: '小明', role: 'student' });
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'stu-1' });
  });

  it('does not keep a failed secret read: the next call tries again', async () => {
    const env: NodeJS.ProcessEnv = {};
    const runtime = createRuntime(env);
    await expect(runtime.sessionTokens()).rejects.toThrow(/JWT_SECRET is not configured/);
    env.JWT_SECRET = SECRET;
    await expect(runtime.sessionTokens()).resolves.toBeDefined();
  });

  it('gives each runtime its own caches, as each function instance has its own', () => {
    const a = createRuntime({ FRAME_BURST: '1' });
    const b = createRuntime({ FRAME_BURST: '1' });
    expect(a.throttles.frames.take('c1', 0)).toBe(0);
    expect(b.throttles.frames.take('c1', 0)).toBe(0);
    expect(a.throttles.frames.take('c1', 0)).toBeGreaterThan(0);
  });
});
