/** A room on the socket.io 4 baseline: members join it, messages are broadcast to the others. */
import { io, type Socket } from 'socket.io-client';
import { mapConcurrently } from './concurrency';
import { DeliveryTracker } from './delivery-tracker';
import { frameId } from './ours-protocol';
import type { RoomHandle } from './room';

/** Connects a socket.io client over WebSocket (no long-polling phase). */
export function connectSocketIo(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Opens a room of `size` connected, joined members. */
export async function openSocketIoRoom(
  url: string,
  options: { tag: string; size: number },
): Promise<RoomHandle> {
  const tracker = new DeliveryTracker();
  const sockets = await mapConcurrently(options.size, 16, async () => {
    const socket = await connectSocketIo(url);
    await new Promise<void>((resolve) => socket.emit('join', options.tag, () => resolve()));
    socket.on('chat', (payload: { id: string }) => tracker.delivered(payload.id));
    return socket;
  });
  return {
    system: 'socketio',
    size: options.size,
    send(from = 0) {
      const id = frameId('io');
      const done = tracker.expect(id, options.size - 1, false);
      (sockets[from % sockets.length] as Socket).emit('chat', options.tag, {
        id,
        text: `bench ${id}`,
      });
      return done;
    },
    async close() {
      for (const socket of sockets) socket.disconnect();
    },
  };
}
