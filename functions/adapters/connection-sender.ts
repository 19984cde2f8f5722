/**
 * FrameSender over API Gateway's @connections API, through the real
 * `@aws-sdk/client-apigatewaymanagementapi` client. One client per endpoint, kept for the life of
 * the process. A 410 Gone becomes ConnectionGoneError; it is recognized by the error's `name` or
 * its HTTP status in `$metadata` (not `statusCode`, which SDK v3 errors do not have).
 *
 * The client is tuned for fan-out (issue 18; docs/benchmarks.md "Fan-out cost" measures each
 * change): its keep-alive socket pool holds the fan-out's concurrency (the SDK's default pool of
 * 50 queued every post past the 50th of a wider fan-out), the per-request middleware the
 * @connections call does not need is taken off the stack (see TRIMMED_MIDDLEWARE), the resolved
 * middleware chain is kept per command class (the SDK's `cacheMiddleware` option) and the SigV4
 * signer is built once per client rather than per request (see reuseSigner). Signing itself is the
 * SDK's own (`@smithy/signature-v4`), unchanged.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConnectionGoneError } from '../domain/errors';
import type { FrameSender } from '../domain/ports';

const clients = new Map<string, ApiGatewayManagementApiClient>();
const encoder = new TextEncoder();

/**
 * Sockets beyond the fan-out's own posts: the caller's reply (an ack) runs beside the fan-out, and
 * a second fan-out of the same invocation (desk.ts announces to staff and student at once).
 */
export const SOCKET_HEADROOM = 10;

/**
 * Middleware taken off the @connections client, by name: none of it changes what API Gateway
 * receives that it uses. The user agent (built per request from the SDK's feature flags) is not
 * read by @connections; recursion detection adds Lambda's X-Amzn-Trace-Id, which matters for
 * loops through SQS/SNS/S3, not for a post to a connection. Signing, retries, serialization and
 * host/content-length stay.
 */
export const TRIMMED_MIDDLEWARE = ['getUserAgentMiddleware', 'recursionDetectionMiddleware'];

/**
 * Options of the @connections client. Every tuning step is on by default; the bench turns them on
 * one at a time to measure each (bench/fan-out/sdk-post-cost.ts).
 */
export interface SenderClientOptions {
  /** Posts in flight at once per fan-out (ChatConfig.fanOutConcurrency). */
  readonly concurrency: number;
  /** Size the socket pool to the concurrency (false: the SDK's default handler). */
  readonly sizedPool?: boolean;
  /** Remove TRIMMED_MIDDLEWARE (false: the SDK's full stack). */
  readonly trimMiddleware?: boolean;
  /** The SDK's `cacheMiddleware`: resolve the middleware chain once per command class. */
  readonly cacheMiddleware?: boolean;
  /** Build the SigV4 signer once (see reuseSigner). */
  readonly reuseSigner?: boolean;
}

type SignerFactory = (authScheme?: { signingName?: string; signingRegion?: string }) => unknown;

/**
 * The SDK's default `signer` builds a new SignatureV4 for every request, copying the whole client
 * configuration into it and losing the signer's cache of derived signing keys (four HMACs a
 * request). This keeps the SDK's own factory and what it builds, once per signing scope. The
 * signer still asks the client's credential provider on every request, so rotated credentials
 * (the provider's expiry) are picked up as before.
 */
export function reuseSigner(client: ApiGatewayManagementApiClient): void {
  const config = client.config as unknown as { signer: SignerFactory };
  const build = config.signer;
  const built = new Map<string, unknown>();
  config.signer = (authScheme) => {
    const scope = `${authScheme?.signingName ?? ''}/${authScheme?.signingRegion ?? ''}`;
    let signer = built.get(scope);
    if (!signer) {
      signer = build(authScheme);
      // A failed build (no credentials yet) is not kept.
      Promise.resolve(signer).catch(() => built.delete(scope));
      built.set(scope, signer);
    }
    return signer;
  };
}

/** A @connections client for `endpoint`, tuned as the options say (default: fully tuned). */
export function createConnectionsClient(
  endpoint: string,
  region: string,
  options: SenderClientOptions,
): ApiGatewayManagementApiClient {
  const maxSockets = options.concurrency + SOCKET_HEADROOM;
  const client = new ApiGatewayManagementApiClient({
    endpoint,
    region,
    maxAttempts: 3,
    cacheMiddleware: options.cacheMiddleware !== false,
    ...(options.sizedPool === false
      ? {}
      : {
          requestHandler: new NodeHttpHandler({
            httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
            httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
          }),
        }),
  });
  if (options.trimMiddleware !== false) {
    for (const name of TRIMMED_MIDDLEWARE) client.middlewareStack.remove(name);
  }
  if (options.reuseSigner !== false) reuseSigner(client);
  return client;
}

function clientFor(
  endpoint: string,
  region: string,
  concurrency: number,
): ApiGatewayManagementApiClient {
  let client = clients.get(endpoint);
  if (!client) {
    client = createConnectionsClient(endpoint, region, { concurrency });
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

/**
 * A sender that posts through the @connections API at `endpoint`, its client's socket pool sized
 * for `concurrency` posts in flight (ChatConfig.fanOutConcurrency).
 */
export function createConnectionSender(
  endpoint: string,
  region: string,
  concurrency = 50,
): FrameSender {
  const client = clientFor(endpoint, region, concurrency);
  return senderOver(client);
}

/** A FrameSender over an existing @connections client. */
export function senderOver(client: ApiGatewayManagementApiClient): FrameSender {
  // A fan-out posts the same data to every recipient: encoded once, not once per post.
  let lastData: string | undefined;
  let lastBytes = new Uint8Array();
  const bytesOf = (data: string): Uint8Array => {
    if (data !== lastData) {
      lastBytes = encoder.encode(data);
      lastData = data;
    }
    return lastBytes;
  };
  return {
    async send(connectionId, data) {
      try {
        await client.send(
          new PostToConnectionCommand({ ConnectionId: connectionId, Data: bytesOf(data) }),
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
