/**
 * Feeds the app's foreground/background and network state to the chat core: no reconnect
 * attempts in the background or offline, an immediate probe or reconnect when either comes back.
 */
import type { ChatClient } from '../core';
import { globalWx, type WxApi } from './wx-api';

/** Starts watching; returns the function that stops. */
export function watchLifecycle(client: ChatClient, api: WxApi = globalWx()): () => void {
  const onShow = () => client.setForeground(true);
  const onHide = () => client.setForeground(false);
  const onNetwork: WechatMiniprogram.OnNetworkStatusChangeCallback = ({ isConnected }) =>
    client.setNetworkAvailable(isConnected);
  api.onAppShow(onShow);
  api.onAppHide(onHide);
  api.onNetworkStatusChange(onNetwork);
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
  };
}
