/**
 * Builds the events API Gateway sends to Lambda proxy integrations, field for field: WebSocket
 * CONNECT / MESSAGE / DISCONNECT events and HTTP API payload format 2.0 requests.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type {
  WebSocketEvent,
  WebSocketRequestContext,
} from '../../functions/handlers/websocket-event';

/**
 * An id shaped like API Gateway's connection, request and message ids: 15 characters of the
 * URL-safe base64 alphabet and `=` (e.g. `BFaT_fALIAMCKug=` in a captured event), so a connection
 * id can go into an @connections URL unescaped.
 */
export function gatewayId(): string {
  return `${randomBytes(11).toString('base64url')}=`;
}

/** An X-Ray trace header as API Gateway adds it: `Root=1-<epoch seconds, hex>-<96 random bits>`. */
export function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestTime` in API Gateway's CLF format: `19/Mar/2019:09:39:18 +0000`. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export interface ConnectionFacts {
  readonly connectionId: string;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
}

export interface ApiFacts {
  readonly apiId: string;
  readonly domainName: string;
  readonly stage: string;
}

/** How the client reached the gateway, for the X-Forwarded-Port/Proto headers it adds. */
export interface ListenerFacts {
  readonly port: number;
  readonly proto: 'http' | 'https';
}

/**
 * What API Gateway says in `disconnectReason` when the client's close frame had no status code
 * (then `disconnectStatusCode` is 1005), as in a captured event (test/fixtures/events/aws).
 */
export const NO_STATUS_REASON = 'Client-side close frame status not set';

/** Hop-by-hop handshake headers API Gateway consumes and does not pass on. */
const CONSUMED_HEADERS = new Set(['connection', 'upgrade']);

function requestContext(
  api: ApiFacts,
  connection: ConnectionFacts,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
  extra: Pick<
    WebSocketRequestContext,
    'messageId' | 'disconnectStatusCode' | 'disconnectReason'
  > = {},
): WebSocketRequestContext {
  const now = Date.now();
  const requestId = gatewayId();
  // Fields AWS leaves out are left out (not null): no userAgent when the client sent none, no
  // messageId outside MESSAGE, no disconnect fields outside DISCONNECT.
  return {
    routeKey,
    ...extra,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now,
    identity:
      connection.userAgent === undefined
        ? { sourceIp: connection.sourceIp }
        : { userAgent: connection.userAgent, sourceIp: connection.sourceIp },
    requestId,
    domainName: api.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
  };
}

function singleAndMulti(entries: Iterable<[string, string | string[] | undefined]>) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    multi[key] = [...(multi[key] ?? []), ...values];
    single[key] = multi[key].at(-1) as string;
  }
  return { single, multi };
}

/**
 * The headers API Gateway passes $connect: the client's, with the client's casing (`rawHeaders`,
 * not Node's lower-cased `headers`), without Connection/Upgrade, plus the X-Amzn-Trace-Id and
 * X-Forwarded-For/Port/Proto it adds (a client's own X-Forwarded-For gets the peer appended).
 */
export function connectHeaders(
  rawHeaders: readonly string[],
  sourceIp: string,
  listener: ListenerFacts,
  now: number,
): [string, string][] {
  const added = new Set([
    'x-amzn-trace-id',
    'x-forwarded-for',
    'x-forwarded-port',
    'x-forwarded-proto',
  ]);
  const out: [string, string][] = [];
  const forwardedFor: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const lower = name.toLowerCase();
    if (CONSUMED_HEADERS.has(lower)) continue;
    if (lower === 'x-forwarded-for') forwardedFor.push(value);
    if (added.has(lower)) continue;
    out.push([name, value]);
  }
  out.push(
    ['X-Amzn-Trace-Id', traceId(now)],
    ['X-Forwarded-For', [...forwardedFor, sourceIp].join(', ')],
    ['X-Forwarded-Port', String(listener.port)],
    ['X-Forwarded-Proto', listener.proto],
  );
  return out;
}

/** The $connect event, with the handshake's headers (see connectHeaders) and query string. */
export function connectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  headers: readonly [string, string][],
  query: URLSearchParams,
): WebSocketEvent {
  const head = singleAndMulti(headers);
  const params = singleAndMulti(
    [...new Set(query.keys())].map((key): [string, string[]] => [key, query.getAll(key)]),
  );
  return {
    headers: head.single,
    multiValueHeaders: head.multi,
    ...(query.size > 0
      ? { queryStringParameters: params.single, multiValueQueryStringParameters: params.multi }
      : {}),
    requestContext: requestContext(api, connection, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
}

/** A MESSAGE event for a (text) frame routed to `routeKey`. */
export function messageEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  routeKey: string,
  body: string,
): WebSocketEvent {
  return {
    requestContext: requestContext(api, connection, routeKey, 'MESSAGE', {
      messageId: gatewayId(),
    }),
    body,
    isBase64Encoded: false,
  };
}

/**
 * The $disconnect event, with the close code and reason. API Gateway sends it the same fixed
 * headers whatever the client sent (Host, and empty x-api-key, X-Forwarded-For and x-restapi), as
 * both captured events in test/fixtures/events/aws show.
 */
export function disconnectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  statusCode: number,
  reason: string,
): WebSocketEvent {
  const head = singleAndMulti([
    ['Host', api.domainName],
    ['x-api-key', ''],
    ['X-Forwarded-For', ''],
    ['x-restapi', ''],
  ]);
  return {
    headers: head.single,
    multiValueHeaders: head.multi,
    requestContext: requestContext(api, connection, '$disconnect', 'DISCONNECT', {
      disconnectStatusCode: statusCode,
      disconnectReason: statusCode === 1005 && reason === '' ? NO_STATUS_REASON : reason,
    }),
    isBase64Encoded: false,
  };
}

/** An HTTP API (payload format 2.0) event for a request and its body. */
export function httpApiEvent(
  api: Omit<ApiFacts, 'stage'>,
  request: { method: string; url: URL; headers: IncomingHttpHeaders; sourceIp: string },
  routeKey: string,
  body: Buffer,
  pathParameters: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  const now = Date.now();
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const key of request.url.searchParams.keys()) {
    query[key] = request.url.searchParams.getAll(key).join(',');
  }
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  const requestId = gatewayId();
  return {
    version: '2.0',
    routeKey,
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: api.apiId,
      domainName: api.domainName,
      domainPrefix: api.domainName.split('.')[0] ?? api.domainName,
      http: {
        method: request.method,
        path: request.url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now,
    },
    ...(body.length > 0
      ? { body: isText ? text : body.toString('base64'), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  };
}
