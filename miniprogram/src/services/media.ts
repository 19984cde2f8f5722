/**
 * Pictures for image messages, the mini-program's side: pick one (`wx.chooseMedia`), measure it
 * (`wx.getImageInfo`), post it to the upload slot (`wx.uploadFile`, with progress and cancel), and
 * open one full size (`wx.previewImage`). Implements the client core's ImageUploadPort, so the
 * outbox logic is the same as the console's.
 *
 * Privacy: `wx.chooseMedia` is a privacy-protected API; since base library 2.32.3 it fails until
 * the user agreed to the mini-program's privacy guide. The compliance flow (issue 14b) owns that
 * agreement: call `pickImage` only after its `ensurePrivacyAuthorized()` hook resolved (PRIVACY
 * HOOK below). https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html
 *
 * The S3 bucket's domain must be in the mini-program's uploadFile and downloadFile legal domains
 * (mp.weixin.qq.com → 开发管理 → 服务器域名), as the WebSocket domain is in socket legal domains.
 */
import {
  type ImageUploadPort,
  imageTypeOfPath,
  type LocalImage,
  UploadFailedError,
  type UploadHandle,
} from '../core';
import { globalWx, type WxApi } from './wx-api';

/**
 * Picks one picture from the album or camera, compressed by WeChat (JPEG), and measures it.
 * Resolves undefined when the user cancels. Rejects with UploadFailedError('unsupported') for a
 * file whose type the protocol does not carry (HEIC, if WeChat ever hands one out).
 * https://developers.weixin.qq.com/miniprogram/dev/api/media/video/wx.chooseMedia.html
 * https://developers.weixin.qq.com/miniprogram/dev/api/media/image/wx.getImageInfo.html
 */
export function pickImage(api: WxApi = globalWx()): Promise<LocalImage | undefined> {
  // PRIVACY HOOK (issue 14b): await ensurePrivacyAuthorized() here once it exists.
  return new Promise((resolve, reject) => {
    api.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success(result) {
        const file = result.tempFiles[0];
        if (!file) return resolve(undefined);
        const contentType = imageTypeOfPath(file.tempFilePath);
        if (!contentType) return reject(new UploadFailedError('unsupported'));
        api.getImageInfo({
          src: file.tempFilePath,
          success: (info) =>
            resolve({
              localPath: file.tempFilePath,
              contentType,
              size: file.size,
              width: info.width,
              height: info.height,
            }),
          fail: () => reject(new UploadFailedError('unsupported')),
        });
      },
      // The user closing the picker is `chooseMedia:fail cancel`: not an error.
      fail: (error) =>
        /cancel/.test(error.errMsg) ? resolve(undefined) : reject(new UploadFailedError('network')),
    });
  });
}

/**
 * The ImageUploadPort on wx.uploadFile: a multipart/form-data POST with the slot's fields as
 * `formData` and the file as `file`, which is exactly what an S3 presigned POST takes. S3 answers
 * 204 on success (`success` fires for any HTTP status: the status decides).
 * https://developers.weixin.qq.com/miniprogram/dev/api/network/upload/wx.uploadFile.html
 * https://developers.weixin.qq.com/miniprogram/dev/api/network/upload/UploadTask.html
 */
export function wxImageUploader(api: WxApi = globalWx()): ImageUploadPort {
  return {
    upload(target, image, onProgress): UploadHandle {
      let cancelled = false;
      let task: WechatMiniprogram.UploadTask | undefined;
      const done = new Promise<void>((resolve, reject) => {
        task = api.uploadFile({
          url: target.url,
          filePath: image.localPath,
          name: 'file',
          formData: { ...target.fields },
          success: (result) =>
            result.statusCode >= 200 && result.statusCode < 300
              ? resolve()
              : reject(new UploadFailedError('refused', result.statusCode)),
          fail: () => reject(new UploadFailedError(cancelled ? 'cancelled' : 'network')),
        });
        task.onProgressUpdate((progress) => onProgress(progress.progress / 100));
      });
      return {
        done,
        cancel() {
          cancelled = true;
          task?.abort();
        },
      };
    },
  };
}

/**
 * Opens a picture full size, with the conversation's other pictures to swipe through.
 * https://developers.weixin.qq.com/miniprogram/dev/api/media/image/wx.previewImage.html
 */
export function previewImage(url: string, all: readonly string[], api: WxApi = globalWx()): void {
  api.previewImage({ current: url, urls: all.includes(url) ? [...all] : [url, ...all] });
}
