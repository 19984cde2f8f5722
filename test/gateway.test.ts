/**
 * The local gateway behaves as Amazon API Gateway documents: handshake refusals, event shapes,
 * route selection, integration failures, size and time limits, $disconnect exactly once, and the
 * @connections API as the real SDK client sees it.
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketEvent } from '../functions/handlers/websocket-event';
import type { LocalStack } from '../local/local-stack';
import type WebSocket from 'ws';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../protocol/limits';
import connectFixture from './fixtures/events/aws/powertools-connect.json';
import disconnectFixture from './fixtures/events/aws/powertools-disconnect.json';
import messageFixture from './fixtures/events/aws/powertools-message.json';
import { ChatTestClient, connectAs, HandshakeRefused, login } from './support/chat-client';
import { ROUTES_WITH_FIXTURES, resolveWithFixtures } from './support/fixture-routes';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let shortLived: LocalStack;
let management: ApiGatewayManagementApiClient;
const invocations: WebSocketEvent[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    routes: ROUTES_WITH_FIXTURES,
    resolveHandler: resolveWithFixtures,
    onError: () => undefined,
  });
  stack.gateway.on('invocation', ({ event }) => invocations.push(event));
  shortLived = await startTestStack({ idleTimeoutMs: 400, maxConnectionMs: 1500 });
  management = new ApiGatewayManagementApiClient({
    endpoint: stack.urls.connections.replace(/\/@connections$/, ''),
  });
});

afterAll(async () => {
  management.destroy();
  await stack.stop();
  await shortLived.stop();
});

function eventsFor(connectionId: string, routeKey?: string): WebSocketEvent[] {
  return invocations.filter(
    (e) =>
      e.requestContext.connectionId === connectionId &&
      (routeKey === undefined || e.requestContext.routeKey === routeKey),
  );
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Deep key structure of a JSON value (values ignored), to compare event shapes. */
function shape(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => shape(v, prefix ? `${prefix}.${k}` : k));
}

describe('handshake', () => {
  it('refuses a missing or forged token with 401 and an unknown path with 404', async () => {
    const { token } = await login(stack, 'quinn');
    const noToken = ChatTestClient.connect(stack.urls.websocket);
    const forged = ChatTestClient.connect(`${stack.urls.websocket}?token=not.a.jwt`);
    const wrongPath = ChatTestClient.connect(
      `${stack.urls.http.replace('http', 'ws')}/prod?token=${token}`,
    );

    await expect(noToken).rejects.toEqual(new HandshakeRefused(401));
    await expect(forged).rejects.toEqual(new HandshakeRefused(401));
    await expect(wrongPath).rejects.toEqual(new HandshakeRefused(404));
  });

  it('passes $connect the headers and query string, shaped like the documented event', async () => {
    const client = await connectAs(stack, 'rosa');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;
    const [event] = eventsFor(connectionId, '$connect');

    expect(event).toBeDefined();
    expect(shape(event).sort()).toEqual(
      expect.arrayContaining(
        shape(connectFixture).filter(
          (k) => !k.startsWith('headers.') && !k.startsWith('multiValueHeaders.'),
        ),
      ),
    );
    expect(event?.requestContext).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      stage: 'local',
      connectionId,
      identity: { sourceIp: '127.0.0.1' },
    });
    expect(event?.queryStringParameters?.token).toMatch(/^ey/);
    expect(event?.headers?.['Sec-WebSocket-Version']).toBe('13');
    await client.close();
  });
});

