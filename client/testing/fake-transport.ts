/**
 * A scriptable transport for tests: every `open` creates a FakeSocket the test drives (open it,
 * deliver frames, close it from the "server" side, raise errors) and inspects (frames sent,
 * whether the client closed it). It counts live sockets to prove there is never more than one.
 */
import type { Transport, TransportHandlers, TransportSocket } from '../transport';

export class FakeSocket implements TransportSocket {
  readonly sent: string[] = [];
  closedByClient: { code: number; reason: string } | undefined;
  endedByServer = false;
  opened = false;
  /** Called after each frame the client sends (a fake server answers from here). */
  onSend: ((frame: Record<string, unknown>) => void) | undefined;

  constructor(
    readonly url: string,
    private readonly handlers: TransportHandlers,
    private readonly transport: FakeTransport,
  ) {}

  /** Neither side has closed it. */
  get live(): boolean {
    return !this.closedByClient && !this.endedByServer;
  }

  /** The frames the client sent, parsed. */
  frames(): Record<string, unknown>[] {
    return this.sent.map((s) => JSON.parse(s) as Record<string, unknown>);
  }

  framesOf(action: string): Record<string, unknown>[] {
    return this.frames().filter((f) => f.action === action);
  }

  /** The handshake completes. */
  open(): void {
    this.opened = true;
    this.handlers.onOpen();
  }

  /** The server sends a frame. */
  receive(frame: object | string): void {
    this.handlers.onMessage(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The server or the network ends the socket. */
  end(code = 1006, reason = ''): void {
    this.endedByServer = true;
    this.handlers.onClose(code, reason);
  }

  error(message = 'network error'): void {
    this.handlers.onError(message);
  }

  send(data: string): void {
    if (!this.live || !this.opened) throw new Error('socket is not open');
    this.sent.push(data);
    this.transport.sentCount++;
    this.onSend?.(JSON.parse(data) as Record<string, unknown>);
  }

  close(code: number, reason: string): void {
    this.closedByClient ??= { code, reason };
  }
}

export class FakeTransport implements Transport {
  readonly sockets: FakeSocket[] = [];
  /** Most sockets live at the same time, ever. */
  maxLive = 0;
  sentCount = 0;
  /** Called for every new socket (a fake server attaches here). */
  onSocket: ((socket: FakeSocket) => void) | undefined;

  open(url: string, handlers: TransportHandlers): TransportSocket {
    const socket = new FakeSocket(url, handlers, this);
    this.sockets.push(socket);
    this.maxLive = Math.max(this.maxLive, this.live().length);
    this.onSocket?.(socket);
    return socket;
  }

  live(): FakeSocket[] {
    return this.sockets.filter((s) => s.live);
  }

  get last(): FakeSocket {
    const last = this.sockets.at(-1);
    if (!last) throw new Error('no socket was opened');
    return last;
  }
}
