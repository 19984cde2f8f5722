/**
 * The event API Gateway passes a Lambda proxy integration of a WebSocket route. Written out here
 * (rather than taken from @types/aws-lambda, whose message-event type omits the $connect fields)
 * because the local gateway builds exactly this shape.
 */
export interface WebSocketRequestContext {
  routeKey: string;
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  connectionId: string;
  domainName: string;
  stage: string;
  apiId: string;
  connectedAt: number;
  requestTimeEpoch: number;
  requestTime: string;
  requestId: string;
  extendedRequestId: string;
  messageDirection: 'IN';
  messageId?: string | null;
  disconnectStatusCode?: number | null;
  disconnectReason?: string | null;
  identity: { sourceIp: string; userAgent?: string | null };
}

export interface WebSocketEvent {
  requestContext: WebSocketRequestContext;
  /** MESSAGE only: the frame as sent. */
  body?: string;
  isBase64Encoded: boolean;
  /** CONNECT (the client's headers, with the query string) and DISCONNECT (a fixed set). */
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
}

/** What a WebSocket route's Lambda returns; on $connect a non-2xx status refuses the handshake. */
export interface WebSocketResult {
  statusCode: number;
  body?: string;
}