describe('frames', () => {
  it('routes by $request.body.action, anything else to $default, and passes the raw body', async () => {
    const client = await connectAs(stack, 'sam');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;
    const frames = [
      '{"action":"conversations","id":"r1"}',
      '{"action":"teleport","id":"r2"}',
      '{"action":5,"id":"r3"}',
      'not json at all',
      '{"action":"$connect","id":"r4"}',
    ];

    for (const frame of frames) client.send(frame);
    await waitFor(
      () => eventsFor(connectionId).filter((e) => e.body !== undefined).length === frames.length,
      'five MESSAGE events',
    );
    const messages = eventsFor(connectionId).filter(
      (e) => e.requestContext.eventType === 'MESSAGE',
    );

    expect(messages.map((e) => [e.requestContext.routeKey, e.body])).toEqual([
      ['conversations', frames[0]],
      ['$default', frames[1]],
      ['$default', frames[2]],
      ['$default', frames[3]],
      ['$default', frames[4]],
    ]);
    const first = messages[0] as WebSocketEvent;
    expect(shape(first).sort()).toEqual(expect.arrayContaining(shape(messageFixture)));
    expect(first.requestContext.messageId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    await client.close();
  });

  it('answers ping itself (MOCK integration) without running a function', async () => {
    const client = await connectAs(stack, 'tess');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;
    const before = eventsFor(connectionId).length;

    client.send({ action: 'ping' });
    const pong = await client.waitNew((f) => f.type === 'pong');

    expect(pong).toEqual({ type: 'pong' });
    expect(eventsFor(connectionId)).toHaveLength(before);
    await client.close();
  });

  it('answers a failing or timed-out function with Internal server error and keeps the connection', async () => {
    const client = await connectAs(stack, 'uma');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;

    client.send({ action: 'explode' });
    const crashed = await client.waitNew((f) => f.message === 'Internal server error');
    client.send({ action: 'sleepy' });
    const timedOut = await client.waitNew((f) => f.message === 'Internal server error');
    const stillOpen = await client.request({ action: 'conversations' });

    expect(crashed).toEqual({
      message: 'Internal server error',
      connectionId,
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/),
    });
    expect(timedOut.connectionId).toBe(connectionId);
    expect(stillOpen.type).toBe('conversations');
    expect(client.closed).toBeUndefined();
    await client.close();
  });

  /** A sendmessage frame of exactly `bytes` bytes (its text too long: the reply is TOO_LARGE). */
  function frameOf(bytes: number, id: string): string {
    const empty = JSON.stringify({
      action: 'sendmessage',
      id,
      conversationId: 'support:x',
      text: '',
    });
    return empty.replace('"text":""', `"text":"${'x'.repeat(bytes - empty.length)}"`);
  }

  /** Sends `message` as text frames of at most `frameBytes` bytes each. */
  function sendFragmented(ws: WebSocket, message: string, frameBytes: number): void {
    const data = Buffer.from(message);
    for (let at = 0; at < data.length; at += frameBytes) {
      ws.send(data.subarray(at, at + frameBytes), {
        binary: false,
        fin: at + frameBytes >= data.length,
      });
    }
  }

  it('accepts a 32 KB frame and a 128 KB message in 32 KB frames; a larger frame closes with 1009', async () => {
    const client = await connectAs(stack, 'vera');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;
    const oneFrame = frameOf(MAX_FRAME_BYTES, 'one-frame');
    const split = frameOf(MAX_MESSAGE_BYTES, 'split');

    const fits = await client.request(JSON.parse(oneFrame));
    const splitReply = client.waitNew((f) => f.id === 'split');
    sendFragmented(client.ws, split, MAX_FRAME_BYTES);
    const fitsSplit = await splitReply;
    client.send(frameOf(MAX_FRAME_BYTES + 1, 'too-big'));
    const closed = await client.waitClosed();
    await waitFor(() => eventsFor(connectionId, '$disconnect').length > 0, '$disconnect');

    expect(Buffer.byteLength(oneFrame)).toBe(MAX_FRAME_BYTES);
    expect(fits).toMatchObject({ type: 'error', code: 'TOO_LARGE' });
    expect(fitsSplit).toMatchObject({ type: 'error', code: 'TOO_LARGE' });
    expect(closed.code).toBe(1009);
    expect(client.frames.some((f) => f.id === 'too-big')).toBe(false);
    expect(eventsFor(connectionId, '$disconnect')[0]?.requestContext.disconnectStatusCode).toBe(
      1009,
    );
  });

  it('closes with 1009 a message over 128 KB, even in 32 KB frames', async () => {
    const client = await connectAs(stack, 'vic');

    sendFragmented(client.ws, frameOf(MAX_MESSAGE_BYTES + 1, 'huge'), MAX_FRAME_BYTES);
    const closed = await client.waitClosed();

    expect(closed.code).toBe(1009);
    expect(client.frames.some((f) => f.id === 'huge')).toBe(false);
  });

  it('delivers the largest valid sendmessage, at worst-case escaping, in one frame', async () => {
    const client = await connectAs(stack, 'vito');
    // JSON.stringify writes U+0001 as \u0001: 6 bytes for each of the 4000 code points.
    const frame = JSON.stringify({
      action: 'sendmessage',
      id: 'worst',
      conversationId: 'support:vito',
      text: '\u0001'.repeat(4000),
    });

    client.send(frame);
    const reply = await client.next((f) => f.id === 'worst');

    expect(Buffer.byteLength(frame)).toBeGreaterThan(24_000);
    expect(reply.type).toMatch(/^(ack|error)$/);
    expect(client.closed).toBeUndefined();
    await client.close();
  });

  it('closes a connection that sends a binary frame with 1003 and runs no route for it', async () => {
    const client = await connectAs(stack, 'wim');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;
    const before = eventsFor(connectionId).length;

    client.ws.send(Buffer.from('{"action":"conversations","id":"bin"}'), { binary: true });
    const closed = await client.waitClosed();
    await waitFor(() => eventsFor(connectionId, '$disconnect').length > 0, '$disconnect');

    expect(closed.code).toBe(1003);
    expect(
      eventsFor(connectionId)
        .slice(before)
        .map((e) => e.requestContext.routeKey),
    ).toEqual(['$disconnect']);
    expect(client.frames.some((f) => f.id === 'bin')).toBe(false);
  });

  it('delivers a server post over 32 KB as one message', async () => {
    const client = await connectAs(stack, 'wes');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;
    const big = JSON.stringify({ type: 'hello', pad: 'y'.repeat(3 * MAX_FRAME_BYTES) });

    await management.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(big) }),
    );
    const got = await client.next((f) => f.type === 'hello');

    expect(JSON.stringify(got)).toBe(big);
    await client.close();
  });
});

