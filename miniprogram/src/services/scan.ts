/**
 * The camera scanner (wx.scanCode), for the console's login code. Camera only: a picture from the
 * album could be one somebody sent, the QR-login phishing case the approval page warns about.
 * https://developers.weixin.qq.com/miniprogram/dev/api/device/scan/wx.scanCode.html — `result` is
 * the code's content; cancelling calls `fail`.
 */
import { globalWx, type WxApi } from './wx-api';

/**
 * What the scanned code says, or undefined when the user cancelled (or scanning failed): a plain
 * QR code's text (the local stack's login code), or — for this mini-program's own code (小程序码,
 * the console's login code on AWS; scanType `wxCode`) — the `path` it carries ("当所扫的码为当前
 * 小程序二维码时，会返回此字段，内容为二维码携带的 path"), e.g. `pages/weblogin/index?scene=…`.
 */
export function scanCode(api: WxApi = globalWx()): Promise<string | undefined> {
  return new Promise((resolve) => {
    api.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode', 'wxCode'],
      success: ({ result, path }) => resolve(path || result),
      fail: () => resolve(undefined),
    });
  });
}
