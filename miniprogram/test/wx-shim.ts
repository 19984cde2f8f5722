/**
 * A `wx` for Node tests that behaves as WeChat documents it, on real network parts:
 * `connectSocket` opens a real `ws` WebSocket (so the chat runs against the real local stack),
 * `request` uses fetch, `login` returns the local stack's dev code for this "phone"'s user.
 * Only WeChat's own servers are stood in for. Documented behaviours kept: a SocketTask never sees
 * the handshake's HTTP status (a refused handshake is an error and a close, code 1006); at most 5
 * SocketTasks may be open at once; `getStorage` fails for a missing key; app show/hide and network
 * changes are delivered to their listeners.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import WebSocket from 'ws';
import type { WxApi } from '../src/services/wx-api';

type Callback<T> = ((result: T) => void) | undefined;
type Listener = (...args: never[]) => void;

/** WeChat's documented limit of simultaneously open SocketTasks per mini-program. */
export const MAX_SOCKET_TASKS = 5;

/** One wx SocketTask on a real WebSocket. */
export class ShimSocketTask {
  readonly url: string;
  closed = false;
  private readonly ws: WebSocket;
  private readonly listeners = {
    open: [] as ((r: object) => void)[],
    message: [] as ((r: { data: string | ArrayBuffer }) => void)[],
    close: [] as ((r: { code: number; reason: string }) => void)[],
    error: [] as ((r: { errMsg: string }) => void)[],
  };

  constructor(url: string) {
    this.url = url;
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on('open', () => {
      for (const l of this.listeners.open) l({ header: {}, profile: {} });
    });
    this.ws.on('message', (data, isBinary) => {
      const payload = isBinary
        ? new Uint8Array(data as Buffer).buffer
        : (data as Buffer).toString('utf8');
      for (const l of this.listeners.message) l({ data: payload });
    });
    // WeChat hides the status of a refused handshake: report it as a plain failure.
    this.ws.on('unexpected-response', () => {
      this.fail('connectSocket:fail');
      this.ws.terminate();
    });
    this.ws.on('error', (error) => this.fail(error.message));
    this.ws.on('close', (code, reason) => this.finish(code, reason.toString('utf8')));
  }

  onOpen(listener: (r: object) => void): void {
    this.listeners.open.push(listener);
  }
  onMessage(listener: (r: { data: string | ArrayBuffer }) => void): void {
    this.listeners.message.push(listener);
  }
  onClose(listener: (r: { code: number; reason: string }) => void): void {
    this.listeners.close.push(listener);
  }
  onError(listener: (r: { errMsg: string }) => void): void {
    this.listeners.error.push(listener);
  }

  send(option: { data: string; success?: Callback<object>; fail?: Callback<{ errMsg: string }> }) {
    if (this.ws.readyState !== WebSocket.OPEN) {
      const fail = option.fail;
      setImmediate(() => fail?.({ errMsg: 'sendSocketMessage:fail WebSocket is not connected' }));
      return;
    }
    this.ws.send(option.data, (error) =>
      error ? option.fail?.({ errMsg: error.message }) : option.success?.({}),
    );
  }

  close(option: { code?: number; reason?: string } = {}): void {
    if (this.closed) return;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.terminate();
      return;
    }
    this.ws.close(option.code ?? 1000, option.reason ?? '');
  }

  /** The phone loses the network under this socket (no close frame). */
  cut(): void {
    this.ws.terminate();
  }

  private fail(errMsg: string): void {
    if (this.closed) return;
    for (const l of this.listeners.error) l({ errMsg });
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.listeners.close) l({ code, reason });
  }
}

export interface WxShimOptions {
  /** The local stack's WeChat stand-in turns `dev-<user>` into user `<user>`. */
  readonly user: string;
  /** WeChat's language as `wx.getAppBaseInfo().language` reports it (default `zh_CN`). */
  readonly language?: string;
}

