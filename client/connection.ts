/**
 * The connection state machine: one socket at a time, reconnect with full-jitter backoff,
 * heartbeat, probes on foreground / network return, planned reconnect before API Gateway's 2-hour
 * limit, and fresh tokens when needed. It knows nothing of chat frames beyond `ping`.
 *
 * Every socket attempt gets a generation number; an event from any socket but the current one is
 * ignored, whatever order a platform delivers open/close/error/network/app-show events in. A new
 * attempt always closes the previous socket first, so at most one socket is ever live.
 */
import type { ClientFrame } from '../protocol/client-frames';
import { fullJitterDelay } from './backoff';
import { type Clock, TimerSlot } from './clock';
import { Emitter } from './emitter';
import type { ConnectionPolicy } from './policy';
import type { Session, SessionProvider } from './session';
import type { Transport, TransportSocket } from './transport';

export type ConnectionState =
  /** Not started, or stopped. */
  | { readonly status: 'idle' }
  /** Getting a token or waiting for the handshake. `planned`: the 2-hour refresh, not a failure. */
  | { readonly status: 'connecting'; readonly attempt: number; readonly planned: boolean }
  | { readonly status: 'online'; readonly since: number }
  /** Waiting `delayMs` (until `retryAt`, epoch ms) before the next attempt. */
  | {
      readonly status: 'reconnecting';
      readonly attempt: number;
      readonly retryAt: number;
      readonly delayMs: number;
    }
  /** No attempts until the network is back or the app is in the foreground again. */
  | { readonly status: 'offline'; readonly reason: 'network' | 'background' };

export interface ConnectionEvents {
  state: [ConnectionState];
  /** A socket opened (after every connect and reconnect). */
  open: [];
  /** A text frame arrived on the current socket. */
  frame: [string];
  /** The current socket is gone (closed, failed, timed out, or replaced). */
  closed: [{ readonly code: number; readonly reason: string; readonly wasOpen: boolean }];
  /** The session provider failed (e.g. no network for /login); the attempt is retried. */
  sessionError: [unknown];
}

export interface ConnectionDeps {
  /** WebSocket URL without the token, e.g. `wss://chat.example.edu.cn/` or `ws://127.0.0.1:3000/local`. */
  readonly url: string;
  readonly transport: Transport;
  readonly session: SessionProvider;
  readonly clock: Clock;
  readonly random: () => number;
  readonly policy: ConnectionPolicy;
  /** Whether nothing is in flight, so a planned reconnect disturbs no request. */
  readonly isQuiet: () => boolean;
}

interface LiveSocket {
  readonly gen: number;
  readonly socket: TransportSocket;
  opened: boolean;
}

const PING = '{"action":"ping"}';

export class Connection extends Emitter<ConnectionEvents> {
  private running = false;
  private networkUp = true;
  private foreground = true;
  /** Generation of the current attempt; bumped whenever the current socket is abandoned. */
  private gen = 0;
  private live: LiveSocket | undefined;
  /** Set while the session for attempt `gen` is being fetched. */
  private fetchingSessionFor: number | undefined;
  private attempt = 0;
  private handshakeFailures = 0;
  private refreshThreshold: number;
  private forceFreshSession = false;
  private session: Session | undefined;
  private lastSentAt = 0;
  private lastReceivedAt = 0;
  private pongDeadline: number | undefined;
  private plannedDue = false;
  private current: ConnectionState = { status: 'idle' };
  private readonly reconnectTimer: TimerSlot;
  private readonly connectTimer: TimerSlot;
  private readonly heartbeatTimer: TimerSlot;
  private readonly pongTimer: TimerSlot;
  private readonly healthyTimer: TimerSlot;
  private readonly plannedTimer: TimerSlot;
  private readonly plannedWaitTimer: TimerSlot;

