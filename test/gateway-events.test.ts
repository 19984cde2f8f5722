/**
 * The local gateway's Lambda events, compared key by key with events API Gateway sent on AWS
 * (test/fixtures/events/aws, with their sources): same keys at every depth (header names with
 * their casing included), same value types, ids and headers of the same form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketEvent } from '../functions/handlers/websocket-event';
import type { LocalStack } from '../local/local-stack';
import goDisconnect from './fixtures/events/aws/lambda-go-disconnect.json';
import goMessage from './fixtures/events/aws/lambda-go-send-message.json';
import awsConnect from './fixtures/events/aws/powertools-connect.json';
import awsDisconnect from './fixtures/events/aws/powertools-disconnect.json';
import awsMessage from './fixtures/events/aws/powertools-message.json';
import { login } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const invocations: WebSocketEvent[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  stack.gateway.on('invocation', ({ event }) => invocations.push(event));
});

afterAll(async () => {
  await stack.stop();
});

/** Every key path of a JSON value with the type of its leaf (`headers.Host: string`). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    return [`${prefix}: ${type}`];
  }
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

const withoutQuery = (paths: string[]) =>
  paths.filter((p) => !/^(multiValueQueryStringParameters|queryStringParameters)\./.test(p));

/** The forms AWS's values take, checked on the captured events as well as on ours. */
const ID = /^[A-Za-z0-9_-]{15}=$/;
const TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const CLF = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

function expectAwsForms(event: WebSocketEvent): void {
  const c = event.requestContext;
  for (const id of [c.connectionId, c.requestId, c.extendedRequestId]) expect(id).toMatch(ID);
  if (c.eventType === 'MESSAGE') expect(c.messageId).toMatch(ID);
  expect(c.requestTime).toMatch(CLF);
  if (c.eventType === 'CONNECT') expect(event.headers?.['X-Amzn-Trace-Id']).toMatch(TRACE);
}

async function eventOf(connectionId: string, routeKey: string): Promise<WebSocketEvent> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const event = invocations.find(
      (e) =>
        e.requestContext.connectionId === connectionId && e.requestContext.routeKey === routeKey,
    );
    if (event) return event;
    if (Date.now() > deadline) throw new Error(`no ${routeKey} event for ${connectionId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Connects a plain `ws` client (it offers permessage-deflate, as the captured client did). */
async function open(name: string, headers: Record<string, string> = {}) {
  const { token } = await login(stack, name);
  const before = new Set(stack.gateway.connectionIds());
  const ws = new WebSocket(`${stack.urls.websocket}?token=${encodeURIComponent(token)}`, {
    headers,
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const connectionId = stack.gateway.connectionIds().find((id) => !before.has(id)) as string;
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return { ws, connectionId, closed };
}

describe('events compared with captured AWS events', () => {
  it('the captured events have the forms this suite checks', () => {
    for (const fixture of [awsConnect, awsMessage, awsDisconnect, goMessage, goDisconnect]) {
      expectAwsForms(fixture as WebSocketEvent);
    }
  });

  it('CONNECT, MESSAGE and a DISCONNECT without a status code match the captured ones', async () => {
    const { ws, connectionId, closed } = await open('ivy');
    ws.send(JSON.stringify({ action: 'nosuchaction', id: 'e1' }));
    const message = await eventOf(connectionId, '$default');
    // A close frame with no status code: AWS reports 1005 and its own reason text.
    ws.close();
    await closed;
    const connect = await eventOf(connectionId, '$connect');
    const disconnect = await eventOf(connectionId, '$disconnect');

    expect(withoutQuery(keyPaths(connect)).sort()).toEqual(keyPaths(awsConnect).sort());
    expect(keyPaths(message).sort()).toEqual(keyPaths({ ...awsMessage, body: '' }).sort());
    expect(keyPaths(disconnect).sort()).toEqual(keyPaths(awsDisconnect).sort());
    for (const event of [connect, message, disconnect]) expectAwsForms(event);
    expect(connect.headers).toMatchObject({
      'X-Forwarded-For': connect.requestContext.identity.sourceIp,
      'X-Forwarded-Port': String(stack.port),
      'X-Forwarded-Proto': 'http',
    });
    expect(connect.queryStringParameters?.token).toMatch(/^ey/);
    expect(disconnect.requestContext).toMatchObject({
      disconnectStatusCode: awsDisconnect.requestContext.disconnectStatusCode,
      disconnectReason: awsDisconnect.requestContext.disconnectReason,
    });
    expect(disconnect.headers).toEqual({
      ...awsDisconnect.headers,
      Host: connect.requestContext.domainName,
    });
  });

  it('with a User-Agent and a 1001 close, MESSAGE and DISCONNECT match the other captured pair', async () => {
    const userAgent = goMessage.requestContext.identity.userAgent;
    const { ws, connectionId, closed } = await open('ike', { 'User-Agent': userAgent });
    ws.send(JSON.stringify({ action: 'nosuchaction', id: 'e2' }));
    const message = await eventOf(connectionId, '$default');
    ws.close(1001);
    await closed;
    const connect = await eventOf(connectionId, '$connect');
    const disconnect = await eventOf(connectionId, '$disconnect');

    expect(keyPaths(message).sort()).toEqual(keyPaths(goMessage).sort());
    expect(keyPaths(disconnect).sort()).toEqual(keyPaths(goDisconnect).sort());
    expect(message.requestContext.identity.userAgent).toBe(userAgent);
    expect(connect.headers?.['User-Agent']).toBe(userAgent);
    expect(disconnect.requestContext).toMatchObject({
      disconnectStatusCode: 1001,
      disconnectReason: goDisconnect.requestContext.disconnectReason,
    });
  });
});
