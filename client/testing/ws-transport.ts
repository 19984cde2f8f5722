/**
 * The chat core's Transport on Node's `ws` WebSocket client, for suites and tools that run many
 * real ChatClient instances against the real local stack (the chaos suite, the load bench). Like
 * a browser or `wx.connectSocket`, it never sees why a handshake failed. `observe` sees every text
 * frame in both directions, for checks that need to know what went over the wire (acks).
 */
import WebSocket from 'ws';
import type { Transport, TransportSocket } from '../transport';

export interface WsTransportOptions {
  /** Called with every text frame sent (`out`) and received (`in`). */
  readonly observe?: (direction: 'in' | 'out', data: string) => void;
}

/** A Transport that opens `ws` WebSockets (no compression, as API Gateway offers none). */
export function wsTransport(options: WsTransportOptions = {}): Transport {
  const { observe } = options;
  return {
    open(url, handlers): TransportSocket {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on('open', () => handlers.onOpen());
      ws.on('message', (data, isBinary) => {
        // The protocol is JSON text; binary frames are not part of it.
        if (isBinary) return;
        const text = data.toString();
        observe?.('in', text);
        handlers.onMessage(text);
      });
      ws.on('unexpected-response', (_request, response) => {
        // The status is not passed on: no real platform can see it.
        response.resume();
        ws.terminate();
      });
      ws.on('error', (error) => handlers.onError(error.message));
      ws.on('close', (code, reason) => handlers.onClose(code, reason.toString()));
      return {
        send(data) {
          if (ws.readyState !== WebSocket.OPEN) throw new Error('socket not open');
          observe?.('out', data);
          ws.send(data);
        },
        close(code, reason) {
          if (ws.readyState === WebSocket.CONNECTING) {
            // Closing a handshake in progress: ws requires terminate.
            ws.terminate();
            return;
          }
          try {
            ws.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, reason);
          } catch {
            ws.terminate();
          }
        },
      };
    },
  };
}
