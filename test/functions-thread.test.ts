/**
 * The handlers in a thread of their own (local/gateway/thread-runtime.ts), as the bench runs them:
 * each invocation runs off the gateway's thread with the environment the stack set, a handler's
 * failure or timeout reaches the gateway as in-process, and the whole product works over real
 * WebSockets with the handlers there.
 */
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadLambdaRuntime } from '../local/gateway/thread-runtime';
import type { LocalStack } from '../local/local-stack';
import { connectAs, nextId } from './support/chat-client';
import { ROUTES_WITH_FIXTURES, resolveWithFixtures } from './support/fixture-routes';
import { startTestStack } from './support/test-stack';

const fixture = (handler: string) =>
  handler === 'where-am-i'
    ? new URL('./fixtures/handlers/where-am-i.ts', import.meta.url).href
    : resolveWithFixtures(handler);
const spec = (handler: string, timeoutSeconds = 3) => ({ handler, memoryMb: 128, timeoutSeconds });

describe('ThreadLambdaRuntime', () => {
  it('runs handlers in another thread that shares the environment, set before or after it started', async () => {
    const runtime = new ThreadLambdaRuntime(fixture);
    process.env.THREAD_TEST_BEFORE = 'set before load';
    await runtime.load('where-am-i');
    process.env.THREAD_TEST_AFTER = 'set after load';

    const before = await runtime.invoke(spec('where-am-i'), { variable: 'THREAD_TEST_BEFORE' });
    const after = await runtime.invoke(spec('where-am-i'), { variable: 'THREAD_TEST_AFTER' });
    await runtime.close();

    expect(before).toEqual({ threadId: expect.any(Number), value: 'set before load' });
    expect((before as { threadId: number }).threadId).not.toBe(threadId);
    expect(after).toMatchObject({ value: 'set after load' });
  });

  it("rejects with the handler's error, Lambda's timeout, a load failure, and after close", async () => {
    const runtime = new ThreadLambdaRuntime(fixture);
    await runtime.load('explode');
    await runtime.load('sleepy');

    const [crashed, timedOut, missing] = await Promise.allSettled([
      runtime.invoke(spec('explode'), {}),
      runtime.invoke(spec('sleepy', 0.2), {}),
      runtime.load('no-such-handler'),
    ]);
    const pendingAtClose = runtime.invoke(spec('sleepy'), {}).catch((error: Error) => error);
    await runtime.close();
    const afterClose = await runtime.invoke(spec('explode'), {}).catch((error: Error) => error);

    expect(crashed).toMatchObject({ status: 'rejected', reason: { message: 'boom (fixture)' } });
    expect(timedOut).toMatchObject({
      status: 'rejected',
      reason: { name: 'LambdaTimeoutError', message: 'Task timed out after 0.20 seconds' },
    });
    expect(missing).toMatchObject({
      status: 'rejected',
      reason: { message: expect.stringContaining('no-such-handler') },
    });
    expect(await pendingAtClose).toMatchObject({ message: 'the functions thread was stopped' });
    expect(afterClose).toMatchObject({ message: 'the functions thread was stopped' });
  });
});

describe('the local stack with its handlers in a thread', () => {
  let stack: LocalStack;
  let runtime: ThreadLambdaRuntime;

  beforeAll(async () => {
    runtime = new ThreadLambdaRuntime(resolveWithFixtures);
    stack = await startTestStack({
      routes: ROUTES_WITH_FIXTURES,
      functionRuntime: runtime,
      onError: () => undefined,
    });
  });

  let stopped = false;
  afterAll(async () => {
    if (!stopped) await stack.stop();
  });

  it('acks and delivers a message, answers a crashing function as API Gateway does, and stops the thread with the stack', async () => {
    const student = await connectAs(stack, 'thread-student');
    const admin = await connectAs(stack, 'admin');
    const id = nextId('m');

    const ack = await student.request({
      action: 'sendmessage',
      id,
      conversationId: 'support:thread-student',
      text: '三楼自习室今晚开吗？',
    });
    const stored = (ack.message as { id?: string }).id;
    const delivered = await admin.next(
      (f) => f.type === 'message' && (f.message as { id?: string }).id === stored,
    );
    student.send({ action: 'explode' });
    const crashed = await student.waitNew((f) => f.message === 'Internal server error');
    const stillOpen = await student.request({ action: 'conversations' });
    await student.close();
    await admin.close();
    await stack.stop();
    stopped = true;

    expect(ack).toMatchObject({ type: 'ack', message: { clientId: id, seq: 1 } });
    expect(delivered).toMatchObject({ message: { clientId: id, text: '三楼自习室今晚开吗？' } });
    expect(crashed.message).toBe('Internal server error');
    expect(stillOpen.type).toBe('conversations');
    await expect(runtime.invoke(spec('explode'), {})).rejects.toThrow('stopped');
  });
});
