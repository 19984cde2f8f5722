/**
 * Background connections, in a process of their own: the many connected clients "in other
 * conversations" that make total connections grow while the measured room stays the same size.
 * On our stack they are students logged in and connected (each in their own support
 * conversation); on the Scan baseline, plain connections that parse and drop every broadcast, as
 * that design's clients must.
 */
import type WebSocket from 'ws';
import { serve } from '../ipc';
import { mapConcurrently } from './concurrency';
import { closeSocket, login, openSocketWithBackoff, throttledHandshakes } from './ours-protocol';

const sockets: WebSocket[] = [];
let received = 0;

serve({
  /** Logs in and connects users `${prefix}${from}` … `${prefix}${to - 1}` on our stack. */
  async connectOurs(args: {
    login: string;
    websocket: string;
    prefix: string;
    from: number;
    to: number;
  }): Promise<number> {
    const opened = await mapConcurrently(args.to - args.from, 24, async (i) => {
      const token = await login(args.login, `${args.prefix}${args.from + i}`);
      const ws = await openSocketWithBackoff(
        `${args.websocket}?token=${encodeURIComponent(token)}`,
      );
      ws.on('message', () => {
        received += 1;
      });
      return ws;
    });
    sockets.push(...opened);
    return sockets.length;
  },

  /** Opens `count` plain connections to the Scan baseline. */
  async connectScan(args: { websocket: string; count: number }): Promise<number> {
    const opened = await mapConcurrently(args.count, 32, async () => {
      const ws = await openSocketWithBackoff(args.websocket);
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { room?: string };
        if (message.room === '(none of ours)') received += 1;
      });
      return ws;
    });
    sockets.push(...opened);
    return sockets.length;
  },

  stats: () => ({ connections: sockets.length, received, throttledHandshakes }),
  cpuUsage: () => process.cpuUsage(),

  /**
   * Closes up to `count` of the connections; resolves with how many are left. Closing thousands
   * at once starts thousands of $disconnect invocations in the local stack's one process (on AWS,
   * each its own Lambda), which then share one DynamoDB client's sockets and time out; the bench
   * closes in waves and lets each wave's invocations finish.
   */
  async closeSome(count: number): Promise<number> {
    const wave = sockets.splice(0, count);
    await mapConcurrently(wave.length, 64, (i) => closeSocket(wave[i] as WebSocket));
    return sockets.length;
  },
});
