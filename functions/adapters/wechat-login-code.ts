/**
 * The scan-to-login code on AWS: a mini-program code from wxacode.getUnlimited
 * (`POST /wxa/getwxacodeunlimit`,
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getunlimitedqrcode),
 * so WeChat's own scanner (扫一扫) opens the mini-program straight on the approval page with the
 * ticket as `scene`.
 *
 * - `scene` is the ticket: 22 URL-safe characters, inside the documented "最大 32 个可见字符" of
 *   digits, letters and `-_` among the allowed specials.
 * - `page` is the approval page, without a leading `/` and without parameters (as documented).
 * - `check_path` is true only for the released version: WeChat checks that the page exists in the
 *   *published* mini-program, which a trial or developer build may not be yet (41030 otherwise).
 * - A failure (quota 45009, page 41030, busy, a token problem) does not leave the desk unable to
 *   log in: the console gets the plain QR code instead, which the mini-program's own "扫码登录电脑"
 *   button reads, and the operator gets a log line with the reason.
 */
import {
  WEB_LOGIN_APPROVAL_PAGE,
  WEB_LOGIN_TICKET_PATTERN,
  type WebLoginTicket,
} from '../../protocol/web-login';
import { type LoginCodeMaker, plainQrCodes } from '../domain/web-login';
import type { WeChatApi } from './wechat-api';
import { WeChatApiError } from './wechat-errors';
import type { Log } from '../domain/ports';

export const WXACODE_API = 'wxa/getwxacodeunlimit';

/** The largest code image taken: a 430 px code is ~30 KB; more is not a code. */
export const MAX_WXACODE_BYTES = 256 * 1024;

/** Which mini-program version a scanned code opens (WeChat's `env_version`). */
export type WxaEnvVersion = 'release' | 'trial' | 'develop';

export interface WxaLoginCodeOptions {
  readonly envVersion: WxaEnvVersion;
  /** Code width in px, 280–1280 (WeChat's default 430: sharp on a HiDPI screen at 200 CSS px). */
  readonly width?: number;
}

/** Login codes as mini-program codes, falling back to plain QR codes when WeChat cannot make one. */
export function createWxaLoginCodes(
  api: WeChatApi,
  options: WxaLoginCodeOptions,
  log: Log,
): LoginCodeMaker {
  const width = Math.min(1280, Math.max(280, options.width ?? 430));
  return {
    async make(ticket): Promise<WebLoginTicket['code']> {
      if (!WEB_LOGIN_TICKET_PATTERN.test(ticket)) throw new Error('not a ticket');
      try {
        const image = await api.postForImage(
          WXACODE_API,
          {
            scene: ticket,
            page: WEB_LOGIN_APPROVAL_PAGE,
            check_path: options.envVersion === 'release',
            env_version: options.envVersion,
            width,
          },
          MAX_WXACODE_BYTES,
        );
        const base64 = Buffer.from(image.bytes).toString('base64');
        return { kind: 'wxacode', image: `data:${image.contentType};base64,${base64}` };
      } catch (error) {
        if (!(error instanceof WeChatApiError)) throw error;
        log.warn('login code: mini-program code unavailable, showing a plain QR code', {
          reason: error.reason,
          errcode: error.errcode,
        });
        return plainQrCodes.make(ticket);
      }
    },
  };
}
