/**
 * The WebSocket transport keeps the core's Transport contract on top of the browser API: nothing
 * reported synchronously from `open`, text frames only, close codes and reasons a browser accepts,
 * and `send` on a socket that is not open throws instead of dropping the frame. (The Chromium
 * tests in test/console.test.ts run it on real sockets.) Here a stand-in with the browser's
 * WebSocket API records what the adapter does with it.
 */
import { describe, expect, it } from 'vitest';
import type { TransportHandlers } from '../../../client/index';
import { webSocketTransport } from './websocket-transport';

class BrowserLikeSocket {
  static readonly created: BrowserLikeSocket[] = [];
  readonly OPEN = 1;
  readyState = 0;
  readonly sent: string[] = [];
  closedWith: [number, string] | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;

  constructor(readonly url: string) {
    if (!url.startsWith('ws')) throw new SyntaxError(`invalid URL ${url}`);
    BrowserLikeSocket.created.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code: number, reason: string): void {
    if (code !== 1000 && (code < 3000 || code > 4999)) throw new Error('InvalidAccessError');
    if (new TextEncoder().encode(reason).length > 123) throw new Error('SyntaxError');
    this.closedWith = [code, reason];
  }
}

function recorder(): { handlers: TransportHandlers; events: string[] } {
  const events: string[] = [];
  return {
    events,
    handlers: {
      onOpen: () => events.push('open'),
      onMessage: (data) => events.push(`message ${data}`),
      onClose: (code, reason) => events.push(`close ${code} ${reason}`),
      onError: (message) => events.push(`error ${message}`),
    },
  };
}

const transport = webSocketTransport(
  BrowserLikeSocket as unknown as new (url: string) => WebSocket,
);

describe('browser WebSocket transport', () => {
  it('forwards open, text frames and close; drops binary; sends only while open', () => {
    // Prepare
    const { handlers, events } = recorder();
    const socket = transport.open('ws://127.0.0.1:3000/local?token=t', handlers);
    const ws = BrowserLikeSocket.created.at(-1) as BrowserLikeSocket;

    // Act
    let sendBeforeOpen: unknown;
    try {
      socket.send('early');
    } catch (error) {
      sendBeforeOpen = error;
    }
    ws.readyState = 1;
    ws.onopen?.();
    ws.onmessage?.({ data: '{"type":"pong"}' });
    ws.onmessage?.({ data: new ArrayBuffer(4) });
    socket.send('{"action":"ping"}');
    socket.close(1006, 'x'.repeat(200));
    ws.onclose?.({ code: 1006, reason: '' });

    // Assess
    expect(sendBeforeOpen).toBeInstanceOf(Error);
    expect(ws.sent).toEqual(['{"action":"ping"}']);
    expect(events).toEqual(['open', 'message {"type":"pong"}', 'close 1006 ']);
    // 1006 may not be sent by a client: it becomes 1000, and the reason fits 123 bytes.
    expect(ws.closedWith?.[0]).toBe(1000);
    expect(ws.closedWith?.[1]).toHaveLength(123);
  });

  it('reports a socket that cannot even be created after open returns, never from inside it', async () => {
    // Prepare
    const { handlers, events } = recorder();

    // Act
    const socket = transport.open('http://not-a-websocket', handlers);
    const duringOpen = [...events];
    await new Promise((resolve) => setTimeout(resolve, 0));

    // Assess
    expect(duringOpen).toEqual([]);
    expect(events).toEqual([
      'error invalid URL http://not-a-websocket',
      'close 1006 invalid URL http://not-a-websocket',
    ]);
    expect(() => socket.send('x')).toThrow();
    expect(() => socket.close(1000, 'done')).not.toThrow();
  });
});
