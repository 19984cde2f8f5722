/**
 * FanOutWorkers over Lambda's asynchronous invocation (`InvocationType: 'Event'`), through the real
 * `@aws-sdk/client-lambda` client: Lambda queues the slice and answers 202 at once, and the fan-out
 * worker (functions/workers.ts FAN_OUT_WORKER) posts it. Locally LAMBDA_ENDPOINT points the client
 * at the local stack's Invoke API (local/lambda-invoke.ts). Any refusal (throttling, a service
 * error, a timeout, an answer other than 202) becomes FanOutRefusedError after the SDK's own
 * retries, and deliver posts that slice itself.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { FanOutSlice, FanOutWorkers } from '../domain/fan-out-split';

/** A slice Lambda did not queue; `reason` names the SDK error or the status it answered. */
export class FanOutRefusedError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`fan-out worker invocation refused: ${reason}`, options);
    this.name = 'FanOutRefusedError';
  }
}

export interface LambdaFanOutOptions {
  /** The worker's function name or ARN (FAN_OUT_WORKER_FUNCTION). */
  readonly functionName: string;
  readonly region: string;
  /** Unset on AWS; the local Invoke API locally. */
  readonly endpoint?: string | undefined;
  readonly threshold: number;
  readonly sliceSize: number;
  /** A client to use instead of building one (tests). */
  readonly client?: LambdaClient;
}

/**
 * A dispatch waits for Lambda's answer while the sender's own slice is being posted; a hung call
 * must not hold the sender until its timeout, so it is given up (and the slice posted inline).
 */
const REQUEST_TIMEOUT_MS = 2000;
const CONNECTION_TIMEOUT_MS = 1000;

/** A Lambda client for dispatching slices: keep-alive sockets, bounded waits, two tries. */
export function createFanOutClient(region: string, endpoint?: string): LambdaClient {
  return new LambdaClient({
    region,
    ...(endpoint ? { endpoint } : {}),
    // One retry: a second refusal is better answered by posting inline than by waiting longer.
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true }),
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
    }),
  });
}

const encoder = new TextEncoder();

/** Fan-out workers that are Lambda `Event` invocations of `functionName`. */
export function createLambdaFanOut(options: LambdaFanOutOptions): FanOutWorkers {
  const client = options.client ?? createFanOutClient(options.region, options.endpoint);
  return {
    threshold: options.threshold,
    sliceSize: options.sliceSize,
    async dispatch(slice: FanOutSlice) {
      let status: number | undefined;
      try {
        const answer = await client.send(
          new InvokeCommand({
            FunctionName: options.functionName,
            InvocationType: 'Event',
            Payload: encoder.encode(JSON.stringify(slice)),
          }),
        );
        status = answer.StatusCode;
      } catch (error) {
        throw new FanOutRefusedError(refusalOf(error), { cause: error });
      }
      // An Event invocation Lambda queued answers 202; anything else did not queue the slice.
      if (status !== 202) throw new FanOutRefusedError(`status ${status ?? 'none'}`);
    },
  };
}

/** The SDK error's name and HTTP status, for the log (never the payload). */
function refusalOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined ? error.name : `${error.name} (${status})`;
}
