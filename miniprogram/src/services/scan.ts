/**
 * The camera scanner (wx.scanCode), for the console's login code. Camera only: a picture from the
 * album could be one somebody sent, the QR-login phishing case the approval page warns about.
 * https://developers.weixin.qq.com/miniprogram/dev/api/device/scan/wx.scanCode.html — `result` is
 * the code's content; cancelling calls `fail`.
 */
import { globalWx, type WxApi } from './wx-api';

/** What the scanned QR code says, or undefined when the user cancelled (or scanning failed). */
export function scanCode(api: WxApi = globalWx()): Promise<string | undefined> {
  return new Promise((resolve) => {
    api.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: ({ result }) => resolve(result),
      fail: () => resolve(undefined),
    });
  });
}
