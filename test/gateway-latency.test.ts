/**
 * The gateway emulator's modelled @connections latency (CONNECTIONS_LATENCY_MS, the local stack's
 * `connectionsLatencyMs` / `setConnectionsLatency`): every call waits at least that long before
 * the gateway acts on it. Only a lower bound is asserted (a timer never fires early), so the test
 * cannot flake on a slow machine.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { connectAs } from './support/chat-client';
import { startTestStack } from './support/test-stack';

const LATENCY_MS = 300;

let stack: LocalStack;
let management: ApiGatewayManagementApiClient;

beforeAll(async () => {
  stack = await startTestStack({ console: false, streams: false });
  management = new ApiGatewayManagementApiClient({
    endpoint: stack.urls.connections.replace(/\/@connections$/, ''),
    maxAttempts: 1,
  });
});

afterAll(async () => {
  management.destroy();
  await stack.stop();
});

describe('@connections latency', () => {
  it('holds every post at least the modelled latency, then delivers it', async () => {
    // Prepare
    const before = new Set(stack.gateway.connectionIds());
    const client = await connectAs(stack, 'latency-a');
    const connectionId = stack.gateway.connectionIds().find((id) => !before.has(id)) as string;
    stack.setConnectionsLatency(LATENCY_MS);
    try {
      // Act
      const started = performance.now();
      await management.send(
        new PostToConnectionCommand({
          ConnectionId: connectionId,
          Data: new TextEncoder().encode('{"type":"pong","n":1}'),
        }),
      );
      const elapsed = performance.now() - started;
      // Assess: the answer came no sooner than the latency (1 ms of timer rounding allowed), and
      // the frame arrived.
      expect(elapsed).toBeGreaterThanOrEqual(LATENCY_MS - 1);
      await expect(client.next((f) => f.n === 1)).resolves.toMatchObject({ type: 'pong' });
    } finally {
      stack.setConnectionsLatency(0);
      await client.close();
    }
  });

  it('refuses a negative latency', () => {
    expect(() => stack.setConnectionsLatency(-1)).toThrow(/0 or more/);
  });
});
