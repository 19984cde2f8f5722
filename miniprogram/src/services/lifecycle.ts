/**
 * Feeds the app's foreground/background and network state to the chat core: no reconnect
 * attempts in the background or offline, an immediate probe or reconnect when either comes back,
 * and a probe when WeChat reports the network turning weak or recovering (a weak network is when
 * sockets silently stop: https://developers.weixin.qq.com/miniprogram/dev/api/device/network/wx.onNetworkWeakChange.html,
 * base library 2.21.0, so only where it exists).
 */
import type { ChatClient } from '../core';
import { globalWx, type WxApi } from './wx-api';

/** Starts watching; returns the function that stops. */
export function watchLifecycle(client: ChatClient, api: WxApi = globalWx()): () => void {
  const onShow = () => client.setForeground(true);
  const onHide = () => client.setForeground(false);
  const onNetwork: WechatMiniprogram.OnNetworkStatusChangeCallback = ({ isConnected }) =>
    client.setNetworkAvailable(isConnected);
  // A probe either way: weak, the socket may have died; recovered, a replaced one comes sooner.
  const onWeak: WechatMiniprogram.OnNetworkWeakChangeCallback = () => client.reconnectNow();
  const weakSupported = typeof api.onNetworkWeakChange === 'function';
  api.onAppShow(onShow);
  api.onAppHide(onHide);
  api.onNetworkStatusChange(onNetwork);
  if (weakSupported) api.onNetworkWeakChange(onWeak);
  api.getNetworkType({
    success: ({ networkType }) => client.setNetworkAvailable(networkType !== 'none'),
  });
  return () => {
    api.offAppShow(onShow);
    api.offAppHide(onHide);
    // The typings give the off-callback a narrower parameter type; it is the same listener.
    api.offNetworkStatusChange(
      onNetwork as unknown as WechatMiniprogram.OffNetworkStatusChangeCallback,
    );
    if (weakSupported) {
      api.offNetworkWeakChange(onWeak as unknown as WechatMiniprogram.OffNetworkWeakChangeCallback);
    }
  };
}
