/**
 * Lambda's Invoke API for the worker functions of functions/workers.ts, as the real
 * `@aws-sdk/client-lambda` client calls it: `POST /2015-03-31/functions/{name}/invocations`,
 * SigV4-signed (checked with the credentials the local stack gave its handlers). An `Event`
 * invocation answers 202 at once and runs the handler afterwards, as Lambda's asynchronous
 * invocation does; `RequestResponse` (the default) runs it and answers 200 with its result, an
 * error as `X-Amz-Function-Error: Unhandled`; `DryRun` answers 204. Tests count the invocations
 * and make the API refuse (429 TooManyRequestsException, 500 ServiceException) to show the
 * sender posts a refused slice itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WORKERS, type WorkerFunction, type WorkerId } from '../functions/workers';
import { BodyTooLargeError, readBody } from './gateway/read-body';
import type { FunctionRuntime } from './gateway/lambda-runtime';
import { type LocalCredentials, verifySignature } from './gateway/sigv4-verifier';

/** The path of the Invoke API; the function name (or ARN) is the first group. */
export const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** Lambda's limits on the payload: 256 KB for `Event`, 6 MB for `RequestResponse`. */
const EVENT_PAYLOAD_BYTES = 256 * 1024;
const SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The name each worker has locally (what the local stack sets in its `nameVariable`). */
export function localFunctionName(worker: WorkerFunction): string {
  return `campus-chat-${worker.handler}`;
}

/** How a refusal is answered, as Lambda names it (x-amzn-ErrorType). */
const REFUSALS = {
  429: ['TooManyRequestsException', 'Rate Exceeded.'],
  500: ['ServiceException', 'Lambda encountered an internal error.'],
} as const;
export type InvokeRefusal = keyof typeof REFUSALS;

function error(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ Type: status < 500 ? 'User' : 'Service', message }));
}

export class LocalLambdaInvoke {
  private readonly counts = new Map<WorkerId, number>();
  private readonly running = new Set<Promise<void>>();
  private refusal: InvokeRefusal | undefined;

  constructor(
    private readonly runtime: FunctionRuntime,
    private readonly credentials: () => LocalCredentials,
    private readonly onError: (message: string, error: unknown) => void,
    private readonly latencyMs: () => number = () => 0,
    private readonly workers: readonly WorkerFunction[] = WORKERS,
  ) {}

  /** Invocations of `id` accepted so far (refused ones are not counted). */
  invocations(id: WorkerId): number {
    return this.counts.get(id) ?? 0;
  }

  /** Refuses every invocation from now on with `status` (undefined: accepts them again). */
  refuse(status: InvokeRefusal | undefined): void {
    this.refusal = status;
  }

  /** Resolves once every asynchronous invocation started so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Handles one Invoke request for the function named (or ARN'd) `name`. */
  async handle(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    let body: Buffer;
    try {
      body = await readBody(request, type === 'Event' ? EVENT_PAYLOAD_BYTES : SYNC_PAYLOAD_BYTES);
    } catch (cause) {
      if (cause instanceof BodyTooLargeError) {
        return error(response, 413, 'RequestTooLargeException', 'Request must be smaller');
      }
      throw cause;
    }
    const rejection = await verifySignature(request, body, this.credentials());
    if (rejection) return error(response, 403, rejection.type, rejection.message);
    // The modelled round trip to a regional AWS API, as for @connections.
    const latency = this.latencyMs();
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const fn = this.workers.find((w) => localFunctionName(w) === name.split(':').at(-1));
    if (!fn)
      return error(response, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    if (this.refusal) {
      const [errorType, message] = REFUSALS[this.refusal];
      return error(response, this.refusal, errorType, message);
    }
    let event: unknown;
    try {
      event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      return error(response, 400, 'InvalidRequestContentException', 'Could not parse payload');
    }
    if (type === 'DryRun') {
      response.writeHead(204).end();
      return;
    }
    if (type !== 'Event' && type !== 'RequestResponse') {
      return error(response, 400, 'InvalidParameterValueException', 'Invalid invocation type');
    }
    this.counts.set(fn.id, this.invocations(fn.id) + 1);
    if (type === 'Event') {
      response.writeHead(202, { 'content-length': '0' }).end();
      const run = this.runtime.invoke(fn, event).then(
        () => undefined,
        (cause: unknown) => this.onError(`${fn.id} (asynchronous invocation) failed`, cause),
      );
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
      return;
    }
    try {
      const result = await this.runtime.invoke(fn, event);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result ?? null));
    } catch (cause) {
      const failure = cause instanceof Error ? cause : new Error(String(cause));
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-amz-function-error': 'Unhandled',
      });
      response.end(JSON.stringify({ errorType: failure.name, errorMessage: failure.message }));
    }
  }
}
