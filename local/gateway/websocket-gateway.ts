/**
 * A local stand-in for an API Gateway WebSocket API. It accepts WebSocket clients on `/{stage}`,
 * routes every frame by `$request.body.action` through the shared route table, and invokes the
 * real handlers with the events API Gateway would send. Documented behaviours it reproduces:
 *
 * - $connect answering non-2xx (or failing) refuses the handshake with that status (500 on error);
 * - a failing integration sends the client `{"message":"Internal server error",...}` and the
 *   connection stays open;
 * - a frame over 32 KB, or a message over 128 KB, closes the connection with 1009 (the quotas page);
 *   a server post over 32 KB reaches the client as a message split into frames of at most 32 KB;
 * - a binary frame closes the connection with 1003 and runs no route (API Gateway "doesn't support
 *   binary frames in incoming message payloads": websocket-api-develop-binary-media-types.html);
 * - no frame from the client for the idle timeout (10 min), or the maximum duration (2 h), closes
 *   it with 1001; frames the server posts do not count as activity;
 * - $disconnect runs exactly once per established connection, however it ended;
 * - a MOCK integration answers with its route response and runs no Lambda;
 * - over the account's new-connection quota (500/s) or the stage's throttling, a handshake is
 *   refused with 429 and a message is answered `Too Many Requests` (gateway-throttle.ts).
 *
 * Local test controls that API Gateway does not have (for fault and load tests): `setThrottle`
 * (other limits, as a deploy would set them), `setAccepting`,
 * `drop`, `setPostFaults` (make @connections POSTs fail as API Gateway can: 410, 429, 5xx) and
 * `kill` (the gateway dies with its clients attached: no close frames and no $disconnect).
 */
import { isUtf8 } from 'node:buffer';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { WebSocketEvent } from '../../functions/handlers/websocket-event';
import { MAX_FRAME_BYTES } from '../../protocol/limits';
import type { RouteDefinition } from '../../functions/routes';
import { selectRoute } from '../../functions/routes';
import { watchFrameSizes } from './frame-watch';
import type {
  ConnectionInfo,
  InvocationNotice,
  PostFault,
  PostFaultHook,
  ThrottleNotice,
} from './gateway-notices';
import { GatewayThrottle, type GatewayThrottleSettings } from './gateway-throttle';
import { listenerOf, refuse, statusOf, toBuffer } from './handshake';
import {
  type ApiFacts,
  type ConnectionFacts,
  connectEvent,
  connectHeaders,
  disconnectEvent,
  gatewayId,
  messageEvent,
} from './lambda-events';
import type { FunctionRuntime } from './lambda-runtime';

export interface GatewayOptions {
  readonly stage: string;
  readonly apiId: string;
  /** The domain name handlers see (and call @connections on); known once the server listens. */
  readonly domainName: () => string;
  readonly routes: readonly RouteDefinition[];
  readonly runtime: FunctionRuntime;
  readonly idleTimeoutMs: number;
  readonly maxConnectionMs: number;
  readonly maxMessageBytes: number;
  /** API Gateway's frame quota (default MAX_FRAME_BYTES, 32 KB). */
  readonly maxFrameBytes?: number;
  /** Throttling (default: the account's 500 new connections/s, no stage throttling). */
  readonly throttle?: GatewayThrottleSettings;
  readonly onError: (message: string, error: unknown) => void;
}

interface LiveConnection extends ConnectionFacts {
  readonly ws: WebSocket;
  lastActiveAt: number;
  idleTimer?: NodeJS.Timeout;
  lifetimeTimer?: NodeJS.Timeout;
  /** Set when the gateway closed the connection: the code $disconnect reports. */
  closedBy?: { code: number; reason: string };
  disconnected: boolean;
}

export type {
  ConnectionInfo,
  InvocationNotice,
  PostFault,
  PostFaultHook,
  ThrottleNotice,
} from './gateway-notices';

