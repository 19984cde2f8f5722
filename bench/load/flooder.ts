/**
 * The flooding client of `npm run bench:load`: one logged-in student on one raw WebSocket, sending
 * `sendmessage` frames as fast as asked (far beyond every limit), counting what comes back. What
 * the product accepted is recorded for the invariant check like any other user's messages.
 */
import WebSocket from 'ws';
import type { Expectations } from '../../test/support/invariants';
import { connectWithToken, login } from '../clients/ours-protocol';

export interface FloodResult {
  readonly framesSent: number;
  readonly acks: number;
  readonly rateLimited: number;
  readonly otherReplies: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Every frame sent (the server may refuse any of them). */
  readonly attempted: Expectations['typed'][number][];
  readonly acked: Expectations['acked'][number][];
}

/** Floods for `seconds` at `rate` frames/s; resolves once the replies have come in. */
export async function flood(args: {
  websocket: string;
  login: string;
  name: string;
  rate: number;
  seconds: number;
}): Promise<FloodResult> {
  const ws = await connectWithToken(args.websocket, await login(args.login, args.name));
  const conversationId = `support:${args.name}`;
  const attempted: FloodResult['attempted'] = [];
  const acked: FloodResult['acked'] = [];
  const otherReplies: Record<string, number> = {};
  let acks = 0;
  let rateLimited = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as {
      type?: string;
      id?: string;
      code?: string;
      message?: { conversationId: string; seq: number; id: string };
    };
    if (frame.type === 'ack' && frame.id && frame.message) {
      acks++;
      acked.push({
        senderId: args.name,
        clientId: frame.id,
        conversationId: frame.message.conversationId,
        seq: frame.message.seq,
        messageId: frame.message.id,
      });
    } else if (frame.type === 'error' && frame.code === 'RATE_LIMITED') rateLimited++;
    else {
      const key = frame.type === 'error' ? `error ${frame.code}` : String(frame.type);
      otherReplies[key] = (otherReplies[key] ?? 0) + 1;
    }
  });
  const started = Date.now();
  let sent = 0;
  // Ticks of 10 ms, each sending what the rate owes by then.
  while (Date.now() - started < args.seconds * 1000 && ws.readyState === WebSocket.OPEN) {
    const owed = Math.floor(((Date.now() - started) / 1000) * args.rate) - sent;
    for (let i = 0; i < owed; i++) {
      const id = `flood-${++sent}`;
      const text = `flood ${sent}`;
      attempted.push({ senderId: args.name, clientId: id, conversationId, text });
      ws.send(JSON.stringify({ action: 'sendmessage', id, conversationId, text }));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const seconds = (Date.now() - started) / 1000;
  // Replies still on their way.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await new Promise<void>((resolve) => {
    ws.once('close', () => resolve());
    ws.close(1000);
  });
  return { framesSent: sent, acks, rateLimited, otherReplies, seconds, attempted, acked };
}