  constructor(private readonly deps: ConnectionDeps) {
    super();
    const slot = () => new TimerSlot(deps.clock);
    this.reconnectTimer = slot();
    this.connectTimer = slot();
    this.heartbeatTimer = slot();
    this.pongTimer = slot();
    this.healthyTimer = slot();
    this.plannedTimer = slot();
    this.plannedWaitTimer = slot();
    this.refreshThreshold = deps.policy.refreshAfterHandshakeFailures;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Whether a socket is open and frames can be sent. */
  get online(): boolean {
    return this.live?.opened === true;
  }

  /** The session of the latest attempt (who this client is). */
  get currentSession(): Session | undefined {
    return this.session;
  }

  /** Starts connecting (and keeps reconnecting until `stop`). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect(false);
  }

  /** Closes the socket and stops every timer; nothing happens until `start` again. */
  stop(): void {
    this.running = false;
    this.abandon('stopped');
    this.reconnectTimer.clear();
    this.setState({ status: 'idle' });
  }

  /**
   * The platform reports the network (wx.onNetworkStatusChange, `online`/`offline` events).
   * Going down closes the socket and stops attempts; coming back probes an open socket or
   * connects at once.
   */
  setNetworkAvailable(available: boolean): void {
    if (!available) {
      this.networkUp = false;
      this.goOffline();
      return;
    }
    this.networkUp = true;
    this.wake();
  }

  /**
   * The platform reports foreground/background (wx.onAppShow / onAppHide, visibilitychange).
   * In the background no attempt is made (WeChat kills sockets ~5 s after hiding anyway); an open
   * socket is left alone. Back in the foreground: probe the socket, or connect at once.
   */
  setForeground(foreground: boolean): void {
    this.foreground = foreground;
    if (foreground) {
      this.wake();
      return;
    }
    if (!this.live?.opened) this.goOffline();
  }

  /** Connects now if not connected (a "retry now" button); probes an open socket. */
  reconnectNow(): void {
    this.wake();
  }

  /** Sends a frame on the open socket; false when there is none (the caller retries on `open`). */
  send(frame: ClientFrame): boolean {
    return this.sendText(JSON.stringify(frame));
  }

  /**
   * Something that should have been answered was not (an ack, a reply): probe the socket with a
   * short pong timeout rather than wait for the idle heartbeat to notice a dead one.
   */
  checkAlive(): void {
    this.probe(this.deps.policy.probeTimeoutMs);
  }

  /** Called when a request completes: a due planned reconnect waits for quiet. */
  checkPlannedReconnect(): void {
    if (this.plannedDue && this.deps.isQuiet()) this.reconnectPlanned();
  }

  private sendText(text: string): boolean {
    const live = this.live;
    if (!live?.opened) return false;
    try {
      live.socket.send(text);
    } catch {
      // The socket died under us. Report it after this call returns, not from inside it.
      void Promise.resolve().then(() => this.lost(live.gen, 1006, 'send failed'));
      return false;
    }
    this.lastSentAt = this.deps.clock.now();
    this.scheduleHeartbeat();
    return true;
  }

  private connect(planned: boolean): void {
    if (!this.running) return;
    if (!this.networkUp || !this.foreground) {
      this.goOffline();
      return;
    }
    this.reconnectTimer.clear();
    this.abandon('reconnect');
    const gen = ++this.gen;
    this.setState({ status: 'connecting', attempt: this.attempt, planned });
    void this.openSocket(gen);
  }

  private async openSocket(gen: number): Promise<void> {
    let session: Session;
    this.fetchingSessionFor = gen;
    // One deadline for the whole attempt, login included: a hung /login must not stall the client.
    this.connectTimer.set(this.deps.policy.connectTimeoutMs, () =>
      this.lost(gen, 1006, 'connect timeout'),
    );
    try {
      session = await this.sessionForAttempt();
    } catch (error) {
      if (gen !== this.gen) return;
      this.fetchingSessionFor = undefined;
      // This attempt is over; its deadline must not end the next one's backoff early.
      this.connectTimer.clear();
      this.emit('sessionError', error);
      this.scheduleReconnect();
      return;
    } finally {
      if (this.fetchingSessionFor === gen) this.fetchingSessionFor = undefined;
    }
    if (gen !== this.gen || !this.running) return;
    const socket = this.deps.transport.open(withToken(this.deps.url, session.token), {
      onOpen: () => this.opened(gen),
      onMessage: (data) => this.received(gen, data),
      onClose: (code, reason) => this.lost(gen, code, reason),
      onError: (message) => this.lost(gen, 1006, message),
    });
    if (gen !== this.gen) {
      socket.close(1000, 'superseded');
      return;
    }
    this.live = { gen, socket, opened: false };
  }

  private async sessionForAttempt(): Promise<Session> {
    const { session: provide, clock, policy } = this.deps;
    let session =
      this.session && !this.forceFreshSession
        ? this.session
        : await provide({ fresh: this.forceFreshSession });
    if (session.expiresAt - clock.now() < policy.tokenRefreshMarginMs) {
      session = await provide({ fresh: true });
    }
    this.session = session;
    this.forceFreshSession = false;
    return session;
  }

  private opened(gen: number): void {
    const live = this.live;
    if (!live || live.gen !== gen || live.opened) return;
    live.opened = true;
    this.connectTimer.clear();
    this.handshakeFailures = 0;
    this.refreshThreshold = this.deps.policy.refreshAfterHandshakeFailures;
    const { clock, policy } = this.deps;
    const now = clock.now();
    this.lastSentAt = now;
    this.lastReceivedAt = now;
    this.pongDeadline = undefined;
    this.healthyTimer.set(policy.healthyAfterMs, () => {
      this.attempt = 0;
    });
    this.plannedTimer.set(policy.maxConnectionMs - policy.plannedReconnectMarginMs, () => {
      this.plannedDue = true;
      this.plannedWaitTimer.set(policy.plannedReconnectMaxWaitMs, () => this.reconnectPlanned());
      this.checkPlannedReconnect();
    });
    this.scheduleHeartbeat();
    this.setState({ status: 'online', since: now });
    this.emit('open');
  }

  private received(gen: number, data: string): void {
    const live = this.live;
    if (!live || live.gen !== gen || !live.opened) return;
    // Any frame proves the socket is alive.
    this.lastReceivedAt = this.deps.clock.now();
    this.pongDeadline = undefined;
    this.pongTimer.clear();
    this.scheduleHeartbeat();
    this.emit('frame', data);
    this.checkPlannedReconnect();
  }

  private lost(gen: number, code: number, reason: string): void {
    if (gen !== this.gen) return;
    const hadSocket = this.live?.gen === gen;
    const wasOpen = this.abandon(reason, code);
    if (hadSocket && !wasOpen) {
      this.handshakeFailures++;
      // The handshake's status is invisible: after repeated failures assume the token was refused.
      if (this.handshakeFailures >= this.refreshThreshold) {
        this.forceFreshSession = true;
        this.refreshThreshold *= 2;
      }
    }
    this.scheduleReconnect();
  }

  /**
   * Closes and forgets the current socket (if any) and every timer tied to it; every later event of
   * it becomes stale. Returns whether the socket had been open.
   */
  private abandon(reason: string, code = 1000): boolean {
    this.gen++;
    this.fetchingSessionFor = undefined;
    for (const timer of [
      this.connectTimer,
      this.heartbeatTimer,
      this.pongTimer,
      this.healthyTimer,
      this.plannedTimer,
      this.plannedWaitTimer,
    ])
      timer.clear();
    this.plannedDue = false;
    this.pongDeadline = undefined;
    const live = this.live;
    this.live = undefined;
    if (!live) return false;
    try {
      live.socket.close(1000, reason.slice(0, 100));
    } catch {
      // Already closed: nothing to release.
    }
    this.emit('closed', { code, reason, wasOpen: live.opened });
    return live.opened;
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    if (!this.networkUp || !this.foreground) {
      this.goOffline();
      return;
    }
    const { policy, random, clock } = this.deps;
    const delayMs = fullJitterDelay(
      this.attempt,
      policy.backoffBaseMs,
      policy.backoffCapMs,
      random,
    );
    this.attempt++;
    this.setState({
      status: 'reconnecting',
      attempt: this.attempt,
      retryAt: clock.now() + delayMs,
      delayMs,
    });
    this.reconnectTimer.set(delayMs, () => this.connect(false));
  }

  private goOffline(): void {
    this.reconnectTimer.clear();
    this.abandon('offline');
    if (!this.running) return;
    this.setState({ status: 'offline', reason: this.networkUp ? 'background' : 'network' });
  }

  private wake(): void {
    if (!this.running || !this.networkUp || !this.foreground) return;
    if (this.live?.opened) {
      this.probe(this.deps.policy.probeTimeoutMs);
      return;
    }
    // A handshake (or the login before it) is already under way: let it finish or time out.
    if (this.live || this.fetchingSessionFor === this.gen) return;
    this.connect(false);
  }

  private reconnectPlanned(): void {
    if (!this.live?.opened) return;
    this.attempt = 0;
    this.connect(true);
  }

  private scheduleHeartbeat(): void {
    const { clock, policy } = this.deps;
    const due = Math.min(this.lastSentAt, this.lastReceivedAt) + policy.heartbeatIdleMs;
    this.heartbeatTimer.set(due - clock.now(), () => {
      // No heartbeat from the background: WeChat ends the socket there anyway, and the return to
      // the foreground probes at once.
      if (!this.foreground) return;
      if (this.pongDeadline === undefined) this.probe(policy.pongTimeoutMs);
    });
  }

  /** Sends a ping and declares the socket dead if no frame arrives within `timeoutMs`. */
  private probe(timeoutMs: number): void {
    const live = this.live;
    if (!live?.opened) return;
    const deadline = this.deps.clock.now() + timeoutMs;
    if (this.pongDeadline !== undefined && this.pongDeadline <= deadline) return;
    if (!this.sendText(PING)) return;
    this.pongDeadline = deadline;
    this.pongTimer.set(timeoutMs, () => this.lost(live.gen, 1006, 'no pong'));
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.emit('state', state);
  }
}

/** The WebSocket URL with the token as the `token` query parameter. */
export function withToken(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}
