/**
 * The staff inbox's filter: whose conversations (我的 / 未分配 / 全部) and which state (待处理 3 /
 * 处理中 5 / 已解决 99+). The page holds the filter and the counts (client/desk-display.ts makes
 * the tabs); a tap only tells it which tab (`owner` or `state`, detail `{ value }`).
 */
Component({
  properties: {
    /** `[{ value: 'mine', label: '我的', selected: false }, …]`. */
    owners: { type: Array, value: [] as { value: string; label: string; selected: boolean }[] },
    states: { type: Array, value: [] as { value: string; label: string; selected: boolean }[] },
    ownerLabel: { type: String, value: '' },
    stateLabel: { type: String, value: '' },
  },
  methods: {
    onOwner(event: WechatMiniprogram.BaseEvent<Record<string, never>, { value: string }>) {
      this.triggerEvent('owner', { value: event.currentTarget.dataset.value });
    },
    onState(event: WechatMiniprogram.BaseEvent<Record<string, never>, { value: string }>) {
      this.triggerEvent('state', { value: event.currentTarget.dataset.value });
    },
  },
});
