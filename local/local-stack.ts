/**
 * The whole product on one machine: DynamoDB Local (or a DynamoDB you name), the tables from
 * functions/tables.ts, and one HTTP server that is the API Gateway WebSocket API, its @connections
 * API, the HTTP API for /login, WeChat's code2Session stand-in and the browser console at `/`.
 * The handlers run in this process, configured through the same environment variables the CDK
 * stack sets on AWS. `npm start` and the tests both start it through `startLocalStack`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  HTTP_ROUTES,
  LOGIN_ROUTE,
  matchHttpPath,
  ROUTES,
  type RouteDefinition,
} from '../functions/routes';
import { resolveTableNames, type TableId } from '../functions/tables';
import { BUCKETS, type BucketId, resolveBucketNames } from '../functions/buckets';
import { ConsoleSite, readSiteFolder } from './console-site';
import { ensureTables } from './create-tables';
import { type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { handleConnectionsApi } from './gateway/connections-api';
import { handleHttpApi } from './gateway/http-api';
import { type FunctionRuntime, LambdaRuntime, sourceHandlerUrl } from './gateway/lambda-runtime';
import { WebSocketGateway } from './gateway/websocket-gateway';
import { ephemeralSecret, localPushToken, localSigningSecret } from './local-secrets';
import { type RunningS3, startLocalS3 } from './s3-local';
import { handleCode2Session, WeChatStandIn, type WeChatStandInOptions } from './wechat-stand-in';
import { startStreamPollers, type StreamPollers } from './stream-pollers';
import {
  INVOKE_PATH,
  type InvokeRefusal,
  LocalLambdaInvoke,
  localFunctionName,
} from './lambda-invoke';
import { WORKERS, type WorkerId } from '../functions/workers';

export const STAGE = 'local';
const MAX_MESSAGE_BYTES = 128 * 1024;
const LOCAL_WECHAT_APP = { appId: 'wx-local-dev', appSecret: 'local-dev-app-secret' };

export interface LocalStackOptions {
  /** TCP port; 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Directory for DynamoDB Local's files and the signing key; absent: all in memory. */
  readonly dataDir?: string;
  /** Use this DynamoDB instead of starting DynamoDB Local. */
  readonly dynamodbEndpoint?: string;
  /** Comma-separated admin user ids (default `admin`). */
  readonly admins?: string;
  /** Prefix of the physical table names (tests give each file its own). */
  readonly tablePrefix?: string;
  readonly idleTimeoutMs?: number;
  readonly maxConnectionMs?: number;
  /** Further handler configuration (e.g. SEND_RATE_LIMIT), as on a Lambda function. */
  readonly env?: Readonly<Record<string, string>>;
  /** Route table and handler modules; tests add fixture routes, the CDK tests bundled handlers. */
  readonly routes?: readonly RouteDefinition[];
  readonly resolveHandler?: (handler: string) => string;
  /**
   * What runs the handlers: by default a LambdaRuntime in this process (from `resolveHandler`);
   * the bench passes a ThreadLambdaRuntime, apart from the gateway's event loop. The stack closes
   * it when it stops.
   */
  readonly functionRuntime?: FunctionRuntime;
  readonly onError?: (message: string, error: unknown) => void;
  /**
   * The browser console at `/`: by default built from console/ in memory on first use; `dir`
   * serves a prebuilt site folder instead (`npm run build:console`); false serves none.
   */
  readonly console?: false | { readonly dir: string };
  /** Extra browser origins the image bucket's CORS allows (the console's own is always in). */
  readonly corsOrigins?: readonly string[];
  /** The WeChat stand-in's risky/review words, latency and token lifetime (see wechat-stand-in.ts). */
  readonly wechat?: WeChatStandInOptions;
  /** Run the stream consumers of functions/event-sources.ts (default true). */
  readonly streams?: boolean;
  /**
   * Modelled latency of every @connections call, ms (default 0: loopback). The bench sets 20 or
   * 50 to show what a fan-out costs where each post is a round trip to API Gateway.
   */
  readonly connectionsLatencyMs?: number;
}

