/**
 * The app's own privacy popup (用户隐私保护提示): what is collected, a link to the guideline, and
 * the two answers. The agree button is WeChat's `open-type="agreePrivacyAuthorization"` (its id is
 * AGREE_BUTTON_ID, which WeChat checks when the page resolves the pending call).
 * https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html
 * Events: `agree` (after WeChat recorded the agreement), `decline`, `contract` (open the guideline).
 */
Component({
  properties: {
    visible: { type: Boolean, value: false },
    /** Words: title, body, contract, agree, decline (the page's labels). */
    t: { type: Object, value: {} },
  },
  methods: {
    onAgree() {
      this.triggerEvent('agree');
    },
    onDecline() {
      this.triggerEvent('decline');
    },
    onContract() {
      this.triggerEvent('contract');
    },
  },
});
