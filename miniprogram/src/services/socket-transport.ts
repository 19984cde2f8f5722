/**
 * The Transport of the chat core on `wx.connectSocket` / `SocketTask`. WeChat reports a refused
 * handshake (401, 503…) like any network failure, and closes sockets itself when the app is
 * backgrounded (code 1000, reason "interrupted"); the core handles both. A client may only close
 * with 1000 or 3000–4999.
 */
import { clientCloseCode, clientCloseReason, type Transport, type TransportSocket } from '../core';
import { globalWx, type WxApi } from './wx-api';

/** A Transport that opens SocketTasks through `api.connectSocket`. */
export function socketTransport(api: WxApi = globalWx()): Transport {
  return {
    open(url, handlers): TransportSocket {
      const task = api.connectSocket({
        url,
        // e.g. "exceed max task count": no socket was created, so no close event will follow.
        fail: (error) => {
          handlers.onError(error.errMsg);
          handlers.onClose(1006, error.errMsg);
        },
      });
      task.onOpen(() => handlers.onOpen());
      task.onMessage(({ data }) => {
        // The protocol is JSON text; binary frames are not part of it.
        if (typeof data === 'string') handlers.onMessage(data);
      });
      task.onError((error) => handlers.onError(error.errMsg));
      task.onClose(({ code, reason }) => handlers.onClose(code, reason));
      return {
        send(data) {
          task.send({ data, fail: (error) => handlers.onError(error.errMsg) });
        },
        close(code, reason) {
          task.close({ code: clientCloseCode(code), reason: clientCloseReason(reason) });
        },
      };
    },
  };
}
