/**
 * An HTTP proxy in front of DynamoDB (Local) that sees every request the handlers make, without
 * touching the handlers: point `dynamodbEndpoint` (DYNAMODB_ENDPOINT) at it instead of DynamoDB.
 *
 * - It records each call: operation (from `X-Amz-Target`), tables, start and end time, status and
 *   error type, so a benchmark can count requests and derive sequential round trips per send.
 * - It sets `ReturnConsumedCapacity: "TOTAL"` on every operation that accepts it (unless the
 *   caller already asked for INDEXES) and sums the `ConsumedCapacity` DynamoDB returns. Responses
 *   pass through byte for byte; the extra field is ignored by callers that did not ask for it.
 *   DynamoDB Local does not check request signatures against the body, so the rewritten body is
 *   accepted (real DynamoDB would refuse it: never point this proxy at AWS).
 * - An `intercept` hook runs before a request is forwarded: it may delay it, answer it with a
 *   response of its own (a throttling error, a 5xx), reset the connection without an answer (what
 *   a client sees after a timeout), or forward it and then answer with an error or a reset instead
 *   of DynamoDB's answer (the request was applied and its response lost) — the hook point for
 *   fault injection.
 * - `lagIndexes` makes global secondary indexes lag behind their tables (index-lag.ts): an index
 *   Query does not see items put since, until `lagIndexes(false)`.
 *
 * Connections to the target are kept alive, so the proxy adds one loopback hop and no handshakes.
 */
import { EventEmitter } from 'node:events';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { readBody } from './gateway/read-body';
import { IndexLag, type KeyNames, productTableKeys } from './index-lag';

/** Operations that accept `ReturnConsumedCapacity`. */
const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

/** Operations that read; every other data operation writes. */
const READ_OPERATIONS = new Set([
  'GetItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'TransactGetItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
]);

/** A request as the intercept hook sees it. */
export interface ProxiedRequest {
  /** e.g. `PutItem` (the part of `X-Amz-Target` after the dot). */
  readonly operation: string;
  readonly tables: readonly string[];
  /** The parsed JSON body, as forwarded (after ReturnConsumedCapacity was set). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: IncomingHttpHeaders;
}

/** A response the intercept hook answers with instead of forwarding. */
export interface InjectedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
  /**
   * Forward the request first (DynamoDB applies it) and answer with this instead of DynamoDB's
   * answer: a response lost after the write, as a crash or a network fault between DynamoDB and
   * the caller leaves it.
   */
  readonly afterForwarding?: boolean;
}

/** DynamoDB's InternalServerError (HTTP 500), as the SDK receives it: a fault to inject. */
export const INTERNAL_SERVER_ERROR: InjectedResponse = {
  status: 500,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  }),
};

/** Close the caller's connection without any answer (after forwarding the request, if asked). */
export interface DroppedConnection {
  readonly drop: true;
  readonly afterForwarding?: boolean;
}

/** What the intercept hook decides for one request. */
export type InterceptOutcome = InjectedResponse | DroppedConnection | undefined;

/**
 * Runs before each request is forwarded. Return a response to answer in DynamoDB's place, a drop
 * to reset the connection, or undefined to forward; awaiting inside delays the request (a promise
 * that settles late is a slow DynamoDB; then dropping is a timeout, as the client sees it).
 */
export type RequestInterceptor = (
  request: ProxiedRequest,
) => InterceptOutcome | Promise<InterceptOutcome>;

/** One request that went through the proxy. */
export interface DynamoDbCall {
  /** Order of arrival, from 1. */
  readonly seq: number;
  readonly operation: string;
  readonly kind: 'read' | 'write' | 'other';
  readonly tables: readonly string[];
  /** `performance.now()` of this process when the request arrived and when it was answered. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status: number;
  /** DynamoDB's error type (`ConditionalCheckFailedException`…) for a non-2xx answer. */
  readonly errorType?: string;
  /** Whether the intercept hook answered it (or dropped it: status 0). */
  readonly injected: boolean;
  /** Whether DynamoDB received it (false when the hook answered or dropped it first). */
  readonly forwarded: boolean;
  /** Sum of `ConsumedCapacity[].CapacityUnits` in the response (0 when none was returned). */
  readonly capacityUnits: number;
  /** The same, by table name (index writes count toward their table). */
  readonly capacityByTable: Readonly<Record<string, number>>;
}

/** Totals per operation since the last reset. */
export interface OperationTotals {
  readonly count: number;
  readonly capacityUnits: number;
  readonly errors: number;
}