export class WxShim {
  readonly storage = new Map<string, unknown>();
  readonly tasks: ShimSocketTask[] = [];
  readonly toasts: string[] = [];
  readonly navigations: string[] = [];
  /** Titles set with wx.setNavigationBarTitle, in order. */
  readonly titles: string[] = [];
  /** Calls of wx.login. */
  loginCalls = 0;
  /** Calls of wx.stopPullDownRefresh. */
  pullDownStops = 0;
  /** Most SocketTasks open at the same time, ever. */
  maxOpenTasks = 0;
  /** connectSocket calls refused for exceeding the limit. */
  refusedTasks = 0;
  networkType = 'wifi';
  /** wx.previewImage calls, in order. */
  readonly previews: { current: string; urls: string[] }[] = [];
  readonly listeners = {
    show: new Set<Listener>(),
    hide: new Set<Listener>(),
    network: new Set<Listener>(),
  };

  constructor(readonly options: WxShimOptions) {}

  openTasks(): ShimSocketTask[] {
    return this.tasks.filter((t) => !t.closed);
  }

  /** The app goes to the background; WeChat kills its sockets about 5 s later. */
  hide(killAfterMs = 5000): void {
    for (const l of this.listeners.hide) (l as () => void)();
    setTimeout(() => {
      for (const task of this.openTasks()) task.close({ code: 1000, reason: 'interrupted' });
    }, killAfterMs);
  }

  show(): void {
    for (const l of this.listeners.show) (l as (r: object) => void)({ path: '', scene: 1001 });
  }

  setNetwork(connected: boolean): void {
    this.networkType = connected ? 'wifi' : 'none';
    for (const l of this.listeners.network)
      (l as (r: object) => void)({ isConnected: connected, networkType: this.networkType });
  }

  /** The `wx` object the services use. */
  api(): WxApi {
    return wxApiFor(this);
  }
}

