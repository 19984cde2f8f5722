/**
 * One chat message: sender, time, the text (as text, never markup), a picture's thumbnail, and
 * for the user's own messages the send state (and a picture's upload progress); tapping a failed
 * one asks the page to retry it, tapping a picture asks the page to open it full size, a
 * long-press on a stored one asks the page for its actions (recall, report, remove). Each field
 * is its own property, so the page's path updates (`items[3].stateLabel`) reach exactly the field
 * they change.
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
    /** A stored picture's key ('' for none or while uploading). */
    imageKey: { type: String, value: '' },
    /** The thumbnail's URL, or the phone's file while uploading. */
    imageSrc: { type: String, value: '' },
    /** `width:…px;height:…px`: the box is laid out before the picture loads (no jump). */
    imageStyle: { type: String, value: '' },
    imageAlt: { type: String, value: '' },
    progressLabel: { type: String, value: '' },
  },
  methods: {
    onTap() {
      if (this.data.state === 'failed')
        this.triggerEvent('retry', { clientId: this.data.clientId });
    },
    /** Tap on a stored picture: the page opens it full size (wx.previewImage). */
    onImageTap() {
      if (this.data.imageKey !== '' && this.data.state !== 'failed')
        this.triggerEvent('preview', { key: this.data.imageKey });
      else this.onTap();
    },
    /** The thumbnail did not load (an expired URL): the page renews it. */
    onImageError() {
      if (this.data.imageKey !== '') this.triggerEvent('imageerror', { key: this.data.imageKey });
    },
    /** Long-press on a stored message: the page offers recall / report / remove. */
    onLongPress() {
      // Nothing to recall, report or remove in the desk's automatic reply.
      if (this.data.seq > 0 && !this.data.recalled && this.data.badge === '')
        this.triggerEvent('actions', { seq: this.data.seq });
    },
  },
});
