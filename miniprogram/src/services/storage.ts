/** The chat core's KeyValueStorage on wx.getStorage / wx.setStorage / wx.removeStorage. */
import type { KeyValueStorage } from '../core';
import { globalWx, type WxApi } from './wx-api';

export function wxStorage(api: WxApi = globalWx()): KeyValueStorage {
  return {
    get: (key) =>
      new Promise((resolve) => {
        api.getStorage<string>({
          key,
          success: ({ data }) => resolve(typeof data === 'string' ? data : undefined),
          // A missing key is a failure for wx.getStorage.
          fail: () => resolve(undefined),
        });
      }),
    set: (key, value) =>
      new Promise((resolve, reject) => {
        api.setStorage({
          key,
          data: value,
          success: () => resolve(),
          fail: (error) => reject(new Error(error.errMsg)),
        });
      }),
    remove: (key) =>
      new Promise((resolve) => {
        api.removeStorage({ key, success: () => resolve(), fail: () => resolve() });
      }),
  };
}
