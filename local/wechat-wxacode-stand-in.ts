/**
 * The local stand-in for wxacode.getUnlimited (`POST /wxa/getwxacodeunlimit`), answering as WeChat
 * documents it
 * (https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getunlimitedqrcode):
 * the image itself on success (a PNG, `content-type: image/png`), JSON `{errcode, errmsg}`
 * otherwise — 40001/42001 for a token it did not issue or that expired, 40097 (invalid args) for
 * a `scene` that is empty, longer than 32 characters or outside the documented character set, or
 * a `width` outside 280–1280, 41030 for a `page` that has a leading `/`, carries parameters, or —
 * with `check_path` true (the default) — is not one of the mini-program's pages.
 *
 * The image is a round placeholder of the requested width, not a real mini-program code (only
 * WeChat can draw those). Tests read `calls` and queue failures with `failNext`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import sharp from 'sharp';
import { MINIPROGRAM_PAGES } from './miniprogram-pages';
import { FailureQueue, jsonObject, readBody, serverError } from './stand-in-http';
import type { TokenCheck } from './wechat-subscribe-stand-in';

export const WXACODE_UNLIMITED_API = 'wxa/getwxacodeunlimit';

/** The documented `scene`: at most 32 visible characters of digits, letters and !#$&'()*+,/:;=?@-._~ */
const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

export interface WxaCodeCall {
  readonly scene: string;
  readonly page: string | undefined;
  readonly checkPath: boolean;
  readonly envVersion: string;
  readonly width: number;
  readonly errcode: number;
}

export class WxaCodeStandIn {
  /** Every request, with the errcode it got (0: an image). */
  readonly calls: WxaCodeCall[] = [];
  private readonly failures = new FailureQueue();

  constructor(private readonly checkToken: TokenCheck) {}

  /** The next `times` calls answer `errcode` (500: an HTTP 500 without JSON). */
  failNext(errcode: number, times = 1): void {
    this.failures.push(errcode, times);
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.clear();
  }

  /** Answers the request when its path is getwxacodeunlimit; false otherwise. */
  async handle(
    path: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse<IncomingMessage>,
  ): Promise<boolean> {
    if (path !== WXACODE_UNLIMITED_API) return false;
    const body = jsonObject(await readBody(request)) ?? {};
    const width = body.width === undefined ? 430 : Number(body.width);
    const call = {
      scene: typeof body.scene === 'string' ? body.scene : '',
      page: typeof body.page === 'string' ? body.page : undefined,
      checkPath: body.check_path !== false,
      envVersion: typeof body.env_version === 'string' ? body.env_version : 'release',
      width,
    };
    const queued = this.failures.take();
    if (queued === 500) {
      this.calls.push({ ...call, errcode: 500 });
      serverError(response);
      return true;
    }
    const errcode =
      request.method !== 'POST'
        ? 43002
        : (queued ?? this.check(url.searchParams.get('access_token') ?? '', call));
    this.calls.push({ ...call, errcode });
    if (errcode !== 0) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errcode, errmsg: `stand-in errcode ${errcode}` }));
      return true;
    }
    const image = await placeholder(width);
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length });
    response.end(image);
    return true;
  }

  private check(accessToken: string, call: Omit<WxaCodeCall, 'errcode'>): number {
    const token = this.checkToken(accessToken);
    if (token !== 0) return token;
    if (!SCENE.test(call.scene)) return 40097;
    if (!Number.isInteger(call.width) || call.width < 280 || call.width > 1280) return 40097;
    if (!['release', 'trial', 'develop'].includes(call.envVersion)) return 40097;
    if (call.page !== undefined) {
      if (call.page.startsWith('/') || call.page.includes('?')) return 41030;
      if (call.checkPath && !MINIPROGRAM_PAGES.includes(call.page)) return 41030;
    }
    return 0;
  }
}

/** A round mark of `width` px on white: the shape of a mini-program code, not its content. */
function placeholder(width: number): Promise<Buffer> {
  const r = width / 2;
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${width}">` +
      `<rect width="100%" height="100%" fill="#fff"/>` +
      `<circle cx="${r}" cy="${r}" r="${r * 0.9}" fill="none" stroke="#111" stroke-width="${r * 0.12}" stroke-dasharray="${r * 0.08} ${r * 0.05}"/>` +
      `<circle cx="${r}" cy="${r}" r="${r * 0.3}" fill="#07c160"/></svg>`,
  );
  return sharp(svg).png().toBuffer();
}
