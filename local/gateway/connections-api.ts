/**
 * The @connections management API at `/{stage}/@connections/{connectionId}`, as the real
 * `@aws-sdk/client-apigatewaymanagementapi` client calls it: POST sends data, GET describes the
 * connection, DELETE closes it. Errors carry `x-amzn-ErrorType`, which the SDK turns into
 * GoneException (410), PayloadTooLargeException (413) or ForbiddenException (403). Fault tests
 * make POSTs fail through the gateway's `setPostFaults` (410, 429 LimitExceededException, 5xx).
 * `latencyMs` models the service's own latency (local stack `connectionsLatencyMs`): every call
 * waits that long after its signature is checked, as a call to AWS does in flight.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from './read-body';
import { type LocalCredentials, verifySignature } from './sigv4-verifier';
import type { PostFault, WebSocketGateway } from './websocket-gateway';

function error(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ message }));
}

/** How API Gateway names each injected failure (x-amzn-ErrorType) and what it says. */
const FAULTS: Record<PostFault['status'], readonly [string, string]> = {
  410: ['GoneException', 'Gone'],
  429: ['LimitExceededException', 'Rate exceeded'],
  500: ['InternalServerErrorException', 'Internal server error'],
  502: ['BadGatewayException', 'Bad gateway'],
  503: ['ServiceUnavailableException', 'Service unavailable'],
  504: ['GatewayTimeoutException', 'Endpoint request timed out'],
};

/** Handles one @connections request for `connectionId`. */
export async function handleConnectionsApi(
  gateway: WebSocketGateway,
  request: IncomingMessage,
  response: ServerResponse,
  connectionId: string,
  maxMessageBytes: number,
  credentials: () => LocalCredentials,
  latencyMs = 0,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(request, maxMessageBytes);
  } catch (cause) {
    if (cause instanceof BodyTooLargeError) {
      return error(response, 413, 'PayloadTooLargeException', 'Message too long');
    }
    throw cause;
  }
  // Real calls are SigV4-signed with IAM credentials and API Gateway verifies the signature; so
  // does this API, with the credentials the local stack gave its handlers.
  const rejection = await verifySignature(request, body, credentials());
  if (rejection) return error(response, 403, rejection.type, rejection.message);
  // The modelled service latency of API Gateway's @connections call (about 20 ms a post on AWS,
  // nothing over loopback): the request waits before the gateway acts on it and answers.
  if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  switch (request.method) {
    case 'POST': {
      const fault = gateway.postFault(connectionId, body);
      if (fault) {
        if (fault.delivered) gateway.post(connectionId, body);
        const [type, message] = FAULTS[fault.status];
        return error(response, fault.status, type, message);
      }
      const outcome = gateway.post(connectionId, body);
      if (outcome === 'gone') return error(response, 410, 'GoneException', 'Gone');
      if (outcome === 'tooLarge') {
        return error(response, 413, 'PayloadTooLargeException', 'Message too long');
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    case 'GET': {
      const info = gateway.describe(connectionId);
      if (!info) return error(response, 410, 'GoneException', 'Gone');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          connectedAt: new Date(info.connectedAt).toISOString(),
          lastActiveAt: new Date(info.lastActiveAt).toISOString(),
          identity: { sourceIp: info.sourceIp, userAgent: info.userAgent ?? '' },
        }),
      );
      return;
    }
    case 'DELETE':
      if (!gateway.disconnect(connectionId)) return error(response, 410, 'GoneException', 'Gone');
      response.writeHead(204).end();
      return;
    default:
      return error(response, 403, 'ForbiddenException', 'Forbidden');
  }
}
