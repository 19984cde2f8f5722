/**
 * The console's ImageUploadPort (client/image-upload.ts): posts a picked File to its presigned
 * POST with XMLHttpRequest and FormData — the slot's fields first, the file last as `file`, as S3
 * requires (docs/protocol.md "Images") — because only XHR reports upload progress
 * (`xhr.upload.onprogress`; fetch has no upload progress). The outbox keeps the picture's
 * object URL; the File itself lives in this tab's memory only, so after a reload an entry that
 * was not uploaded yet fails with `missing` (pick it again).
 */
import {
  type ImageUploadPort,
  type LocalImage,
  UploadFailedError,
  type UploadHandle,
  type UploadTarget,
} from '../../../client/index';

export class BrowserImageUploader implements ImageUploadPort {
  /** Picked files by their object URL (the outbox entry's `localPath`). */
  private readonly files = new Map<string, Blob>();
  private readonly running = new Map<string, UploadHandle>();

  /** Keeps a picked file for its upload; returns the object URL that names it (and previews it). */
  add(file: Blob): string {
    const localPath = URL.createObjectURL(file);
    this.files.set(localPath, file);
    return localPath;
  }

  /** Whether this tab still holds the file (false after a reload). */
  has(localPath: string): boolean {
    return this.files.has(localPath);
  }

  /** Forgets a file whose message was stored or discarded. */
  release(localPath: string): void {
    if (!this.files.delete(localPath)) return;
    URL.revokeObjectURL(localPath);
  }

  /** Cancels the upload of a picture, if it is running (its entry then fails as cancelled). */
  cancel(localPath: string): boolean {
    const handle = this.running.get(localPath);
    handle?.cancel();
    return handle !== undefined;
  }

  upload(
    target: UploadTarget,
    image: LocalImage,
    onProgress: (fraction: number) => void,
  ): UploadHandle {
    const file = this.files.get(image.localPath);
    if (!file) {
      return { done: Promise.reject(new UploadFailedError('missing')), cancel: () => undefined };
    }
    const xhr = new XMLHttpRequest();
    const done = new Promise<void>((resolve, reject) => {
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      };
      // S3 answers 204 (or 200/201 with success_action_status); anything else is a refusal.
      xhr.onload = () =>
        xhr.status >= 200 && xhr.status < 300
          ? resolve()
          : reject(new UploadFailedError('refused', xhr.status));
      xhr.onerror = () => reject(new UploadFailedError('network'));
      xhr.ontimeout = () => reject(new UploadFailedError('network'));
      xhr.onabort = () => reject(new UploadFailedError('cancelled'));
    }).finally(() => this.running.delete(image.localPath));
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    form.append('file', file);
    xhr.open('POST', target.url);
    xhr.send(form);
    // Started: the view offers cancel from now on.
    onProgress(0);
    const handle: UploadHandle = { done, cancel: () => xhr.abort() };
    this.running.set(image.localPath, handle);
    return handle;
  }
}
