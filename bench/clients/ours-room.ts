/**
 * A campus-chat room on the real local stack, set up through the protocol: an admin creates it,
 * every member logs in and joins, then all members connect and stay connected.
 */
import type WebSocket from 'ws';
import type { StackInfo } from '../stack/stack-process';
import { mapConcurrently } from './concurrency';
import { DeliveryTracker, type SendResult } from './delivery-tracker';
import {
  closeSocket,
  connectWithToken,
  type Frame,
  frameId,
  login,
  request,
} from './ours-protocol';
import type { RoomHandle } from './room';

/** A room on our stack: sends may also reuse an id (a retry, as the client outbox does). */
export interface OursRoomHandle extends RoomHandle {
  /** Sends from member `from` with the frame id `id`; rejects with SendRefused on an error frame. */
  sendWithId(from: number, id: string): Promise<SendResult>;
}

export interface OursRoomOptions {
  readonly tag: string;
  readonly size: number;
  readonly admin: string;
}

/** Opens a room of `size` connected members on `stack`. */
export async function openOursRoom(
  stack: StackInfo,
  options: OursRoomOptions,
): Promise<OursRoomHandle> {
  const adminSocket = await connectWithToken(
    stack.websocket,
    await login(stack.login, options.admin),
  );
  const created = await request(adminSocket, { action: 'createroom', title: options.tag });
  const conversationId = String((created.conversation as Frame).id);
  await closeSocket(adminSocket);

  const names = Array.from({ length: options.size }, (_, i) => `${options.tag}-m${i}`);
  const tokens = await mapConcurrently(names.length, 8, (i) =>
    login(stack.login, names[i] as string),
  );
  // Join on a short-lived connection each, a few at a time: presence notices then go to the few
  // members online at that moment instead of every member (which would make set-up quadratic).
  await mapConcurrently(names.length, 6, async (i) => {
    const ws = await connectWithToken(stack.websocket, tokens[i] as string);
    await request(ws, { action: 'join', conversationId });
    await closeSocket(ws);
  });

  const tracker = new DeliveryTracker();
  const sockets = await mapConcurrently(names.length, 16, async (i) => {
    const ws = await connectWithToken(stack.websocket, tokens[i] as string);
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.type === 'message') {
        tracker.delivered(String((frame.message as Frame).clientId));
      } else if (frame.type === 'ack') {
        tracker.acked(String(frame.id));
      } else if (frame.type === 'error' && frame.id) {
        tracker.failed(
          String(frame.id),
          String(frame.code),
          String(frame.message),
          typeof frame.retryAfterMs === 'number' ? frame.retryAfterMs : undefined,
        );
      }
    });
    return ws;
  });

  const sendWithId = (from: number, id: string) => {
    const ws = sockets[from % sockets.length] as WebSocket;
    const done = tracker.expect(id, options.size - 1, true);
    ws.send(JSON.stringify({ action: 'sendmessage', id, conversationId, text: `bench ${id}` }));
    return done;
  };
  return {
    system: 'ours',
    size: options.size,
    send: (from = 0) => sendWithId(from, frameId('m')),
    sendWithId,
    async close() {
      await Promise.all(sockets.map(closeSocket));
    },
  };
}
