/**
 * The Transport of the chat core on `wx.connectSocket` / `SocketTask`. WeChat reports a refused
 * handshake (401, 503…) like any network failure, and closes sockets itself when the app is
 * backgrounded (code 1000, reason "interrupted"); the core handles both. A client may only close
 * with 1000 or 3000–4999.
 *
 * WeChat does not close a SocketTask closed before its onOpen ("如果 wx.connectSocket 还没回调
 * wx.onSocketOpen，而先调用 wx.closeSocket，那么就做不到关闭 WebSocket 的目的",
 * https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/wx.closeSocket.html): a
 * handshake the core gave up on would open later and stay open, a zombie API Gateway connection
 * that receives fan-out and takes one of WeChat's 5 sockets. So a close before onOpen is
 * remembered and done in onOpen.
 */
import { clientCloseCode, clientCloseReason, type Transport, type TransportSocket } from '../core';
import { globalWx, type WxApi } from './wx-api';

/**
 * The handshake timeout passed to wx.connectSocket (base library 2.10.0+): WeChat fails the task
 * itself rather than leave it pending, a little after the core's own connect timeout (10 s).
 */
export const SOCKET_TIMEOUT_MS = 12_000;

/** A Transport that opens SocketTasks through `api.connectSocket`. */
export function socketTransport(api: WxApi = globalWx()): Transport {
  return {
    open(url, handlers): TransportSocket {
      let opened = false;
      let abandoned: { code: number; reason: string } | undefined;
      // https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/wx.connectSocket.html
      const task = api.connectSocket({
        url,
        timeout: SOCKET_TIMEOUT_MS,
        // Small frames (acks, typing) go out at once instead of waiting for Nagle's algorithm.
        tcpNoDelay: true,
        // e.g. "exceed max task count": no socket was created, so no close event will follow.
        fail: (error) => {
          handlers.onError(error.errMsg);
          handlers.onClose(1006, error.errMsg);
        },
      });
      task.onOpen(() => {
        opened = true;
        if (abandoned) {
          // The core gave up on this socket before it opened: close it now that WeChat can.
          task.close(abandoned);
          return;
        }
        handlers.onOpen();
      });
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
          const option = { code: clientCloseCode(code), reason: clientCloseReason(reason) };
          // Before onOpen a close does nothing in WeChat: remember it for onOpen (and still ask,
          // in case a future WeChat honours it).
          if (!opened) abandoned = option;
          task.close(option);
        },
      };
    },
  };
}
