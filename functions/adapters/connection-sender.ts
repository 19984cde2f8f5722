/**
 * FrameSender over API Gateway's @connections API, through the real
 * `@aws-sdk/client-apigatewaymanagementapi` client. One client per endpoint, kept for the life of
 * the process. A 410 Gone becomes ConnectionGoneError; it is recognized by the error's `name` or
 * its HTTP status in `$metadata` (not `statusCode`, which SDK v3 errors do not have).
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ConnectionGoneError } from '../domain/errors';
import type { FrameSender } from '../domain/ports';

const clients = new Map<string, ApiGatewayManagementApiClient>();
const encoder = new TextEncoder();

function clientFor(endpoint: string, region: string): ApiGatewayManagementApiClient {
  let client = clients.get(endpoint);
  if (!client) {
    client = new ApiGatewayManagementApiClient({ endpoint, region, maxAttempts: 3 });
    clients.set(endpoint, client);
  }
  return client;
}

/** Whether an SDK error is the gateway saying the connection no longer exists. */
export function isGone(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'GoneException' || status === 410;
}

/**
 * The @connections endpoint for an event: the configured template with `{apiId}`, `{domainName}`
 * and `{stage}` filled in from the event, or `https://{domainName}/{stage}` (right for the
 * execute-api host). Behind a custom domain the event's domainName is the custom host, which does
 * not serve @connections; the stack then configures
 * `https://{apiId}.execute-api.<region>.<suffix>/{stage}`.
 */
export function connectionsEndpoint(
  template: string | undefined,
  request: { apiId: string; domainName: string; stage: string },
): string {
  return (template ?? 'https://{domainName}/{stage}')
    .replaceAll('{apiId}', request.apiId)
    .replaceAll('{domainName}', request.domainName)
    .replaceAll('{stage}', request.stage);
}

/** A sender that posts through the @connections API at `endpoint`. */
export function createConnectionSender(endpoint: string, region: string): FrameSender {
  const client = clientFor(endpoint, region);
  return {
    async send(connectionId, data) {
      try {
        await client.send(
          new PostToConnectionCommand({ ConnectionId: connectionId, Data: encoder.encode(data) }),
        );
      } catch (error) {
        if (isGone(error)) throw new ConnectionGoneError(connectionId);
        throw error;
      }
    },
    async disconnect(connectionId) {
      try {
        await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    },
  };
}