export class WebSocketGateway extends EventEmitter<{
  invocation: [InvocationNotice];
  throttled: [ThrottleNotice];
}> {
  private readonly server: WebSocketServer;
  private readonly live = new Map<string, LiveConnection>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Handshakes whose $connect is running, by connection id. */
  private readonly connecting = new Map<string, Duplex>();
  private accepting = true;
  private killed = false;
  private postFaults: PostFaultHook | undefined;
  private readonly maxFrameBytes: number;
  private throttle: GatewayThrottle;

  constructor(private readonly options: GatewayOptions) {
    super();
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.throttle = new GatewayThrottle(options.throttle);
    // Over maxPayload, ws closes the connection with 1009 itself, as API Gateway does.
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes,
      perMessageDeflate: false,
    });
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.live.size;
  }

  /** Ids of the open connections. */
  connectionIds(): string[] {
    return [...this.live.keys()];
  }

  /**
   * Refuses (503) or accepts new handshakes. A local control for tests that need a network that
   * will not let a client back in for a while; API Gateway has no such switch.
   */
  setAccepting(accepting: boolean): void {
    this.accepting = accepting;
  }

  /**
   * Throttles from now on as `settings` say (fresh buckets): the account's new-connection quota
   * (default 500/s) and the stage's rate and burst (default none). A local control: on AWS these
   * are the account quota and the stage settings of a deploy.
   */
  setThrottle(settings: GatewayThrottleSettings = {}): void {
    this.throttle = new GatewayThrottle(settings);
  }

  /**
   * Makes @connections POSTs fail as `hook` decides (undefined: deliver them all). A local control
   * for fault tests; the @connections handler asks `postFault` before delivering.
   */
  setPostFaults(hook: PostFaultHook | undefined): void {
    this.postFaults = hook;
  }

  /** The injected failure for a POST, if the fault hook decides one (a vanished one is cut). */
  postFault(connectionId: string, data: Buffer): PostFault | undefined {
    const fault = this.postFaults?.(connectionId, data);
    if (fault?.status === 410) this.drop(connectionId);
    return fault;
  }

  /** Handles an HTTP upgrade request on the server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    this.track(this.upgrade(request, socket, head));
  }

  /** Posts data to a connection (@connections POST). */
  post(connectionId: string, data: Buffer): 'sent' | 'gone' | 'tooLarge' {
    const connection = this.live.get(connectionId);
    if (!connection || connection.ws.readyState !== WebSocket.OPEN) return 'gone';
    if (data.byteLength > this.options.maxMessageBytes) return 'tooLarge';
    // API Gateway splits a message over its 32 KB frame quota into frames; the client sees one
    // message either way.
    const binary = !isUtf8(data);
    const frames = Math.max(1, Math.ceil(data.byteLength / this.maxFrameBytes));
    for (let i = 0; i < frames; i++) {
      const chunk = data.subarray(i * this.maxFrameBytes, (i + 1) * this.maxFrameBytes);
      connection.ws.send(chunk, { binary, fin: i === frames - 1 });
    }
    connection.lastActiveAt = Date.now();
    return 'sent';
  }

  /** What @connections GET reports about a connection, if it is open. */
  describe(connectionId: string): ConnectionInfo | undefined {
    const connection = this.live.get(connectionId);
    if (!connection) return undefined;
    const { connectedAt, lastActiveAt, sourceIp, userAgent } = connection;
    return { connectedAt, lastActiveAt, sourceIp, userAgent };
  }

  /** Closes a connection from the server side (@connections DELETE). */
  disconnect(connectionId: string, code = 1000, reason = ''): boolean {
    const connection = this.live.get(connectionId);
    if (!connection) return false;
    this.closeFromServer(connection, code, reason);
    return true;
  }

  /**
   * Cuts a connection as a lost network would: no close frame, the client sees 1006. Local control
   * for fault tests.
   */
  drop(connectionId: string): boolean {
    const connection = this.live.get(connectionId);
    if (!connection) return false;
    connection.closedBy = { code: 1006, reason: 'Connection lost' };
    connection.ws.terminate();
    return true;
  }

  /**
   * The gateway dies as a killed process would: every socket is cut with no close frame, and no
   * $disconnect runs — not for the open connections, nor for those still in their $connect. Their
   * records stay in the table until their TTL (or a fan-out finds them gone). Handlers already
   * running go on (on AWS they are separate Lambda invocations). Returns the ids of the
   * connections that were cut. A local control for fault tests; afterwards only `shutdown` works.
   */
  kill(): string[] {
    this.killed = true;
    this.accepting = false;
    const cut: string[] = [];
    for (const connection of this.live.values()) {
      connection.disconnected = true;
      clearTimeout(connection.idleTimer);
      clearTimeout(connection.lifetimeTimer);
      connection.ws.terminate();
      cut.push(connection.connectionId);
    }
    this.live.clear();
    for (const [connectionId, socket] of this.connecting) {
      socket.destroy();
      cut.push(connectionId);
    }
    return cut;
  }

  /** Closes every connection (1001), waits for their $disconnect and all running invocations. */
  async shutdown(): Promise<void> {
    this.accepting = false;
    for (const connection of this.live.values())
      this.closeFromServer(connection, 1001, 'Going away');
    const deadline = Date.now() + 10_000;
    while ((this.live.size > 0 || this.inflight.size > 0) && Date.now() < deadline) {
      await Promise.allSettled([...this.inflight]);
      if (this.live.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const connection of this.live.values()) connection.ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://gateway.local');
    if (url.pathname !== `/${this.options.stage}` && url.pathname !== `/${this.options.stage}/`) {
      return refuse(socket, 404);
    }
    if (!this.accepting || this.killed) return refuse(socket, 503);
    if (!this.throttle.admitConnection()) {
      this.emit('throttled', { kind: 'connect' });
      return refuse(socket, 429);
    }
    const facts: ConnectionFacts = {
      connectionId: gatewayId(),
      connectedAt: Date.now(),
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      userAgent: request.headers['user-agent'],
    };
    const route = this.route('$connect');
    let status = 200;
    if (route) {
      this.connecting.set(facts.connectionId, socket);
      try {
        const result = await this.invoke(
          route,
          connectEvent(
            this.api(),
            facts,
            connectHeaders(
              request.rawHeaders,
              facts.sourceIp,
              listenerOf(request),
              facts.connectedAt,
            ),
            url.searchParams,
          ),
        );
        status = statusOf(result);
      } catch (error) {
        this.options.onError('$connect failed', error);
        status = 500;
      } finally {
        this.connecting.delete(facts.connectionId);
      }
    }
    if (status < 200 || status > 299) return refuse(socket, status);
    if (this.killed) {
      // Died during $connect: the record $connect wrote stays behind, as after a crash.
      socket.destroy();
      return;
    }
    // ws completes the upgrade synchronously, or drops a socket the client already closed (even
    // half-closed) without a word: then the client left during $connect, and the connection,
    // which existed for the backend, must end with its $disconnect like any other.
    let accepted = false;
    if (!socket.destroyed) {
      this.server.handleUpgrade(request, socket, head, (ws) => {
        accepted = true;
        const connection = this.accept(ws, facts);
        watchFrameSizes(socket, this.maxFrameBytes, () =>
          this.closeFromServer(connection, 1009, 'Message too big'),
        );
      });
    }
    if (!accepted) {
      socket.destroy();
      await this.runDisconnect(facts, 1006, 'Client left during connect');
    }
  }

  private accept(ws: WebSocket, facts: ConnectionFacts): LiveConnection {
    const connection: LiveConnection = {
      ...facts,
      ws,
      lastActiveAt: facts.connectedAt,
      disconnected: false,
    };
    this.live.set(facts.connectionId, connection);
    connection.lifetimeTimer = setTimeout(
      () => this.closeFromServer(connection, 1001, 'Going away'),
      this.options.maxConnectionMs,
    );
    this.restartIdleTimer(connection);
    ws.on('message', (data, isBinary) => this.onMessage(connection, toBuffer(data), isBinary));
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        connection.closedBy ??= { code: 1009, reason: 'Message too big' };
      }
    });
    ws.on('close', (code, reason) => this.onClose(connection, code, reason.toString('utf8')));
    return connection;
  }

  private onMessage(connection: LiveConnection, data: Buffer, isBinary: boolean): void {
    if (connection.closedBy) return;
    connection.lastActiveAt = Date.now();
    this.restartIdleTimer(connection);
    if (isBinary) {
      this.closeFromServer(connection, 1003, 'Unsupported data');
      return;
    }
    if (!this.throttle.admitMessage()) {
      this.emit('throttled', { kind: 'message', connectionId: connection.connectionId });
      this.sendGatewayError(connection, 'Too Many Requests', gatewayId());
      return;
    }
    const body = data.toString('utf8');
    const route = selectRoute(body, this.options.routes);
    if (!route) return;
    if (route.integration.kind === 'mock') {
      connection.ws.send(route.integration.response);
      return;
    }
    const event = messageEvent(this.api(), connection, route.routeKey, body);
    this.track(
      this.invoke(route, event).catch((error: unknown) => {
        this.options.onError(`${route.routeKey} failed`, error);
        this.sendGatewayError(connection, 'Internal server error', event.requestContext.requestId);
      }),
    );
  }

  /** A frame API Gateway itself sends when it does not pass a message on. */
  private sendGatewayError(connection: LiveConnection, message: string, requestId: string): void {
    if (connection.ws.readyState !== WebSocket.OPEN) return;
    connection.ws.send(
      JSON.stringify({ message, connectionId: connection.connectionId, requestId }),
    );
  }

  private onClose(connection: LiveConnection, code: number, reason: string): void {
    clearTimeout(connection.idleTimer);
    clearTimeout(connection.lifetimeTimer);
    this.live.delete(connection.connectionId);
    if (connection.disconnected) return;
    connection.disconnected = true;
    const closedBy = connection.closedBy;
    this.track(this.runDisconnect(connection, closedBy?.code ?? code, closedBy?.reason ?? reason));
  }

  private async runDisconnect(facts: ConnectionFacts, code: number, reason: string): Promise<void> {
    const route = this.route('$disconnect');
    if (!route) return;
    try {
      await this.invoke(route, disconnectEvent(this.api(), facts, code, reason));
    } catch (error) {
      this.options.onError('$disconnect failed', error);
    }
  }

  private closeFromServer(connection: LiveConnection, code: number, reason: string): void {
    if (connection.closedBy) return;
    connection.closedBy = { code, reason };
    connection.ws.close(code, reason);
    // A client that never answers the close handshake is cut off, as API Gateway would.
    setTimeout(() => connection.ws.terminate(), 2000).unref();
  }

  private restartIdleTimer(connection: LiveConnection): void {
    clearTimeout(connection.idleTimer);
    connection.idleTimer = setTimeout(
      () => this.closeFromServer(connection, 1001, 'Going away'),
      this.options.idleTimeoutMs,
    );
  }

  private route(routeKey: string): RouteDefinition | undefined {
    return this.options.routes.find((r) => r.routeKey === routeKey);
  }

  private async invoke(route: RouteDefinition, event: WebSocketEvent): Promise<unknown> {
    if (route.integration.kind !== 'lambda') return undefined;
    this.emit('invocation', {
      routeKey: route.routeKey,
      connectionId: event.requestContext.connectionId,
      event,
    });
    return this.options.runtime.invoke(route.integration, event);
  }

  private api(): ApiFacts {
    return {
      apiId: this.options.apiId,
      domainName: this.options.domainName(),
      stage: this.options.stage,
    };
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }
}