describe('limits on time', () => {
  it('closes an idle connection with 1001; server posts do not count as activity', async () => {
    const client = await connectAs(shortLived, 'wren');
    const connectionId = shortLived.gateway.connectionIds().at(-1) as string;
    const poster = new ApiGatewayManagementApiClient({
      endpoint: shortLived.urls.connections.replace(/\/@connections$/, ''),
    });
    const posting = setInterval(() => {
      poster
        .send(
          new PostToConnectionCommand({
            ConnectionId: connectionId,
            Data: new TextEncoder().encode('{"type":"pong"}'),
          }),
        )
        .catch(() => undefined);
    }, 100);

    const closed = await client.waitClosed();
    clearInterval(posting);
    poster.destroy();

    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
  });

  it('closes a busy connection at the maximum duration with 1001', async () => {
    const client = await connectAs(shortLived, 'xena');
    const pinging = setInterval(() => client.send({ action: 'ping' }), 100);

    const closed = await client.waitClosed();
    clearInterval(pinging);

    expect(closed.code).toBe(1001);
    expect(client.frames.filter((f) => f.type === 'pong').length).toBeGreaterThan(3);
  });
});

describe('$disconnect', () => {
  it('runs exactly once however the connection ends, and removes the connection record', async () => {
    const db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint });
    const ends: [string, (c: ChatTestClient, id: string) => Promise<unknown>, number][] = [
      ['client close', (c) => c.close(), 1000],
      [
        '@connections DELETE',
        (_c, id) => management.send(new DeleteConnectionCommand({ ConnectionId: id })),
        1000,
      ],
      ['network loss', async (_c, id) => stack.gateway.drop(id), 1006],
    ];

    for (const [how, end, code] of ends) {
      const client = await connectAs(stack, 'yuri');
      const connectionId = stack.gateway.connectionIds().at(-1) as string;
      await end(client, connectionId);
      await client.waitClosed();
      await waitFor(
        () => eventsFor(connectionId, '$disconnect').length > 0,
        `$disconnect after ${how}`,
      );
      // Whatever else happens on the socket now must not fire it again.
      client.ws.terminate();
      stack.gateway.disconnect(connectionId);
      // The notice comes as $disconnect starts; the record goes when it has run.
      const recordOf = async () =>
        (
          await db.send(
            new GetItemCommand({
              TableName: stack.tables.connections,
              Key: { connectionId: { S: connectionId } },
            }),
          )
        ).Item;
      let record = await recordOf();
      for (let i = 0; record && i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        record = await recordOf();
      }

      expect(eventsFor(connectionId, '$disconnect'), how).toHaveLength(1);
      expect(
        eventsFor(connectionId, '$disconnect')[0]?.requestContext.disconnectStatusCode,
        how,
      ).toBe(code);
      expect(shape(eventsFor(connectionId, '$disconnect')[0]).sort(), how).toEqual(
        expect.arrayContaining(shape(disconnectFixture)),
      );
      expect(record, how).toBeUndefined();
    }
    db.destroy();
  });
});

describe('@connections API', () => {
  it('posts, describes and deletes a connection through the real SDK client', async () => {
    const client = await connectAs(stack, 'zoe');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;

    await management.send(
      new PostToConnectionCommand({
        ConnectionId: connectionId,
        Data: new TextEncoder().encode('{"type":"hello"}'),
      }),
    );
    const posted = await client.next((f) => f.type === 'hello');
    const info = await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    const closed = await client.waitClosed();

    expect(posted).toEqual({ type: 'hello' });
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    expect(closed.code).toBe(1000);
  });

  it('answers 410 Gone for an unknown connection on POST, GET and DELETE', async () => {
    const unknown = 'AAAAAAAAAAAAAAA=';
    const calls = [
      management.send(
        new PostToConnectionCommand({ ConnectionId: unknown, Data: new Uint8Array([123, 125]) }),
      ),
      management.send(new GetConnectionCommand({ ConnectionId: unknown })),
      management.send(new DeleteConnectionCommand({ ConnectionId: unknown })),
    ];

    const results = await Promise.allSettled(calls);

    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as Error & {
        $metadata: { httpStatusCode: number };
      };
      expect(error.name).toBe('GoneException');
      expect(error.$metadata.httpStatusCode).toBe(410);
    }
  });

  it('refuses an unsigned request with 403 and a post over 128 KB with 413', async () => {
    const client = await connectAs(stack, 'zack');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;

    const unsigned = await fetch(`${stack.urls.connections}/${encodeURIComponent(connectionId)}`, {
      method: 'POST',
      body: '{}',
    });
    const tooLarge = management.send(
      new PostToConnectionCommand({
        ConnectionId: connectionId,
        Data: new Uint8Array(128 * 1024 + 1),
      }),
    );

    expect(unsigned.status).toBe(403);
    await expect(tooLarge).rejects.toMatchObject({ name: 'PayloadTooLargeException' });
    await client.close();
  });
});
