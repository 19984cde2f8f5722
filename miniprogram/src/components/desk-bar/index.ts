/**
 * The desk line of a support conversation, for staff: its state and owner ("处理中 · 由 王老师
 * 处理") and the actions that apply (接待, 放回队列, 标记已解决, 转交). The page decides which
 * actions there are and runs them; a tap only tells it which (`action`, detail `{ action }`).
 * While one runs (`busy`) the buttons are disabled, so a double tap does not claim twice.
 */
Component({
  properties: {
    status: { type: String, value: '' },
    /** `[{ action: 'claim', label: '接待' }, …]`, in order. */
    actions: { type: Array, value: [] as { action: string; label: string }[] },
    busy: { type: Boolean, value: false },
  },
  methods: {
    onTap(event: WechatMiniprogram.BaseEvent<Record<string, never>, { action: string }>) {
      if (this.data.busy) return;
      this.triggerEvent('action', { action: event.currentTarget.dataset.action });
    },
  },
});
