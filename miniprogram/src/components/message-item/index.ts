/**
 * One chat message: sender, time, the text (as text, never markup), and for the user's own
 * messages the send state; tapping a failed one asks the page to retry it, a long-press on a
 * stored one asks the page for its actions (recall, report, remove). Each field is its own
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
    /** 0 while not stored. */
    seq: { type: Number, value: 0 },
    /** A tombstone: no actions. */
    recalled: { type: Boolean, value: false },
    /** "自动回复" on the desk's automatic reply (shown next to the sender), else ''. */
    badge: { type: String, value: '' },
  },
  methods: {
    onTap() {
      if (this.data.state === 'failed')
        this.triggerEvent('retry', { clientId: this.data.clientId });
    },
    /** Long-press on a stored message: the page offers recall / report / remove. */
    onLongPress() {
      // Nothing to recall, report or remove in the desk's automatic reply.
      if (this.data.seq > 0 && !this.data.recalled && this.data.badge === '')
        this.triggerEvent('actions', { seq: this.data.seq });
    },
  },
});
