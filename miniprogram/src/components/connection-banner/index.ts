/** The connection banner: "Reconnecting in 3 s…", "Offline: no network…"; hidden when the text is empty. */
Component({
  properties: {
    text: { type: String, value: '' },
  },
});
