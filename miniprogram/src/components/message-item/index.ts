/**
 * One chat message: sender, time, the text (as text, never markup), and for the user's own
 * messages the send state; tapping a failed one asks the page to retry it. Each field is its own
 * property, so the page's path updates (`items[3].stateLabel`) reach exactly the field they change.
 */
Component({
  properties: {
    senderName: { type: String, value: '' },
    time: { type: String, value: '' },
    text: { type: String, value: '' },
    state: { type: String, value: '' },
    stateLabel: { type: String, value: '' },
    clientId: { type: String, value: '' },
    className: { type: String, value: '' },
  },
  methods: {
    onTap() {
      if (this.data.state === 'failed')
        this.triggerEvent('retry', { clientId: this.data.clientId });
    },
  },
});
