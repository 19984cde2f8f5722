/**
 * Drag and drop of pictures onto the open conversation: while files are dragged over it the
 * conversation is marked (`data-drop` on it, with the words "松开即可发送图片" shown by CSS from
 * `data-drop-label`), and dropped files are handed to `pick`. Anything else dragged (text, a
 * link) is left to the browser.
 */
export function acceptDrops(
  target: HTMLElement,
  label: string,
  pick: (files: File[]) => void,
): void {
  target.dataset.dropLabel = label;
  let depth = 0;
  const carriesFiles = (event: DragEvent) =>
    Array.from(event.dataTransfer?.types ?? []).includes('Files');
  const clear = () => {
    depth = 0;
    delete target.dataset.drop;
  };
  target.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth++;
    target.dataset.drop = 'on';
  });
  target.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    // Without this the browser opens the file instead of dropping it here.
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  target.addEventListener('dragleave', () => {
    // dragleave fires for every child left; the last one leaves the target.
    depth = Math.max(0, depth - 1);
    if (depth === 0) clear();
  });
  target.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    clear();
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length > 0) pick(files);
  });
}
