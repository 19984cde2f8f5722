/**
 * The one thing a platform must provide to carry the chat: open a WebSocket-like connection.
 * The mini-program implements it with `wx.connectSocket` / `SocketTask`, the browser console with
 * `WebSocket`, the tests with a scriptable fake or a real `ws` socket.
 *
 * Contract for implementations:
 * - `open` starts the handshake and returns at once; it never throws for network reasons (report
 *   them through `onError` / `onClose`).
 * - `onOpen` at most once, then any number of `onMessage` with text frames; binary frames are
 *   dropped by the adapter (the protocol is JSON text).
 * - `onError` and `onClose` may both fire, in any order, or only one of them. `onClose` before
 *   `onOpen` means the handshake failed; a 401 looks exactly like a lost network (neither
 *   `wx.connectSocket` nor a browser can see the HTTP status).
 * - After the core calls `close`, it ignores every later event of that socket, so an adapter need
 *   not suppress them.
 */
export interface TransportHandlers {
  onOpen(): void;
  onMessage(data: string): void;
  onClose(code: number, reason: string): void;
  onError(message: string): void;
}

/** One connection attempt. */
export interface TransportSocket {
  /** Sends a text frame; may throw when the socket is no longer open. */
  send(data: string): void;
  /** Closes the socket (code 1000: the only code every platform accepts from a client). */
  close(code: number, reason: string): void;
}

export interface Transport {
  open(url: string, handlers: TransportHandlers): TransportSocket;
}