export interface LocalStack {
  readonly port: number;
  readonly urls: {
    readonly http: string;
    readonly websocket: string;
    readonly login: string;
    readonly connections: string;
    /** The browser console (`http://host:port/`). */
    readonly console: string;
  };
  readonly dynamodbEndpoint: string;
  readonly tables: Record<TableId, string>;
  readonly gateway: WebSocketGateway;
  /** The browser console's site (undefined with `console: false`); `ready()` builds it now. */
  readonly console: ConsoleSite | undefined;
  /** The local S3 server (s3rver) with the buckets of functions/buckets.ts. */
  readonly s3: {
    readonly endpoint: string;
    readonly buckets: Record<BucketId, string>;
    /** Resolves once the bucket event handlers (process-image) started so far have finished. */
    idle(): Promise<void>;
  };
  /** The WeChat stand-in (stable_token, msgSecCheck): tests configure it and read its calls. */
  readonly wechat: WeChatStandIn;
  /** The stream pollers (functions/event-sources.ts) and their on-failure destination. */
  readonly streams: StreamPollers;
  /** Lambda's Invoke API for the worker functions (functions/workers.ts; local/lambda-invoke.ts). */
  readonly lambda: {
    /** Invocations of the worker accepted so far. */
    invocations(id: WorkerId): number;
    /** Refuses every invocation with 429 or 500 from now on (undefined: accepts them again). */
    refuse(status: InvokeRefusal | undefined): void;
    /** Resolves once every asynchronous invocation started so far has finished. */
    idle(): Promise<void>;
  };
  /** Changes the modelled @connections latency (LocalStackOptions.connectionsLatencyMs). */
  setConnectionsLatency(ms: number): void;
  stop(): Promise<void>;
  /** Ends everything at once, DynamoDB Local included, without waiting for $disconnect. */
  forceStop(): void;
  /**
   * Kills the gateway abruptly, as if its process died with clients attached: sockets cut with no
   * close frame, no $disconnect, the port closed. DynamoDB is left as it is (its own process), so a
   * new `startLocalStack` on the same port and tables takes over — the restart of a crashed
   * gateway. Resolves with the ids of the connections that were cut. A local control for fault
   * tests; `stop` afterwards only stops what is left (DynamoDB Local, if this stack started it).
   */
  kill(): Promise<string[]>;
}

