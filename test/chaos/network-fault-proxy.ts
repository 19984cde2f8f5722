/**
 * A TCP proxy between WebSocket clients and the gateway that plays a bad network: it reads the
 * WebSocket frames going each way (RFC 6455 framing; client frames are unmasked to read them) and
 * can cut a connection in the middle of any frame — half a frame goes through, then the
 * connection ends, as when a phone loses its network mid-send or mid-ack. It can also cut many
 * connections at once (a reconnect storm). Clients name themselves with a `chaos` query parameter
 * on the URL (the gateway ignores it), so a fault plan can target one client.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type Direction = 'up' | 'down';

/** One frame as the proxy sees it. */
export interface SeenFrame {
  /** `up`: client to gateway; `down`: gateway to client. */
  readonly direction: Direction;
  /** 1 text, 2 binary, 8 close, 9 ping, 10 pong (0 continuation). */
  readonly opcode: number;
  /** The payload as text (text frames), else undefined. */
  readonly text: string | undefined;
}

export interface ProxiedConnection {
  readonly id: number;
  /** The `chaos` query parameter of the client's handshake, if any. */
  readonly tag: string | undefined;
  readonly openedAt: number;
}

/** Decides for each complete frame whether the connection is cut in the middle of it. */
export type FrameCutter = (connection: ProxiedConnection, frame: SeenFrame) => boolean;

export interface CutRecord {
  readonly tag: string | undefined;
  readonly direction: Direction | 'both';
  /** What the cut frame was: `ack`, `sync`… (the `type` or `action`), or `between frames`. */
  readonly what: string;
}

export interface NetworkFaultProxy {
  readonly port: number;
  /** The proxy's ws:// URL for the gateway URL given (same path). */
  readonly url: string;
  setCutter(cutter: FrameCutter | undefined): void;
  /** Open connections, oldest first. */
  connections(): ProxiedConnection[];
  /** Cuts these connections now, between frames (a storm when there are many). */
  cut(ids: readonly number[]): number;
  /** Every cut so far. */
  readonly cuts: CutRecord[];
  stop(): Promise<void>;
}

interface Pipe {
  readonly connection: ProxiedConnection & { tag: string | undefined };
  readonly client: Socket;
  readonly upstream: Socket;
  /** Bytes received and not yet forwarded, per direction. */
  readonly pending: Record<Direction, Buffer>;
  /** Until the HTTP upgrade is through, bytes are forwarded as they come. */
  readonly handshake: Record<Direction, boolean>;
  /** The handshake was refused (not 101): the rest is an HTTP body, passed through as is. */
  raw: boolean;
  closed: boolean;
}