export interface DynamoDbProxyOptions {
  /** Where DynamoDB (Local) listens, e.g. `http://127.0.0.1:8000`. */
  readonly target: string;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Set ReturnConsumedCapacity TOTAL on every request (default true). */
  readonly consumedCapacity?: boolean;
  readonly intercept?: RequestInterceptor;
  /** Keep every call in memory for `calls()` (default true); totals are kept either way. */
  readonly record?: boolean;
}

export interface DynamoDbProxy extends EventEmitter<{ call: [DynamoDbCall] }> {
  /** The endpoint to give clients instead of the target. */
  readonly endpoint: string;
  /** Calls recorded since the last reset, in order of arrival. */
  calls(): readonly DynamoDbCall[];
  /** Totals per operation since the last reset. */
  totals(): Readonly<Record<string, OperationTotals>>;
  /** Forgets recorded calls and totals. */
  reset(): void;
  /** Turns keeping every call on or off (totals are always kept). */
  setRecording(record: boolean): void;
  /** Replaces (or removes) the intercept hook. */
  setInterceptor(intercept: RequestInterceptor | undefined): void;
  /**
   * Turns index lag on (from now on, an index Query does not see items put since) or off (every
   * item visible again). `keyNames` gives each table's key attributes; default: the product's
   * tables from functions/tables.ts.
   */
  lagIndexes(on: boolean, keyNames?: KeyNames): void;
  stop(): Promise<void>;
}

/** Starts a proxy in front of `options.target` and resolves once it listens. */
export async function startDynamoDbProxy(options: DynamoDbProxyOptions): Promise<DynamoDbProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const inject = options.consumedCapacity ?? true;
  let intercept = options.intercept;
  let record = options.record ?? true;
  let lag: IndexLag | undefined;
  let seq = 0;
  let recorded: DynamoDbCall[] = [];
  let totals = new Map<string, { count: number; capacityUnits: number; errors: number }>();
  const events = new EventEmitter<{ call: [DynamoDbCall] }>();

  function finish(call: DynamoDbCall): void {
    if (record) recorded.push(call);
    const total = totals.get(call.operation) ?? { count: 0, capacityUnits: 0, errors: 0 };
    total.count += 1;
    total.capacityUnits += call.capacityUnits;
    if (call.status >= 400 || call.status === 0) total.errors += 1;
    totals.set(call.operation, total);
    events.emit('call', call);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const raw = await readAll(request);
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    let body: Record<string, unknown> = {};
    let forwarded = raw;
    try {
      body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      if (
        inject &&
        CAPACITY_OPERATIONS.has(operation) &&
        body.ReturnConsumedCapacity !== 'INDEXES'
      ) {
        body = { ...body, ReturnConsumedCapacity: 'TOTAL' };
        forwarded = Buffer.from(JSON.stringify(body), 'utf8');
      }
    } catch {
      // Not JSON: forward untouched and let DynamoDB answer it.
    }
    const tables = tablesOf(body);
    const base = {
      seq: ++seq,
      operation,
      kind: kindOf(operation),
      tables,
      startedAt,
    } as const;

    const outcome = intercept
      ? await intercept({ operation, tables, body, headers: request.headers })
      : undefined;
    if (outcome) {
      // Applied first when asked: the write happens, only its answer is lost.
      const applied = outcome.afterForwarding
        ? await forward(target, agent, request, forwarded)
        : undefined;
      if ('drop' in outcome) {
        response.socket?.destroy();
      } else {
        response.writeHead(outcome.status, {
          'content-type': 'application/x-amz-json-1.0',
          ...outcome.headers,
        });
        response.end(outcome.body);
      }
      finish({
        ...base,
        endedAt: performance.now(),
        status: 'drop' in outcome ? 0 : outcome.status,
        ...('drop' in outcome
          ? { errorType: 'ConnectionDropped' }
          : errorTypeOf(outcome.status, Buffer.from(outcome.body))),
        injected: true,
        forwarded: applied !== undefined,
        capacityUnits: 0,
        capacityByTable: {},
      });
      return;
    }

    let upstream = await forward(target, agent, request, forwarded);
    if (lag && upstream.status < 300 && !upstream.encoded) {
      lag.noteWrite(operation, body);
      const lagged = lag.filterQuery(operation, body, upstream.body);
      if (lagged) {
        // The body changed: its checksum no longer applies (the SDK checks it when present).
        const headers: IncomingHttpHeaders = {
          ...upstream.headers,
          'content-length': String(lagged.byteLength),
        };
        delete headers['x-amz-crc32'];
        upstream = { ...upstream, headers, body: lagged };
      }
    }
    response.writeHead(upstream.status, upstream.headers);
    response.end(upstream.body);
    finish({
      ...base,
      endedAt: performance.now(),
      status: upstream.status,
      ...errorTypeOf(upstream.status, upstream.body),
      injected: false,
      forwarded: true,
      ...(upstream.encoded
        ? { capacityUnits: 0, capacityByTable: {} }
        : consumedCapacity(upstream.body)),
    });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
      }
      response.end(
        JSON.stringify({ __type: 'ProxyError', message: (error as Error)?.message ?? 'proxy' }),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return Object.assign(events, {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    calls: () => recorded,
    totals: () => Object.fromEntries(totals),
    reset() {
      recorded = [];
      totals = new Map();
    },
    setRecording(value: boolean) {
      record = value;
    },
    setInterceptor(value: RequestInterceptor | undefined) {
      intercept = value;
    },
    lagIndexes(on: boolean, keyNames: KeyNames = productTableKeys) {
      lag = on ? new IndexLag(keyNames) : undefined;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  });
}

interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body is content-encoded (gzip…): passed through, not parsed. */
  readonly encoded: boolean;
}

