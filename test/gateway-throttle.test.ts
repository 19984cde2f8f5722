/**
 * API Gateway's throttling, as the local gateway emulates it: the account's new-connection quota
 * and the stage's rate and burst refuse handshakes with 429 and answer messages with
 * `Too Many Requests`, running nothing; and the real client core, which cannot see the status of a
 * refused handshake, backs off under 429 rather than hammering the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffCeiling } from '../client/backoff';
import { ChatClient, MemoryStorage } from '../client/index';
import type { ConnectionState } from '../client/connection';
import { devLogin } from '../client/testing/dev-login';
import { wsTransport } from '../client/testing/ws-transport';
import type { LocalStack } from '../local/local-stack';
import { ACCOUNT_NEW_CONNECTIONS } from '../local/gateway/gateway-throttle';
import type { ThrottleNotice } from '../local/gateway/websocket-gateway';
import { ChatTestClient, connectAs, HandshakeRefused, login } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const throttled: ThrottleNotice[] = [];
const connects: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  stack.gateway.on('throttled', (notice) => throttled.push(notice));
  stack.gateway.on('invocation', ({ routeKey, connectionId }) => {
    if (routeKey === '$connect') connects.push(connectionId);
  });
});

afterAll(async () => {
  stack.gateway.setThrottle();
  await stack.stop();
});

/** Limits that do not refill within a test: `burst` and then nothing. */
const only = (burst: number) => ({ rateLimit: 1e-6, burstLimit: burst });

describe('throttling', () => {
  it("applies the account's 500 new connections per second by default", () => {
    expect(ACCOUNT_NEW_CONNECTIONS).toEqual({ rateLimit: 500, burstLimit: 500 });
  });

  it('refuses handshakes over the new-connection quota with 429, before $connect runs', async () => {
    const { token } = await login(stack, 'nina');
    const url = `${stack.urls.websocket}?token=${encodeURIComponent(token)}`;
    stack.gateway.setThrottle({ newConnections: only(2) });
    const connectsBefore = connects.length;
    const throttledBefore = throttled.length;

    const first = await ChatTestClient.connect(url);
    const second = await ChatTestClient.connect(url);
    const third = ChatTestClient.connect(url);

    await expect(third).rejects.toEqual(new HandshakeRefused(429));
    expect(connects.length - connectsBefore).toBe(2);
    expect(throttled.slice(throttledBefore)).toEqual([{ kind: 'connect' }]);
    stack.gateway.setThrottle();
    await first.close();
    await second.close();
  });

  it('throttles connects and messages together at the stage, keeping the connection', async () => {
    stack.gateway.setThrottle();
    const client = await connectAs(stack, 'otto');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;
    // Two more requests for the stage: one frame passes, the next is throttled.
    stack.gateway.setThrottle({ stage: only(1) });
    const invocations: string[] = [];
    const record = ({ routeKey }: { routeKey: string }) => invocations.push(routeKey);
    stack.gateway.on('invocation', record);

    const passed = await client.request({ action: 'conversations', id: 'first' });
    client.send({ action: 'conversations', id: 'second' });
    const refused = await client.waitNew((f) => f.message === 'Too Many Requests');
    const handshake = connectAs(stack, 'otto');

    expect(passed.type).toBe('conversations');
    expect(refused).toEqual({
      message: 'Too Many Requests',
      connectionId,
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/),
    });
    await expect(handshake).rejects.toEqual(new HandshakeRefused(429));
    expect(invocations).toEqual(['conversations']);
    expect(client.frames.some((f) => f.id === 'second')).toBe(false);
    expect(client.closed).toBeUndefined();
    stack.gateway.off('invocation', record);
    stack.gateway.setThrottle();
    await client.close();
  });

  it('makes the client core back off between refused handshakes, then connect', async () => {
    const policy = { backoffBaseMs: 50, backoffCapMs: 400 };
    const refusals = 4;
    stack.gateway.setThrottle({ newConnections: only(0) });
    const throttledBefore = throttled.length;
    const states: ConnectionState[] = [];
    const client = new ChatClient({
      url: stack.urls.websocket,
      transport: wsTransport(),
      session: () => devLogin(stack.urls.login, 'pia', 'Pia', 5000),
      storage: new MemoryStorage(),
      policy,
    });
    const online = new Promise<void>((resolve) => {
      client.on('state', (state) => {
        states.push(state);
        const refused = throttled.length - throttledBefore;
        // Lift the limit once the client has been refused enough times.
        if (state.status === 'reconnecting' && refused >= refusals) stack.gateway.setThrottle();
        if (state.status === 'online') resolve();
      });
    });

    await client.start();
    await online;
    client.stop();

    const waits = states.filter(
      (s): s is Extract<ConnectionState, { status: 'reconnecting' }> => s.status === 'reconnecting',
    );
    const refused = throttled.length - throttledBefore;
    // Every refused handshake was followed by a wait, none retried at once...
    expect(refused).toBeGreaterThanOrEqual(refusals);
    expect(waits).toHaveLength(refused);
    // ...drawn from a backoff whose ceiling grows with each failed attempt.
    waits.forEach((wait, i) => {
      expect(wait.attempt).toBe(i + 1);
      expect(wait.delayMs).toBeLessThanOrEqual(
        backoffCeiling(wait.attempt, policy.backoffBaseMs, policy.backoffCapMs),
      );
    });
    // Online in the end (stop() then makes it idle).
    expect(states.at(-2)?.status).toBe('online');
  });
});
