/**
 * The chat core's Transport on the browser's `WebSocket`. A browser cannot see why a handshake
 * failed (401 and 503 both look like a lost network); the core handles that. A client may only
 * close with 1000 or 3000–4999 and a reason of at most 123 bytes, or `close` throws.
 */
import {
  clientCloseCode,
  clientCloseReason,
  type Transport,
  type TransportHandlers,
  type TransportSocket,
} from '../../../client/index';

type WebSocketConstructor = new (url: string) => WebSocket;

/** Reports a socket that could not even be created, after `open` returns (the contract). */
function failLater(handlers: TransportHandlers, message: string): TransportSocket {
  setTimeout(() => {
    handlers.onError(message);
    handlers.onClose(1006, message);
  }, 0);
  return {
    send() {
      throw new Error('socket not open');
    },
    close() {
      // Nothing was opened.
    },
  };
}

/** A Transport that opens browser WebSockets (or any class with the same API). */
export function webSocketTransport(Impl: WebSocketConstructor = WebSocket): Transport {
  return {
    open(url, handlers): TransportSocket {
      let ws: WebSocket;
      try {
        ws = new Impl(url);
      } catch (error) {
        // A malformed URL or a blocked port throws synchronously.
        return failLater(handlers, error instanceof Error ? error.message : String(error));
      }
      ws.onopen = () => handlers.onOpen();
      ws.onmessage = (event: MessageEvent) => {
        // The protocol is JSON text; binary frames are not part of it.
        if (typeof event.data === 'string') handlers.onMessage(event.data);
      };
      // For the core's logs, never shown: the banner says what the connection state means.
      ws.onerror = () => handlers.onError('websocket error');
      ws.onclose = (event: CloseEvent) => handlers.onClose(event.code, event.reason);
      return {
        send(data) {
          // A browser silently drops what is sent on a closing socket; say so instead.
          if (ws.readyState !== ws.OPEN) throw new Error('socket not open');
          ws.send(data);
        },
        close(code, reason) {
          try {
            ws.close(clientCloseCode(code), clientCloseReason(reason));
          } catch {
            // Already closed.
          }
        },
      };
    },
  };
}
