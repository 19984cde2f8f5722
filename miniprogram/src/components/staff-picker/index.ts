/**
 * A list of colleagues to hand a conversation to, for when there are more than
 * wx.showActionSheet can show (at most 6 items:
 * https://developers.weixin.qq.com/miniprogram/dev/api/ui/interaction/wx.showActionSheet.html).
 * It scrolls, so the whole staff list (at most MAX_STAFF, 200) fits. A tap tells the page whom
 * (`pick`, detail `{ index }`); the cancel button or the mask, that nobody (`cancel`).
 */
Component({
  properties: {
    open: { type: Boolean, value: false },
    title: { type: String, value: '' },
    cancelLabel: { type: String, value: '' },
    /** `[{ userId, label }]`: the label is the name, marked when away. */
    rows: { type: Array, value: [] as { userId: string; label: string }[] },
  },
  methods: {
    onPick(event: WechatMiniprogram.BaseEvent<Record<string, never>, { index: number }>) {
      this.triggerEvent('pick', { index: Number(event.currentTarget.dataset.index) });
    },
    onCancel() {
      this.triggerEvent('cancel', {});
    },
    /** A tap inside the sheet is not a tap on the mask (catchtap stops it there). */
    noop() {
      // Nothing: only stops the tap.
    },
  },
});
