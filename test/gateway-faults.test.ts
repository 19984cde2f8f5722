/**
 * The gateway emulator's fault controls, which the chaos suite relies on: @connections POSTs that
 * fail as API Gateway's can (410 for a vanished connection, 429 LimitExceededException, 5xx, and a
 * 5xx for a frame that was delivered), and a gateway killed with clients attached, then restarted
 * on the same port and tables.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { ChatTestClient, connectAs, type Frame, login } from './support/chat-client';
import { connectionRecord, startTestStack } from './support/test-stack';

let stack: LocalStack;
let management: ApiGatewayManagementApiClient;
let db: DynamoDBClient;
const routeKeys: { routeKey: string; connectionId: string }[] = [];

beforeAll(async () => {
  stack = await startTestStack({ console: false });
  stack.gateway.on('invocation', ({ routeKey, connectionId }) =>
    routeKeys.push({ routeKey, connectionId }),
  );
  management = new ApiGatewayManagementApiClient({
    endpoint: stack.urls.connections.replace(/\/@connections$/, ''),
    // One attempt: the test sees each injected answer itself, not the SDK's retries of it.
    maxAttempts: 1,
  });
  db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint });
});

afterAll(async () => {
  management.destroy();
  db.destroy();
  await stack.stop();
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Connects `name` and returns the client with its connection id (the one opened just now). */
async function connected(name: string): Promise<{ client: ChatTestClient; connectionId: string }> {
  const before = new Set(stack.gateway.connectionIds());
  const client = await connectAs(stack, name);
  const connectionId = stack.gateway.connectionIds().find((id) => !before.has(id)) as string;
  return { client, connectionId };
}

function post(connectionId: string, text: string) {
  return management.send(
    new PostToConnectionCommand({
      ConnectionId: connectionId,
      Data: new TextEncoder().encode(text),
    }),
  );
}

describe('@connections POST faults', () => {
  it('answers 429 LimitExceededException and 5xx without delivering the frame', async () => {
    // Prepare
    const { client, connectionId } = await connected('fault-a');
    const statuses = [429, 503] as const;
    let next = 0;
    stack.gateway.setPostFaults(() => ({ status: statuses[next++] ?? 503 }));
    try {
      // Act
      const throttled = post(connectionId, '{"type":"pong","n":1}');
      await expect(throttled).rejects.toMatchObject({
        name: 'LimitExceededException',
        $metadata: { httpStatusCode: 429 },
      });
      await expect(post(connectionId, '{"type":"pong","n":2}')).rejects.toMatchObject({
        $metadata: { httpStatusCode: 503 },
      });
      stack.gateway.setPostFaults(undefined);
      await post(connectionId, '{"type":"pong","n":3}');
      // Assess: only the frame posted after the faults arrived, and the connection is open.
      await client.next((f) => f.n === 3);
      expect(client.frames.filter((f) => f.type === 'pong').map((f) => f.n)).toEqual([3]);
      expect(client.closed).toBeUndefined();
    } finally {
      stack.gateway.setPostFaults(undefined);
      await client.close();
    }
  });

  it('delivers a frame whose answer is lost when the fault says so', async () => {
    // Prepare
    const { client, connectionId } = await connected('fault-b');
    stack.gateway.setPostFaults(() => ({ status: 500, delivered: true }));
    try {
      // Act
      const lost = post(connectionId, '{"type":"pong","n":7}');
      // Assess: the caller sees a failure, the client has the frame.
      await expect(lost).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
      await expect(client.next((f: Frame) => f.n === 7)).resolves.toMatchObject({ n: 7 });
    } finally {
      stack.gateway.setPostFaults(undefined);
      await client.close();
    }
  });

  it('cuts a connection it reports gone (410), which then runs $disconnect once', async () => {
    // Prepare
    const { client, connectionId } = await connected('fault-c');
    stack.gateway.setPostFaults((id) => (id === connectionId ? { status: 410 } : undefined));
    try {
      // Act
      const gone = post(connectionId, '{"type":"pong"}');
      // Assess
      await expect(gone).rejects.toMatchObject({ name: 'GoneException' });
      expect((await client.waitClosed()).code).toBe(1006);
      await waitFor(
        () =>
          routeKeys.some((r) => r.connectionId === connectionId && r.routeKey === '$disconnect'),
        '$disconnect',
      );
      expect(stack.gateway.connectionIds()).not.toContain(connectionId);
    } finally {
      stack.gateway.setPostFaults(undefined);
    }
  });
});

describe('a client that leaves during $connect', () => {
  it('gets its $disconnect even when it only half-closed the socket', async () => {
    // Prepare: a handshake whose client sends its request and closes its side at once (FIN), while
    // $connect runs; the record $connect writes must not outlive it.
    const { token } = await login(stack, 'half-close');
    const { port } = new URL(stack.urls.websocket);
    const connects = routeKeys.filter((r) => r.routeKey === '$connect').length;
    // Act
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) }, () => {
      socket.end(
        `GET /local?token=${encodeURIComponent(token)} HTTP/1.1\r\n` +
          `Host: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    socket.on('error', () => undefined);
    socket.resume();
    await waitFor(
      () => routeKeys.filter((r) => r.routeKey === '$connect').length > connects,
      '$connect',
    );
    const connectionId = routeKeys.filter((r) => r.routeKey === '$connect').at(-1)
      ?.connectionId as string;
    // Assess
    await waitFor(
      () => routeKeys.some((r) => r.connectionId === connectionId && r.routeKey === '$disconnect'),
      '$disconnect of the connection that left',
    );
    let record = await connectionRecord(db, stack, connectionId);
    const deadline = Date.now() + 5000;
    while (record && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      record = await connectionRecord(db, stack, connectionId);
    }
    expect(record).toBeUndefined();
    expect(stack.gateway.connectionIds()).not.toContain(connectionId);
  });
});

describe('a killed gateway', () => {
  it('cuts its clients without $disconnect, and a restarted one on the same port serves them', async () => {
    // Prepare
    const { client, connectionId } = await connected('kill-a');
    const { token } = await login(stack, 'kill-a');
    const port = stack.port;
    let restarted: LocalStack | undefined;
    try {
      // Act
      const cut = await stack.kill();
      const closed = await client.waitClosed();
      const refused = ChatTestClient.connect(
        `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
      );
      await expect(refused).rejects.toThrow();
      restarted = await startTestStack({
        console: false,
        port,
        tablePrefix: process.env.TABLE_PREFIX,
      });
      const again = await connectAs(restarted, 'kill-a');
      const ack = await again.request({
        action: 'sendmessage',
        conversationId: 'support:kill-a',
        text: 'after the restart',
      });
      await again.close();

      // Assess: cut with 1006, no $disconnect ran, the record waits for its TTL; the new gateway
      // on the same port and tables works.
      expect(cut).toEqual([connectionId]);
      expect(closed.code).toBe(1006);
      expect(
        routeKeys.filter((r) => r.connectionId === connectionId).map((r) => r.routeKey),
      ).toEqual(['$connect']);
      const record = await connectionRecord(db, stack, connectionId);
      expect(record?.userId?.S).toBe('kill-a');
      expect(Number(record?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
      expect(restarted.urls.websocket).toBe(stack.urls.websocket);
      expect(ack).toMatchObject({ type: 'ack', message: { seq: 1, text: 'after the restart' } });
    } finally {
      await restarted?.stop();
    }
  });
});
