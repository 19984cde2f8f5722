/**
 * The socket.io 4 baseline: the chat server the background articles build, with rooms. A client
 * joins a room, and a chat message is broadcast in memory to the others in it
 * (`socket.to(room).emit`). No authentication, no persistence, no ordering guarantee, no ack:
 * a restart loses everything. Default server options, so its heartbeat is socket.io's default.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { serve } from '../../ipc';

export interface SocketIoInfo {
  readonly url: string;
  /** The server's heartbeat settings, read from the running instance. */
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
}

let io: Server | undefined;

serve({
  async start(): Promise<SocketIoInfo> {
    const http = createServer();
    io = new Server(http);
    io.on('connection', (socket) => {
      socket.on('join', (room: string, ack?: () => void) => {
        void socket.join(room);
        ack?.();
      });
      socket.on('chat', (room: string, payload: unknown) => {
        socket.to(room).emit('chat', payload);
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const { port } = http.address() as AddressInfo;
    const opts = (io.engine as unknown as { opts: { pingInterval: number; pingTimeout: number } })
      .opts;
    return {
      url: `http://127.0.0.1:${port}`,
      pingIntervalMs: opts.pingInterval,
      pingTimeoutMs: opts.pingTimeout,
    };
  },
  cpuUsage: () => process.cpuUsage(),
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (io ? io.close(() => resolve()) : resolve()));
  },
});