/** The `wx` object of a shim (the services' slice of it). */
function wxApiFor(shim: WxShim): WxApi {
  const later = (fn: () => void) => setImmediate(fn);
  const api = {
    connectSocket(option: { url: string; fail?: Callback<{ errMsg: string }> }) {
      if (shim.openTasks().length >= MAX_SOCKET_TASKS) {
        shim.refusedTasks++;
        later(() => option.fail?.({ errMsg: 'connectSocket:fail exceed max task count' }));
        // No socket exists: a task whose events never fire.
        const noop = () => undefined;
        return {
          onOpen: noop,
          onMessage: noop,
          onClose: noop,
          onError: noop,
          send: noop,
          close: noop,
        };
      }
      const task = new ShimSocketTask(option.url);
      shim.tasks.push(task);
      shim.maxOpenTasks = Math.max(shim.maxOpenTasks, shim.openTasks().length);
      return task;
    },
    request(option: {
      url: string;
      method?: string;
      header?: Record<string, string>;
      data?: unknown;
      success?: Callback<{ statusCode: number; data: unknown; header: object }>;
      fail?: Callback<{ errMsg: string }>;
    }) {
      fetch(option.url, {
        method: option.method ?? 'GET',
        headers: option.header ?? {},
        ...(option.data !== undefined ? { body: JSON.stringify(option.data) } : {}),
      }).then(
        async (response) => {
          const text = await response.text();
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            // Not JSON: wx.request hands over the text.
          }
          option.success?.({ statusCode: response.status, data, header: {} });
        },
        (error: Error) => option.fail?.({ errMsg: `request:fail ${error.message}` }),
      );
      return { abort() {} };
    },
    login(option: { success?: Callback<{ code: string; errMsg: string }> }) {
      shim.loginCalls++;
      later(() => option.success?.({ code: `dev-${shim.options.user}`, errMsg: 'login:ok' }));
    },
    getStorage(option: {
      key: string;
      success?: Callback<{ data: unknown }>;
      fail?: Callback<{ errMsg: string }>;
    }) {
      later(() =>
        shim.storage.has(option.key)
          ? option.success?.({ data: shim.storage.get(option.key) })
          : option.fail?.({ errMsg: 'getStorage:fail data not found' }),
      );
    },
    setStorage(option: { key: string; data: unknown; success?: Callback<object> }) {
      later(() => {
        shim.storage.set(option.key, option.data);
        option.success?.({});
      });
    },
    removeStorage(option: { key: string; success?: Callback<object> }) {
      later(() => {
        shim.storage.delete(option.key);
        option.success?.({});
      });
    },
    onAppShow: (l: Listener) => shim.listeners.show.add(l),
    offAppShow: (l: Listener) => shim.listeners.show.delete(l),
    onAppHide: (l: Listener) => shim.listeners.hide.add(l),
    offAppHide: (l: Listener) => shim.listeners.hide.delete(l),
    onNetworkStatusChange: (l: Listener) => shim.listeners.network.add(l),
    offNetworkStatusChange: (l: Listener) => shim.listeners.network.delete(l),
    getNetworkType(option: { success?: Callback<{ networkType: string }> }) {
      later(() => option.success?.({ networkType: shim.networkType }));
    },
    getAccountInfoSync: () => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop' } }),
    showToast(option: { title: string }) {
      shim.toasts.push(option.title);
    },
    showModal(option: { success?: Callback<{ confirm: boolean; cancel: boolean }> }) {
      later(() => option.success?.({ confirm: true, cancel: false }));
    },
    navigateTo: (option: { url: string }) => shim.navigations.push(option.url),
    redirectTo: (option: { url: string }) => shim.navigations.push(option.url),
    reLaunch: (option: { url: string }) => shim.navigations.push(option.url),
    stopPullDownRefresh() {
      shim.pullDownStops++;
    },
    setNavigationBarTitle(option: { title: string }) {
      shim.titles.push(option.title);
    },
    // https://developers.weixin.qq.com/miniprogram/dev/api/base/system/wx.getAppBaseInfo.html
    getAppBaseInfo: () => ({
      SDKVersion: '3.5.0',
      language: shim.options.language ?? 'zh_CN',
      version: '8.0.50',
      theme: 'light',
      enableDebug: false,
    }),
    // A real multipart/form-data POST of the file at `filePath` (a path on this machine), fields
    // first, the file under `name`; `success` for any HTTP status, `fail` for a network error or
    // abort ("uploadFile:fail abort"), progress in percent. A temp path of wx.chooseMedia is a
    // local file path too.
    // https://developers.weixin.qq.com/miniprogram/dev/api/network/upload/wx.uploadFile.html
    uploadFile(option: {
      url: string;
      filePath: string;
      name: string;
      formData?: Record<string, string>;
      success?: Callback<{ statusCode: number; data: string }>;
      fail?: Callback<{ errMsg: string }>;
    }) {
      const abort = new AbortController();
      const progress: ((r: {
        progress: number;
        totalBytesSent: number;
        totalBytesExpectedToSend: number;
      }) => void)[] = [];
      void readFile(option.filePath)
        .then(async (bytes) => {
          const form = new FormData();
          for (const [k, v] of Object.entries(option.formData ?? {})) form.append(k, v);
          form.append(option.name, new Blob([new Uint8Array(bytes)]), basename(option.filePath));
          const response = await fetch(option.url, {
            method: 'POST',
            body: form,
            signal: abort.signal,
          });
          const data = await response.text();
          for (const l of progress)
            l({
              progress: 100,
              totalBytesSent: bytes.length,
              totalBytesExpectedToSend: bytes.length,
            });
          option.success?.({ statusCode: response.status, data });
        })
        .catch(() =>
          option.fail?.({
            errMsg: abort.signal.aborted ? 'uploadFile:fail abort' : 'uploadFile:fail',
          }),
        );
      return {
        abort: () => abort.abort(),
        onProgressUpdate: (l: (typeof progress)[number]) => progress.push(l),
        offProgressUpdate: () => undefined,
        onHeadersReceived: () => undefined,
        offHeadersReceived: () => undefined,
      };
    },
    // https://developers.weixin.qq.com/miniprogram/dev/api/media/image/wx.previewImage.html
    previewImage(option: { current?: string; urls: string[] }) {
      shim.previews.push({ current: option.current ?? option.urls[0] ?? '', urls: option.urls });
    },
    // getStorageSync returns '' for a key that was never set (it does not throw).
    getStorageSync: (key: string) => (shim.storage.has(key) ? shim.storage.get(key) : ''),
    setStorageSync(key: string, data: unknown) {
      shim.storage.set(key, data);
    },
  };
  // The shim implements the documented behaviour of exactly these calls, not their full typings.
  return api as unknown as WxApi;
}

/** Polls `check` until it returns true (real time: the stack is real). */
export async function waitFor(
  check: () => boolean,
  description: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
