/**
 * The slice of the `wx` API the services use. Every service takes it as a parameter defaulting to
 * the global `wx`, so tests run the same code against a shim (and two "phones" in one process).
 */
export type WxApi = Pick<
  WechatMiniprogram.Wx,
  | 'connectSocket'
  | 'request'
  | 'login'
  | 'getStorage'
  | 'setStorage'
  | 'removeStorage'
  | 'onAppShow'
  | 'offAppShow'
  | 'onAppHide'
  | 'offAppHide'
  | 'onNetworkStatusChange'
  | 'offNetworkStatusChange'
  | 'onNetworkWeakChange'
  | 'offNetworkWeakChange'
  | 'getPrivacySetting'
  | 'onNeedPrivacyAuthorization'
  | 'openPrivacyContract'
  | 'getNetworkType'
  | 'getAccountInfoSync'
  | 'showToast'
  | 'showModal'
  | 'showActionSheet'
  | 'navigateTo'
  | 'redirectTo'
  | 'reLaunch'
  | 'stopPullDownRefresh'
  | 'setNavigationBarTitle'
  | 'getAppBaseInfo'
  | 'getStorageSync'
  | 'setStorageSync'
  | 'scanCode'
  | 'requestSubscribeMessage'
  | 'getSetting'
  // Image messages (services/media.ts).
  | 'chooseMedia'
  | 'getImageInfo'
  | 'uploadFile'
  | 'previewImage'
>;

/** The global `wx` (read at call time, so a shim installed by a test is seen). */
export function globalWx(): WxApi {
  return wx;
}
