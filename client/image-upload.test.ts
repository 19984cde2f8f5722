import { describe, expect, it } from 'vitest';
import type { UploadFrame, UploadSlotFrame } from '../protocol/images';
import { MAX_IMAGE_BYTES } from '../protocol/images';
import {
  type ImageUploadPort,
  type LocalImage,
  UploadFailedError,
  imageTypeOfPath,
  uploadImage,
} from './image-upload';

const PHOTO: LocalImage = {
  localPath: 'wxfile://tmp/photo.jpg',
  contentType: 'image/jpeg',
  size: 2_000_000,
  width: 1600,
  height: 1200,
};

function slotFor(frame: UploadFrame): UploadSlotFrame {
  return {
    type: 'upload',
    id: frame.id,
    conversationId: frame.conversationId,
    key: 'up/a/b/c',
    url: 'https://bucket.example/',
    fields: { key: 'up/a/b/c', Policy: 'p' },
    expiresAt: '2026-12-02T00:00:00.000Z',
  };
}

/** A port that records what it was asked and finishes as told. */
function fakePort(outcome: 'ok' | UploadFailedError) {
  const calls: { url: string; fields: Record<string, string>; path: string }[] = [];
  const port: ImageUploadPort = {
    upload(target, image, onProgress) {
      calls.push({ url: target.url, fields: { ...target.fields }, path: image.localPath });
      onProgress(0.5);
      return {
        done: outcome === 'ok' ? Promise.resolve() : Promise.reject(outcome),
        cancel: () => undefined,
      };
    },
  };
  return { port, calls };
}

describe('uploadImage', () => {
  it('asks for a slot with the type and size, posts the file there and returns the attachment', async () => {
    const frames: UploadFrame[] = [];
    const { port, calls } = fakePort('ok');
    const progress: number[] = [];
    const attachment = await uploadImage(
      async (frame) => {
        frames.push(frame);
        return slotFor(frame);
      },
      port,
      'room:1',
      PHOTO,
      'u-1',
      (p) => progress.push(p),
    );
    expect(frames).toEqual([
      {
        action: 'upload',
        id: 'u-1',
        conversationId: 'room:1',
        contentType: 'image/jpeg',
        size: 2_000_000,
      },
    ]);
    expect(calls).toEqual([
      {
        url: 'https://bucket.example/',
        fields: { key: 'up/a/b/c', Policy: 'p' },
        path: PHOTO.localPath,
      },
    ]);
    expect(progress).toEqual([0.5, 1]);
    expect(attachment).toEqual({ key: 'up/a/b/c', width: 1600, height: 1200, size: 2_000_000 });
  });

  it('refuses HEIC and oversized files before asking for a slot', async () => {
    let asked = 0;
    const request = async (frame: UploadFrame) => {
      asked++;
      return slotFor(frame);
    };
    const { port } = fakePort('ok');
    await expect(
      uploadImage(request, port, 'room:1', { ...PHOTO, contentType: 'image/heic' }, 'u-2'),
    ).rejects.toMatchObject({ reason: 'unsupported' });
    await expect(
      uploadImage(request, port, 'room:1', { ...PHOTO, size: MAX_IMAGE_BYTES + 1 }, 'u-3'),
    ).rejects.toMatchObject({ reason: 'tooLarge' });
    expect(asked).toBe(0);
  });

  it('passes an upload failure on, retryable only when it may succeed later', async () => {
    const { port } = fakePort(new UploadFailedError('refused', 403));
    const failed = uploadImage(async (f) => slotFor(f), port, 'room:1', PHOTO, 'u-4');
    await expect(failed).rejects.toBeInstanceOf(UploadFailedError);
    expect(new UploadFailedError('refused', 403).retryable).toBe(false);
    expect(new UploadFailedError('refused', 503).retryable).toBe(true);
    expect(new UploadFailedError('network').retryable).toBe(true);
    expect(new UploadFailedError('cancelled').retryable).toBe(false);
  });
});

describe('imageTypeOfPath', () => {
  it('knows the carried types and not HEIC', () => {
    expect(imageTypeOfPath('wxfile://tmp_1.JPG')).toBe('image/jpeg');
    expect(imageTypeOfPath('http://tmp/a.webp')).toBe('image/webp');
    expect(imageTypeOfPath('a.png?x=1')).toBe('image/png');
    expect(imageTypeOfPath('IMG_0001.HEIC')).toBeUndefined();
    expect(imageTypeOfPath('noextension')).toBeUndefined();
  });
});
