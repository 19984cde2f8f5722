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

/** The close codes a client may send (RFC 6455 §7.4: 1000 or 3000–4999); anything else is 1000. */
export function clientCloseCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** Longest close reason in UTF-8 bytes (RFC 6455: 125 bytes of payload minus the code). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * `reason` cut to whole code points within MAX_CLOSE_REASON_BYTES of UTF-8: a browser's `close`
 * throws on a longer one. Counted by hand: older WeChat engines have no TextEncoder.
 */
export function clientCloseReason(reason: string): string {
  let bytes = 0;
  let end = 0;
  for (const char of reason) {
    const cp = char.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes > MAX_CLOSE_REASON_BYTES) break;
    end += char.length;
  }
  return reason.slice(0, end);
}