/** Starts the local stack and resolves once every part answers. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const onError =
    options.onError ??
    ((message: string, error: unknown) => console.error(`[gateway] ${message}:`, error));
  const runtime =
    options.functionRuntime ?? new LambdaRuntime(options.resolveHandler ?? sourceHandlerUrl);
  const routes = options.routes ?? ROUTES;
  let callbackDomain = '';
  let connectionsLatencyMs = options.connectionsLatencyMs ?? 0;
  const wechat = new WeChatStandIn(LOCAL_WECHAT_APP, options.wechat);
  const localCredentials = () => ({
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
  });
  const lambda = new LocalLambdaInvoke(
    runtime,
    localCredentials,
    onError,
    () => connectionsLatencyMs,
  );
  const gateway = new WebSocketGateway({
    stage: STAGE,
    apiId: 'local',
    domainName: () => callbackDomain,
    routes,
    runtime,
    idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60 * 1000,
    maxConnectionMs: options.maxConnectionMs ?? 2 * 60 * 60 * 1000,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    onError,
  });

  const prebuilt = options.console;
  const site =
    prebuilt === false
      ? undefined
      : new ConsoleSite(
          prebuilt ? async () => readSiteFolder(prebuilt.dir) : undefined,
          // The browser loads and posts pictures there (s3rver starts below).
          () => (s3 ? [new URL(s3.endpoint).origin] : []),
        );

  // Until every part answers, the port is held (so a taken port fails before anything else
  // starts) but answers 503, as a gateway with no healthy integration would.
  let ready = false;
  const server = createServer((request, response) => {
    if (!ready) {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Service Unavailable' }));
      return;
    }
    route(request, response).catch((error: unknown) => {
      onError(`${request.method} ${request.url?.split('?')[0]} failed`, error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Internal Server Error' }));
    });
  });
  server.on('upgrade', (request, socket, head) => {
    if (ready) gateway.handleUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://${callbackDomain}`);
    const management = new RegExp(`^/${STAGE}/@connections/([^/]+)$`).exec(url.pathname);
    if (management?.[1]) {
      return handleConnectionsApi(
        gateway,
        request,
        response,
        decodeURIComponent(management[1]),
        MAX_MESSAGE_BYTES,
        localCredentials,
        connectionsLatencyMs,
      );
    }
    const invoke = INVOKE_PATH.exec(url.pathname);
    if (invoke?.[1] && request.method === 'POST') {
      return lambda.handle(request, response, decodeURIComponent(invoke[1]));
    }
    for (const httpRoute of HTTP_ROUTES) {
      const pathParameters = matchHttpPath(httpRoute.path, url.pathname);
      if (!pathParameters) continue;
      if (request.method !== httpRoute.method) continue;
      return handleHttpApi(
        runtime,
        httpRoute,
        `${httpRoute.method} ${httpRoute.path}`,
        request,
        response,
        url,
        callbackDomain,
        onError,
        pathParameters,
      );
    }
    if (url.pathname === '/wechat/sns/jscode2session' && request.method === 'GET') {
      return handleCode2Session(url, response, LOCAL_WECHAT_APP);
    }
    if (
      url.pathname.startsWith('/wechat/') &&
      (await wechat.handle(url.pathname.slice('/wechat/'.length), url, request, response))
    ) {
      return;
    }
    if (url.pathname === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (site && (await site.handle(request, response, url))) return;
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'Not Found' }));
  }

  const port = await listen(server, options.port ?? 0, host);
  // Handlers call back on this address; a wildcard listen address is reachable on loopback.
  const callbackHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  callbackDomain = `${callbackHost}:${port}`;

  let dynamodb: RunningDynamoDb | undefined;
  let s3: RunningS3 | undefined;
  let buckets: Record<BucketId, string>;
  let endpoint: string;
  let tables: Record<TableId, string>;
  let streams: StreamPollers;
  try {
    dynamodb = options.dynamodbEndpoint
      ? undefined
      : await startDynamoDbLocal(
          options.dataDir ? { dataDir: join(resolve(options.dataDir), 'dynamodb') } : {},
        );
    endpoint = options.dynamodbEndpoint ?? (dynamodb as RunningDynamoDb).endpoint;
    configureHandlers(options, endpoint, callbackDomain);
    // The stand-in's mediaCheckAsync verdicts are pushed, signed, to the stack's own push route.
    wechat.setPushTarget(
      `http://${callbackDomain}/wechat-push`,
      () => process.env.WECHAT_PUSH_TOKEN ?? '',
    );
    tables = resolveTableNames();
    const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION });
    try {
      await ensureTables(client, tables);
    } finally {
      client.destroy();
    }
    buckets = resolveBucketNames();
    s3 = await startLocalS3({
      host: callbackHost,
      ...(options.dataDir ? { directory: join(resolve(options.dataDir), 's3') } : {}),
      names: buckets,
      corsOrigins: [`http://${callbackDomain}`, ...(options.corsOrigins ?? [])],
      credentials: {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      },
      invoke: (source, event) => runtime.invoke(source, event),
      onError,
    });
    process.env.S3_ENDPOINT = s3.endpoint;
    // Load every handler now: module-scope code runs once, as in a warm Lambda, and import errors
    // surface at start-up.
    for (const r of routes)
      if (r.integration.kind === 'lambda') await runtime.load(r.integration.handler);
    for (const httpRoute of HTTP_ROUTES) await runtime.load(httpRoute.handler);
    for (const worker of WORKERS) await runtime.load(worker.handler);
    streams = await startStreamPollers({
      enabled: options.streams ?? true,
      endpoint,
      region: process.env.AWS_REGION ?? 'us-east-1',
      tables,
      runtime,
      onError,
    });
    for (const b of BUCKETS) for (const source of b.events) await runtime.load(source.handler);
  } catch (error) {
    // A start that fails releases what it took (the port, DynamoDB Local), so it can be retried.
    await gateway.shutdown();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await s3?.stop();
    await dynamodb?.stop();
    await runtime.close();
    throw error;
  }
  ready = true;

  const base = `http://${callbackDomain}`;
  return {
    port,
    urls: {
      http: base,
      websocket: `ws://${callbackDomain}/${STAGE}`,
      login: `${base}${LOGIN_ROUTE.path}`,
      connections: `${base}/${STAGE}/@connections`,
      console: `${base}/`,
    },
    dynamodbEndpoint: endpoint,
    tables,
    gateway,
    console: site,
    s3: {
      endpoint: (s3 as RunningS3).endpoint,
      buckets,
      idle: () => (s3 as RunningS3).idle(),
    },
    wechat,
    streams,
    lambda: {
      invocations: (id) => lambda.invocations(id),
      refuse: (status) => lambda.refuse(status),
      idle: () => lambda.idle(),
    },
    setConnectionsLatency(ms) {
      if (!(ms >= 0)) throw new Error('the @connections latency must be 0 or more ms');
      connectionsLatencyMs = ms;
    },
    // In dependency order: the gateway stops accepting and closes its connections, running their
    // $disconnect (which needs DynamoDB), then the stream pollers finish their batch, then the
    // HTTP server (the WeChat stand-in), then DynamoDB Local.
    async stop() {
      await wechat.pushesSettled();
      await lambda.idle();
      await gateway.shutdown();
      await streams.stop();
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      await s3?.stop();
      await runtime.close();
      await dynamodb?.stop();
    },
    forceStop() {
      gateway.kill();
      void streams.stop();
      void runtime.close();
      server.closeAllConnections();
      server.close();
      void s3?.stop().catch(() => undefined);
      dynamodb?.forceStop();
    },
    async kill() {
      const cut = gateway.kill();
      await streams.stop();
      await runtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return cut;
    },
  };
}

/**
 * Sets the environment the handlers read at module load, as the CDK stack sets it on each
 * function: where DynamoDB and the @connections API are, table names, secrets, admins.
 */
