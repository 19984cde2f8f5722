/** Navigation and feedback: the wx UI calls the pages use, in one place. */
import { globalWx, type WxApi } from './wx-api';

export function toast(title: string, api: WxApi = globalWx()): void {
  api.showToast({ title, icon: 'none' });
}

export function navigateTo(url: string, api: WxApi = globalWx()): void {
  api.navigateTo({ url });
}

export function redirectTo(url: string, api: WxApi = globalWx()): void {
  api.redirectTo({ url });
}

/** Opens `url` (the login page by default) with nothing else on the stack. */
export function restart(url = '/pages/login/index', api: WxApi = globalWx()): void {
  api.reLaunch({ url });
}

export function stopPullDownRefresh(api: WxApi = globalWx()): void {
  api.stopPullDownRefresh();
}

export function setTitle(title: string, api: WxApi = globalWx()): void {
  api.setNavigationBarTitle({ title });
}

/**
 * A menu of actions (wx.showActionSheet, at most 6 items); resolves with the index chosen, or
 * undefined when the user cancels.
 * https://developers.weixin.qq.com/miniprogram/dev/api/ui/interaction/wx.showActionSheet.html
 */
export function chooseAction(
  itemList: readonly string[],
  api: WxApi = globalWx(),
): Promise<number | undefined> {
  return new Promise((resolve) => {
    api.showActionSheet({
      itemList: [...itemList],
      success: ({ tapIndex }) => resolve(tapIndex),
      fail: () => resolve(undefined),
    });
  });
}

/** Asks a yes/no question; resolves true on confirm. */
export function confirm(title: string, content: string, api: WxApi = globalWx()): Promise<boolean> {
  return new Promise((resolve) => {
    api.showModal({
      title,
      content,
      success: ({ confirm: yes }) => resolve(yes),
      fail: () => resolve(false),
    });
  });
}
