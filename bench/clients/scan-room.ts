/**
 * A "room" on the Scan baseline: the sample has no rooms, so members are plain connections that
 * keep what carries their room tag and drop the rest, as a client of that design must.
 */
import type WebSocket from 'ws';
import { mapConcurrently } from './concurrency';
import { DeliveryTracker } from './delivery-tracker';
import { closeSocket, frameId, openSocket } from './ours-protocol';
import type { RoomHandle } from './room';

/** Opens `size` connections to the baseline's gateway, one room tagged `tag`. */
export async function openScanRoom(
  websocketUrl: string,
  options: { tag: string; size: number },
): Promise<RoomHandle> {
  const tracker = new DeliveryTracker();
  const sockets = await mapConcurrently(options.size, 16, async (i) => {
    const ws = await openSocket(websocketUrl);
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { room?: string; id?: string; from?: number };
      // The sample posts to every connection, the sender included: filter by room, skip our own.
      if (message.room === options.tag && message.from !== i) tracker.delivered(String(message.id));
    });
    return ws;
  });
  return {
    system: 'scan',
    size: options.size,
    send(from = 0) {
      const id = frameId('s');
      const done = tracker.expect(id, options.size - 1, false);
      const data = JSON.stringify({ room: options.tag, id, from, text: `bench ${id}` });
      (sockets[from % sockets.length] as WebSocket).send(
        JSON.stringify({ action: 'sendmessage', data }),
      );
      return done;
    },
    async close() {
      await Promise.all(sockets.map(closeSocket));
    },
  };
}
