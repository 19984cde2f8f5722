/**
 * A `wx` for Node tests that behaves as WeChat documents it, on real network parts:
 * `connectSocket` opens a real `ws` WebSocket (so the chat runs against the real local stack),
 * `request` uses fetch, `login` returns the local stack's dev code for this "phone"'s user.
 * Only WeChat's own servers are stood in for. Documented behaviours kept: a SocketTask never sees
 * the handshake's HTTP status (a refused handshake is an error and a close, code 1006); at most 5
 * SocketTasks may be open at once; `getStorage` fails for a missing key; app show/hide and network
 * changes are delivered to their listeners; a SocketTask closed before its onOpen is NOT closed:
 * the handshake goes on and the socket opens (WeChat's docs: closing before onOpen "做不到关闭
 * WebSocket 的目的", https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/wx.closeSocket.html).
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
  /** The options passed to wx.connectSocket (timeout, tcpNoDelay…). */
  readonly options: Readonly<Record<string, unknown>>;
  closed = false;
  /** Whether `close` was called while the handshake was still running (and so did nothing). */
  closeIgnored = false;
  /** Every frame sent on the open socket. */
  readonly sent: string[] = [];
  private readonly ws: WebSocket;
  private readonly listeners = {
    open: [] as ((r: object) => void)[],
    message: [] as ((r: { data: string | ArrayBuffer }) => void)[],
    close: [] as ((r: { code: number; reason: string }) => void)[],
    error: [] as ((r: { errMsg: string }) => void)[],
  };

  constructor(url: string, options: Readonly<Record<string, unknown>> = {}) {
    this.url = url;
    this.options = options;
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
    this.sent.push(option.data);
    this.ws.send(option.data, (error) =>
      error ? option.fail?.({ errMsg: error.message }) : option.success?.({}),
    );
  }

  close(option: { code?: number; reason?: string } = {}): void {
    if (this.closed) return;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      // As WeChat documents: a close before onOpen does not close the socket, which opens later.
      this.closeIgnored = true;
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
  /** Item lists of the action sheets shown, in order. */
  readonly actionSheets: string[][] = [];
  /** What the user taps in the next action sheets (an index; undefined: cancel). */
  readonly actionChoices: (number | undefined)[] = [];
  /** Calls of wx.login. */
  loginCalls = 0;
  /**
   * What the subscribe-message panel answers (the user's choice and whether they tick "always
   * keep"); after a kept choice WeChat answers it again without showing the panel.
   */
  subscribeChoice: { result: 'accept' | 'reject' | 'ban'; keep: boolean } = {
    result: 'accept',
    keep: false,
  };
  /** Kept choices per template id (wx.getSetting's itemSettings). */
  readonly keptChoices = new Map<string, string>();
  /** Template ids of every wx.requestSubscribeMessage that showed the panel. */
  readonly subscribePanels: string[][] = [];
  /** Calls refused for not coming from a tap. */
  subscribeRefused = 0;
  /** Told the template ids of each acceptance (a test lets WeChat's server count it). */
  onSubscribeAccepted: (templateIds: string[]) => void = () => undefined;
  private tapping = false;
  /** Calls of wx.stopPullDownRefresh. */
  pullDownStops = 0;
  /** Most SocketTasks open at the same time, ever. */
  maxOpenTasks = 0;
  /** connectSocket calls refused for exceeding the limit. */
  refusedTasks = 0;
  networkType = 'wifi';
  /**
   * What the camera reads at the next wx.scanCode calls, in order; empty: the user cancels. A
   * string is a QR code's text; `{ wxCodePath }` is this mini-program's own code (小程序码), which
   * answers `path` and is read only when `scanType` allows `wxCode`.
   */
  readonly scans: (string | { wxCodePath: string })[] = [];
  /** wx.previewImage calls, in order. */
  readonly previews: { current: string; urls: string[] }[] = [];
  /**
   * What the user picks at the next wx.chooseMedia calls (a local file path with its pixel size),
   * in order; empty: the user closes the picker.
   */
  readonly picks: { path: string; width: number; height: number }[] = [];
  /** Pixel sizes of the files picked so far, by path (wx.getImageInfo). */
  readonly pickedSizes = new Map<string, { width: number; height: number }>();
  readonly listeners = {
    show: new Set<Listener>(),
    hide: new Set<Listener>(),
    network: new Set<Listener>(),
    weak: new Set<Listener>(),
  };

  constructor(readonly options: WxShimOptions) {}

  openTasks(): ShimSocketTask[] {
    return this.tasks.filter((t) => !t.closed);
  }

  /**
   * The app goes to the background; WeChat kills its sockets about 5 s later. With `null` the
   * socket outlives the suspension: WeChat stops the app's JS after 5 s ("挂起",
   * https://developers.weixin.qq.com/miniprogram/dev/framework/runtime/operating-mechanism.html)
   * without saying it closes sockets, and developers report suspended apps whose socket the server
   * still sees open (a close event never fired).
   */
  hide(killAfterMs: number | null = 5000): void {
    for (const l of this.listeners.hide) (l as () => void)();
    if (killAfterMs === null) return;
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

  /**
   * The privacy guideline as WeChat tracks it for this user
   * (https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html):
   * whether they have yet to agree, the one onNeedPrivacyAuthorization listener, what happened.
   */
  readonly privacy = {
    needAuthorization: false,
    contractName: '《自习室聊天隐私保护指引》',
    listener: undefined as
      ((resolve: (r: { event: string; buttonId?: string }) => void) => void) | undefined,
    exposures: 0,
    contractOpened: 0,
  };

  /**
   * A privacy API or component is used (the nickname input, say). As WeChat does: with the
   * guideline agreed it goes ahead; otherwise the app's listener gets a resolve and the call waits
   * for it — `agree` (with the agree button's id) lets it go on and records the agreement,
   * `disagree` fails it. Without a listener WeChat would show its own popup; the shim fails it.
   */
  usePrivacyApi(): Promise<string> {
    const privacy = this.privacy;
    if (!privacy.needAuthorization) return Promise.resolve('ok');
    const listener = privacy.listener;
    if (!listener) return Promise.resolve('fail privacy permission is not authorized');
    return new Promise((resolve) => {
      let settled = false;
      listener((result) => {
        if (result.event === 'exposureAuthorization') {
          privacy.exposures++;
          return;
        }
        if (settled) return;
        settled = true;
        if (result.event === 'agree' && result.buttonId) {
          privacy.needAuthorization = false;
          resolve('ok');
        } else {
          resolve('fail privacy permission is not authorized');
        }
      });
    });
  }

  /** WeChat reports the network turning weak (or recovering): wx.onNetworkWeakChange. */
  setWeakNetwork(weakNet: boolean): void {
    for (const l of this.listeners.weak)
      (l as (r: object) => void)({ weakNet, networkType: this.networkType });
  }

  /**
   * Runs `action` as the handler of a user's tap: wx.requestSubscribeMessage works only then
   * (WeChat: "can only be invoked by user TAP gesture").
   */
  tap(action: () => void): void {
    this.tapping = true;
    try {
      action();
    } finally {
      // miniprogram-simulate delivers events on a later turn: the tap lasts until that turn has
      // run its handler, not across the handler's own awaits of I/O.
      setTimeout(() => {
        this.tapping = false;
      }, 0);
    }
  }

  /** Whether a tap is being handled right now. */
  get inTap(): boolean {
    return this.tapping;
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
      const { fail: _fail, ...options } = option as Record<string, unknown>;
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
      const task = new ShimSocketTask(option.url, options);
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
    onNetworkWeakChange: (l: Listener) => shim.listeners.weak.add(l),
    offNetworkWeakChange: (l: Listener) => shim.listeners.weak.delete(l),
    getNetworkType(option: { success?: Callback<{ networkType: string }> }) {
      later(() => option.success?.({ networkType: shim.networkType }));
    },
    getPrivacySetting(option: {
      success?: Callback<{
        needAuthorization: boolean;
        privacyContractName: string;
        errMsg: string;
      }>;
    }) {
      later(() =>
        option.success?.({
          needAuthorization: shim.privacy.needAuthorization,
          privacyContractName: shim.privacy.contractName,
          errMsg: 'getPrivacySetting:ok',
        }),
      );
    },
    // One listener per app: a later registration replaces the earlier one.
    onNeedPrivacyAuthorization(listener: typeof shim.privacy.listener) {
      shim.privacy.listener = listener;
    },
    openPrivacyContract(option: { success?: Callback<object> }) {
      shim.privacy.contractOpened++;
      later(() => option.success?.({}));
    },
    getAccountInfoSync: () => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop' } }),
    showToast(option: { title: string }) {
      shim.toasts.push(option.title);
    },
    showActionSheet(option: {
      itemList: string[];
      success?: Callback<{ tapIndex: number }>;
      fail?: Callback<{ errMsg: string }>;
    }) {
      shim.actionSheets.push(option.itemList);
      const choice = shim.actionChoices.shift();
      later(() =>
        choice === undefined
          ? option.fail?.({ errMsg: 'showActionSheet:fail cancel' })
          : option.success?.({ tapIndex: choice }),
      );
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
    // https://developers.weixin.qq.com/miniprogram/dev/api/device/scan/wx.scanCode.html: success
    // gives the content as `result` (with scanType, charSet, rawData) and, for a code of the
    // current mini-program, the `path` it carries; `scanType` (default barCode, qrCode, wxCode)
    // limits what the camera reads; cancelling calls fail.
    scanCode(option: {
      scanType?: string[];
      success?: Callback<{
        result: string;
        scanType: string;
        charSet: string;
        path?: string;
        errMsg: string;
      }>;
      fail?: Callback<{ errMsg: string }>;
    }) {
      const next = shim.scans.shift();
      const types = option.scanType ?? ['barCode', 'qrCode', 'wxCode'];
      later(() => {
        if (next === undefined) {
          option.fail?.({ errMsg: 'scanCode:fail cancel' });
        } else if (typeof next === 'string') {
          if (types.includes('qrCode')) {
            option.success?.({
              result: next,
              scanType: 'QR_CODE',
              charSet: 'utf-8',
              errMsg: 'scanCode:ok',
            });
          } else option.fail?.({ errMsg: 'scanCode:fail' });
        } else if (types.includes('wxCode')) {
          option.success?.({
            // What the camera decodes from a 小程序码 is opaque; the page comes as `path`.
            result: '*wxacode*',
            scanType: 'WX_CODE',
            charSet: 'utf-8',
            path: next.wxCodePath,
            errMsg: 'scanCode:ok',
          });
        } else option.fail?.({ errMsg: 'scanCode:fail' });
      });
    },
    // https://developers.weixin.qq.com/miniprogram/dev/api/open-api/subscribe-message/wx.requestSubscribeMessage.html:
    // only from a tap; the answer maps each template id to accept/reject/ban; a kept choice is
    // answered again without the panel.
    requestSubscribeMessage(option: {
      tmplIds: string[];
      success?: Callback<Record<string, string>>;
      fail?: Callback<{ errMsg: string; errCode: number }>;
    }) {
      if (!shim.inTap) {
        shim.subscribeRefused++;
        later(() =>
          option.fail?.({
            errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.',
            errCode: 20001,
          }),
        );
        return;
      }
      const answer: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
      const shown = option.tmplIds.filter((id) => !shim.keptChoices.has(id));
      if (shown.length > 0) shim.subscribePanels.push(shown);
      for (const id of option.tmplIds) {
        answer[id] = shim.keptChoices.get(id) ?? shim.subscribeChoice.result;
        if (shim.subscribeChoice.keep) shim.keptChoices.set(id, answer[id] as string);
      }
      const accepted = option.tmplIds.filter((id) => answer[id] === 'accept');
      if (accepted.length > 0) shim.onSubscribeAccepted(accepted);
      later(() => option.success?.(answer));
    },
    // https://developers.weixin.qq.com/miniprogram/dev/api/open-api/setting/SubscriptionsSetting.html:
    // itemSettings lists only the templates whose choice the user kept.
    getSetting(option: { withSubscriptions?: boolean; success?: Callback<object> }) {
      const itemSettings = Object.fromEntries(shim.keptChoices);
      later(() =>
        option.success?.({
          authSetting: {},
          ...(option.withSubscriptions
            ? {
                subscriptionsSetting: {
                  mainSwitch: true,
                  ...(shim.keptChoices.size > 0 ? { itemSettings } : {}),
                },
              }
            : {}),
        }),
      );
    },
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
    // https://developers.weixin.qq.com/miniprogram/dev/api/media/video/wx.chooseMedia.html:
    // `tempFiles` of {tempFilePath, size, fileType}; closing the picker is
    // "chooseMedia:fail cancel".
    chooseMedia(option: {
      count?: number;
      mediaType?: string[];
      success?: Callback<{ tempFiles: object[]; type: string; errMsg: string }>;
      fail?: Callback<{ errMsg: string }>;
    }) {
      const pick = shim.picks.shift();
      if (pick) shim.pickedSizes.set(pick.path, { width: pick.width, height: pick.height });
      if (!pick) {
        later(() => option.fail?.({ errMsg: 'chooseMedia:fail cancel' }));
        return;
      }
      void readFile(pick.path).then((bytes) =>
        option.success?.({
          tempFiles: [
            { tempFilePath: pick.path, size: bytes.length, fileType: 'image', duration: 0 },
          ],
          type: 'image',
          errMsg: 'chooseMedia:ok',
        }),
      );
    },
    // https://developers.weixin.qq.com/miniprogram/dev/api/media/image/wx.getImageInfo.html:
    // the picture's pixel size (what the shim was told the picked file has).
    getImageInfo(option: {
      src: string;
      success?: Callback<{ width: number; height: number; path: string; type: string }>;
      fail?: Callback<{ errMsg: string }>;
    }) {
      const known = shim.pickedSizes.get(option.src);
      later(() =>
        known
          ? option.success?.({ ...known, path: option.src, type: 'jpeg' })
          : option.fail?.({ errMsg: 'getImageInfo:fail file not found' }),
      );
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