function forward(
  target: URL,
  agent: Agent,
  request: IncomingMessage,
  body: Buffer,
): Promise<UpstreamResponse> {
  const headers: IncomingHttpHeaders = { ...request.headers };
  // Hop-by-hop headers belong to each connection, not the request.
  delete headers.connection;
  delete headers['keep-alive'];
  delete headers['transfer-encoding'];
  headers.host = target.host;
  headers['content-length'] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers,
        agent,
      },
      (answer) => {
        readAll(answer).then((data) => {
          const answerHeaders = { ...answer.headers };
          delete answerHeaders.connection;
          delete answerHeaders['keep-alive'];
          delete answerHeaders['transfer-encoding'];
          answerHeaders['content-length'] = String(data.byteLength);
          resolve({
            status: answer.statusCode ?? 502,
            headers: answerHeaders,
            body: data,
            encoded: Boolean(answer.headers['content-encoding']),
          });
        }, reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** A whole request or response body (DynamoDB's own limit is 16 MB per request). */
function readAll(stream: IncomingMessage): Promise<Buffer> {
  return readBody(stream, Number.POSITIVE_INFINITY);
}

function kindOf(operation: string): DynamoDbCall['kind'] {
  if (!CAPACITY_OPERATIONS.has(operation)) return 'other';
  return READ_OPERATIONS.has(operation) ? 'read' : 'write';
}

/** The tables a request names: TableName, RequestItems keys or each TransactItems entry. */
export function tablesOf(body: Readonly<Record<string, unknown>>): string[] {
  const tables = new Set<string>();
  if (typeof body.TableName === 'string') tables.add(body.TableName);
  if (body.RequestItems && typeof body.RequestItems === 'object') {
    for (const table of Object.keys(body.RequestItems)) tables.add(table);
  }
  if (Array.isArray(body.TransactItems)) {
    for (const item of body.TransactItems as Record<string, { TableName?: unknown }>[]) {
      for (const action of Object.values(item ?? {})) {
        if (typeof action?.TableName === 'string') tables.add(action.TableName);
      }
    }
  }
  return [...tables];
}

/** The capacity units in a response body's ConsumedCapacity (an object or a list), by table. */
export function consumedCapacity(body: Buffer): {
  capacityUnits: number;
  capacityByTable: Record<string, number>;
} {
  const result = { capacityUnits: 0, capacityByTable: {} as Record<string, number> };
  if (body.byteLength === 0) return result;
  let consumed: unknown;
  try {
    consumed = (JSON.parse(body.toString('utf8')) as { ConsumedCapacity?: unknown })
      .ConsumedCapacity;
  } catch {
    return result;
  }
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  for (const entry of list as { CapacityUnits?: unknown; TableName?: unknown }[]) {
    const units = typeof entry?.CapacityUnits === 'number' ? entry.CapacityUnits : 0;
    result.capacityUnits += units;
    const table = typeof entry?.TableName === 'string' ? entry.TableName : '(unknown)';
    result.capacityByTable[table] = (result.capacityByTable[table] ?? 0) + units;
  }
  return result;
}

/** Sum of the capacity units in a response body's ConsumedCapacity (object or array). */
export function capacityOf(body: Buffer): number {
  return consumedCapacity(body).capacityUnits;
}

function errorTypeOf(status: number, body: Buffer): { errorType?: string } {
  if (status < 400) return {};
  try {
    const type = (JSON.parse(body.toString('utf8')) as { __type?: unknown }).__type;
    return typeof type === 'string' ? { errorType: type.split('#').pop() ?? type } : {};
  } catch {
    return { errorType: `HTTP ${status}` };
  }
}
