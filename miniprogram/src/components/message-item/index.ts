/**
 * One chat message: sender, time, the text (as text, never markup), and for the user's own
 * messages the send state; tapping a failed one asks the page to retry it.
 */
Component({
  properties: {
    item: { type: Object, value: {} },
  },
  methods: {
    onTap() {
      const item = this.data.item as { state?: string; clientId?: string };
      if (item.state === 'failed') this.triggerEvent('retry', { clientId: item.clientId });
    },
  },
});