function configureHandlers(
  options: LocalStackOptions,
  endpoint: string,
  callbackDomain: string,
): void {
  const env = process.env;
  env.DYNAMODB_ENDPOINT = endpoint;
  env.AWS_REGION ??= 'us-east-1';
  if (isLoopback(endpoint) && !env.AWS_ACCESS_KEY_ID) {
    // DynamoDB Local and the local gateway accept any credentials, but the SDK needs some to sign.
    env.AWS_ACCESS_KEY_ID = 'local';
    env.AWS_SECRET_ACCESS_KEY = 'local';
  }
  env.CONNECTIONS_ENDPOINT = 'http://{domainName}/{stage}';
  // The stream consumers' and workers' @connections endpoint (they have no event to read it from).
  env.CONNECTIONS_API_URL = `http://${callbackDomain}/${STAGE}`;
  // Lambda's Invoke API for the workers (local/lambda-invoke.ts), under their local names. Every
  // handler here shares this environment; on AWS only the routes that declare `invokes` get it.
  env.LAMBDA_ENDPOINT = `http://${callbackDomain}`;
  for (const worker of WORKERS) env[worker.nameVariable] = localFunctionName(worker);
  env.WECHAT_API_BASE = `http://${callbackDomain}/wechat`;
  env.WECHAT_APPID = LOCAL_WECHAT_APP.appId;
  env.WECHAT_SECRET = LOCAL_WECHAT_APP.appSecret;
  env.JWT_SECRET ??= options.dataDir ? localSigningSecret(options.dataDir) : ephemeralSecret();
  // The message push (POST /wechat-push): the stand-in signs with this token, the handler checks.
  env.WECHAT_PUSH_TOKEN ??= options.dataDir ? localPushToken(options.dataDir) : ephemeralSecret();
  env.ADMINS = options.admins ?? env.ADMINS ?? 'admin';
  // The stand-in's subscribe-message templates (docs/deploy.md: real ids come from the console).
  env.NOTIFY_TEMPLATE_DESK_REPLIED ??= 'local-desk-replied';
  env.NOTIFY_TEMPLATE_STUDENT_WAITING ??= 'local-student-waiting';
  env.NOTIFY_MINIPROGRAM_STATE ??= 'developer';
  // The desk's automatic reply adds a desk message to a student's conversation whenever no admin
  // is connected, which the other suites' seq counts do not expect: off unless DESK_HOURS is set
  // (`npm start` sets the default hours; test/notify-desk-away.test.ts its own).
  env.DESK_HOURS ||= 'off';
  if (options.tablePrefix !== undefined) env.TABLE_PREFIX = options.tablePrefix;
  for (const [key, value] of Object.entries(options.env ?? {})) env[key] = value;
}

function isLoopback(endpoint: string): boolean {
  const { hostname } = new URL(endpoint);
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** Thrown when the port the local stack should listen on is taken. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use; set PORT to another port (PORT=0 picks a free one)`);
    this.name = 'PortInUseError';
  }
}

/** Listens, resolving with the bound port; a taken port rejects with PortInUseError. */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
