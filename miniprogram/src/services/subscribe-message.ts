/**
 * Subscribe messages on the phone: asking for a template with `wx.requestSubscribeMessage` and
 * learning whether the user ticked "always keep this choice" from `wx.getSetting`
 * (https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html,
 * https://developers.weixin.qq.com/miniprogram/dev/api/open-api/setting/SubscriptionsSetting.html:
 * `itemSettings` lists only the templates whose choice the user asked to keep).
 * WeChat shows the request only in answer to a tap: call `askSubscription` synchronously from the
 * tap handler, never after an await.
 */
import type { SubscriptionStateFrame } from '../core';
import { globalWx, type WxApi } from './wx-api';

export interface SubscriptionAnswer {
  readonly result: 'accept' | 'reject' | 'ban';
  readonly alwaysKeep: boolean;
}

/**
 * Whether a Send tap should ask: a template is configured, the user has not turned the
 * notifications off, and has not rejected with "always keep" (WeChat would answer for them
 * without showing anything, and a kept "accept" is still worth asking: it grants silently).
 */
export function shouldAsk(state: SubscriptionStateFrame | undefined): boolean {
  if (!state || state.templateId === '' || state.off) return false;
  return !(state.alwaysKeep && state.lastChoice !== 'accept');
}

/**
 * Asks for one template. Resolves with the user's answer, or undefined when WeChat showed nothing
 * or filtered the template (`filter`, a failure such as 20004 "main switch off").
 */
export function askSubscription(
  templateId: string,
  api: WxApi = globalWx(),
): Promise<SubscriptionAnswer | undefined> {
  return new Promise((resolve) => {
    api.requestSubscribeMessage({
      tmplIds: [templateId],
      success: (res) => {
        const result = (res as unknown as Record<string, string>)[templateId];
        if (result !== 'accept' && result !== 'reject' && result !== 'ban') {
          resolve(undefined);
          return;
        }
        api.getSetting({
          withSubscriptions: true,
          success: (setting) =>
            resolve({
              result,
              alwaysKeep: setting.subscriptionsSetting?.itemSettings?.[templateId] !== undefined,
            }),
          fail: () => resolve({ result, alwaysKeep: false }),
        });
      },
      fail: () => resolve(undefined),
    });
  });
}
