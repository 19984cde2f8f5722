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

/** An id shaped like API Gateway's (16 base64 characters, e.g. `L0SM9cOFvHcCIhw=`). */
export function gatewayId(): string {
  return randomBytes(11).toString('base64');
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

function requestContext(
  api: ApiFacts,
  connection: ConnectionFacts,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
): WebSocketRequestContext {
  const now = Date.now();
  const requestId = gatewayId();
  return {
    routeKey,
    eventType,
    connectionId: connection.connectionId,
    domainName: api.domainName,
    stage: api.stage,
    apiId: api.apiId,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now,
    requestTime: clfTime(now),
    requestId,
    extendedRequestId: requestId,
    messageDirection: 'IN',
    messageId: null,
    disconnectStatusCode: null,
    disconnectReason: null,
    identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent ?? null },
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

/** The $connect event, with the handshake's headers and query string. */
export function connectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): WebSocketEvent {
  const head = singleAndMulti(Object.entries(headers));
  const params = singleAndMulti(
    [...new Set(query.keys())].map((key): [string, string[]] => [key, query.getAll(key)]),
  );
  return {
    requestContext: requestContext(api, connection, '$connect', 'CONNECT'),
    isBase64Encoded: false,
    headers: head.single,
    multiValueHeaders: head.multi,
    ...(query.size > 0
      ? { queryStringParameters: params.single, multiValueQueryStringParameters: params.multi }
      : {}),
  };
}

/** A MESSAGE event for a frame routed to `routeKey`. */
export function messageEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  routeKey: string,
  body: string,
  isBase64Encoded: boolean,
): WebSocketEvent {
  return {
    requestContext: {
      ...requestContext(api, connection, routeKey, 'MESSAGE'),
      messageId: gatewayId(),
    },
    body,
    isBase64Encoded,
  };
}

/** The $disconnect event, with the close code and reason. */
export function disconnectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  statusCode: number,
  reason: string,
): WebSocketEvent {
  return {
    requestContext: {
      ...requestContext(api, connection, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    },
    isBase64Encoded: false,
  };
}

/** An HTTP API (payload format 2.0) event for a request and its body. */
export function httpApiEvent(
  api: Omit<ApiFacts, 'stage'>,
  request: { method: string; url: URL; headers: IncomingHttpHeaders; sourceIp: string },
  routeKey: string,
  body: Buffer,
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