/** Starts a proxy on a free port in front of `gatewayUrl` (ws://host:port/stage). */
export async function startNetworkFaultProxy(gatewayUrl: string): Promise<NetworkFaultProxy> {
  const target = new URL(gatewayUrl);
  const pipes = new Map<number, Pipe>();
  const cuts: CutRecord[] = [];
  let cutter: FrameCutter | undefined;
  let nextId = 1;

  function end(pipe: Pipe, record: CutRecord | undefined): void {
    if (pipe.closed) return;
    pipe.closed = true;
    pipes.delete(pipe.connection.id);
    if (record) cuts.push(record);
    // What was written goes out first, then the connection ends; no close frame either way.
    pipe.client.end();
    pipe.upstream.end();
    setTimeout(() => {
      pipe.client.destroy();
      pipe.upstream.destroy();
    }, 200).unref();
  }

  function onData(pipe: Pipe, direction: Direction, chunk: Buffer): void {
    if (pipe.closed) return;
    const to = direction === 'up' ? pipe.upstream : pipe.client;
    if (pipe.raw) {
      to.write(chunk);
      return;
    }
    let data =
      pipe.pending[direction].length > 0 ? Buffer.concat([pipe.pending[direction], chunk]) : chunk;
    if (pipe.handshake[direction]) {
      const headerEnd = data.indexOf('\r\n\r\n');
      if (headerEnd < 0) {
        pipe.pending[direction] = data;
        return;
      }
      const head = data.subarray(0, headerEnd + 4);
      if (direction === 'up') pipe.connection.tag = tagOf(head.toString('latin1'));
      to.write(head);
      pipe.handshake[direction] = false;
      data = data.subarray(headerEnd + 4);
      if (direction === 'down' && !head.toString('latin1').startsWith('HTTP/1.1 101')) {
        pipe.raw = true;
        pipe.pending[direction] = Buffer.alloc(0);
        if (data.length > 0) to.write(data);
        return;
      }
    }
    let offset = 0;
    for (;;) {
      const frame = parseFrame(data, offset);
      if (!frame) break;
      const seen: SeenFrame = { direction, opcode: frame.opcode, text: frame.text };
      if (cutter?.(pipe.connection, seen)) {
        // Half of this frame goes through, then the connection ends.
        const half = offset + Math.max(1, Math.floor((frame.end - offset) / 2));
        to.write(data.subarray(offset, half));
        end(pipe, { tag: pipe.connection.tag, direction, what: describe(frame.text) });
        return;
      }
      offset = frame.end;
    }
    if (offset > 0) to.write(data.subarray(0, offset));
    pipe.pending[direction] = Buffer.from(data.subarray(offset));
  }

  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    const pipe: Pipe = {
      connection: { id: nextId++, tag: undefined, openedAt: Date.now() },
      client,
      upstream,
      pending: { up: Buffer.alloc(0), down: Buffer.alloc(0) },
      handshake: { up: true, down: true },
      raw: false,
      closed: false,
    };
    pipes.set(pipe.connection.id, pipe);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => onData(pipe, 'up', chunk));
    upstream.on('data', (chunk: Buffer) => onData(pipe, 'down', chunk));
    const close = () => end(pipe, undefined);
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
      socket.on('end', close);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url: `ws://127.0.0.1:${port}${target.pathname}`,
    setCutter(value) {
      cutter = value;
    },
    connections: () => [...pipes.values()].map((p) => p.connection),
    cut(ids) {
      let count = 0;
      for (const id of ids) {
        const pipe = pipes.get(id);
        if (!pipe) continue;
        end(pipe, { tag: pipe.connection.tag, direction: 'both', what: 'between frames' });
        count++;
      }
      return count;
    },
    cuts,
    async stop() {
      for (const pipe of pipes.values()) end(pipe, undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tagOf(head: string): string | undefined {
  const target = head.slice(0, head.indexOf('\r\n')).split(' ')[1] ?? '/';
  return new URL(target, 'http://proxy.local').searchParams.get('chaos') ?? undefined;
}

function describe(text: string | undefined): string {
  if (text === undefined) return 'control frame';
  const kind = /"(?:type|action)"\s*:\s*"([^"]{1,32})"/.exec(text)?.[1];
  return kind ?? 'frame';
}

/** The frame starting at `offset`, if it is complete. */
function parseFrame(
  data: Buffer,
  offset: number,
): { opcode: number; text: string | undefined; end: number } | undefined {
  if (data.length - offset < 2) return undefined;
  const first = data[offset] as number;
  const second = data[offset + 1] as number;
  const masked = (second & 0x80) !== 0;
  let length = second & 0x7f;
  let cursor = offset + 2;
  if (length === 126) {
    if (data.length < cursor + 2) return undefined;
    length = data.readUInt16BE(cursor);
    cursor += 2;
  } else if (length === 127) {
    if (data.length < cursor + 8) return undefined;
    length = Number(data.readBigUInt64BE(cursor));
    cursor += 8;
  }
  const maskAt = cursor;
  if (masked) cursor += 4;
  const end = cursor + length;
  if (data.length < end) return undefined;
  const opcode = first & 0x0f;
  let text: string | undefined;
  if (opcode === 1) {
    const payload = Buffer.from(data.subarray(cursor, end));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= data[maskAt + (i % 4)]!;
    text = payload.toString('utf8');
  }
  return { opcode, text, end };
}
