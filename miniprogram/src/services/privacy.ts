/**
 * The privacy-authorization flow WeChat requires since 2023-10-17 before any privacy-related API
 * or component works (the nickname input, chooseMedia, the clipboard…): the app shows its own
 * popup with a `<button open-type="agreePrivacyAuthorization">`, and tells WeChat what the user
 * chose. https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html
 *
 * - `wx.getPrivacySetting` (base library 2.32.3+) says whether the user still has to agree and
 *   names the guideline: https://developers.weixin.qq.com/miniprogram/dev/api/open-api/privacy/wx.getPrivacySetting.html
 * - `wx.onNeedPrivacyAuthorization` fires when a privacy API or component is used before the user
 *   agreed; that call stays pending until `resolve({ buttonId, event: 'agree' })` (after the
 *   agree button's bindagreeprivacyauthorization) or `resolve({ event: 'disagree' })`, which fails
 *   it with "privacy permission is not authorized":
 *   https://developers.weixin.qq.com/miniprogram/dev/api/open-api/privacy/wx.onNeedPrivacyAuthorization.html
 * - `wx.openPrivacyContract` opens the guideline as filled in on the MP admin site:
 *   https://developers.weixin.qq.com/miniprogram/dev/api/open-api/privacy/wx.openPrivacyContract.html
 *
 * On a base library without these APIs nothing is intercepted, so the flow is skipped.
 */
import { globalWx, type WxApi } from './wx-api';

/** The id of the popup's agree button: WeChat checks that this very button was tapped. */
export const AGREE_BUTTON_ID = 'agree-btn';

export interface PrivacySetting {
  /** Whether the user has yet to agree to (the current version of) the guideline. */
  readonly needAuthorization: boolean;
  /** The guideline's name, as configured on the MP admin site (e.g. 《自习室聊天隐私保护指引》). */
  readonly contractName: string;
}

/** A pending privacy API call, waiting for the user's answer in the app's popup. */
export interface PrivacyRequest {
  /** Tell WeChat the popup is on screen (counted by the platform). */
  exposed(): void;
  /** After the agree button's bindagreeprivacyauthorization: the pending call goes on. */
  agree(): void;
  /** The pending call fails; the app goes on without it. */
  decline(): void;
}

/** What `resolve` of wx.onNeedPrivacyAuthorization takes. */
interface PrivacyAnswer {
  readonly event: 'agree' | 'disagree' | 'exposureAuthorization';
  readonly buttonId?: string;
}

/** What wx.getPrivacySetting says (no authorization needed where the API does not exist). */
export function privacySetting(api: WxApi = globalWx()): Promise<PrivacySetting> {
  return new Promise((resolve) => {
    if (typeof api.getPrivacySetting !== 'function') {
      resolve({ needAuthorization: false, contractName: '' });
      return;
    }
    api.getPrivacySetting({
      success: ({ needAuthorization, privacyContractName }) =>
        resolve({ needAuthorization, contractName: privacyContractName }),
      // Unknown: ask, rather than let a privacy API fail silently later.
      fail: () => resolve({ needAuthorization: true, contractName: '' }),
    });
  });
}

/**
 * Routes WeChat's privacy interceptions to `show` (the page's popup). WeChat keeps one listener
 * per app, so the page that is showing registers it. Returns nothing to undo: a later
 * registration replaces it.
 */
export function onPrivacyRequest(
  show: (request: PrivacyRequest) => void,
  api: WxApi = globalWx(),
): void {
  if (typeof api.onNeedPrivacyAuthorization !== 'function') return;
  // The typings call the listener's argument a result object; the docs: a resolve function.
  const listen = api.onNeedPrivacyAuthorization as unknown as (
    listener: (resolve: (result: PrivacyAnswer) => void) => void,
  ) => void;
  listen.call(api, (resolve) => {
    let answered = false;
    const answer = (result: PrivacyAnswer) => {
      if (answered) return;
      answered = true;
      resolve(result);
    };
    show({
      exposed: () => resolve({ event: 'exposureAuthorization' }),
      agree: () => answer({ buttonId: AGREE_BUTTON_ID, event: 'agree' }),
      decline: () => answer({ event: 'disagree' }),
    });
  });
}

/** Opens the privacy guideline (WeChat's page for it). */
export function openPrivacyContract(api: WxApi = globalWx()): void {
  if (typeof api.openPrivacyContract !== 'function') return;
  api.openPrivacyContract({});
}
