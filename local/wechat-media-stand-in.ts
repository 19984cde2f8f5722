/**
 * The local stand-in for security.mediaCheckAsync v2 (`POST /wxa/media_check_async`) and the
 * `wxa_media_check` message push that carries its verdict
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html,
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html).
 *
 * As WeChat does: the call is answered `{errcode: 0, errmsg: "ok", trace_id}` at once; after
 * `mediaPushDelayMs` the stand-in downloads `media_url` (recording what it got), and POSTs the
 * verdict as JSON to the push URL, signed with the push Token (signature = SHA-1 of the sorted
 * token, timestamp and nonce, in the query). An answer other than `success` is pushed again, three
 * tries in all. Documented errors: 40001/42001 (token), 47001 (version or body), 40003 (openid),
 * 40129 (scene), and any errcode queued with `failNext`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MediaSuggest } from '../functions/domain/image-ports';
import { pushSignature } from '../functions/domain/wechat-push-signature';
import { FailureQueue, serverError } from './stand-in-http';

/** What one mediaCheckAsync call asked, and what became of it. */
export interface MediaCheckCall {
  readonly mediaUrl: string;
  readonly mediaType: number;
  readonly version: number;
  readonly scene: number;
  readonly openid: string;
  /** Set when the call was accepted. */
  traceId?: string;
  /** What downloading `mediaUrl` gave, as WeChat would fetch it (status and byte count). */
  fetched?: { readonly status: number; readonly bytes: number; readonly contentType: string };
}

/**
 * The verdict of a call: a suggest, a push that reports an errcode instead (e.g. 43104), or
 * `silent`: no push at all (WeChat's verdict has not come yet).
 */
export type MediaVerdict = MediaSuggest | { readonly errcode: number } | 'silent';

/** One push the stand-in sent (each try). */
export interface MediaPush {
  readonly traceId: string;
  readonly status: number;
  readonly body: string;
}

export interface MediaStandInOptions {
  /** The verdict of every call, or one per call (default `pass`). */
  readonly mediaVerdict?: MediaVerdict | ((call: MediaCheckCall) => MediaVerdict);
  /** The label a risky or review verdict carries (default 20002, 色情). */
  readonly mediaLabel?: number;
  /** Delay between the call and its push, in ms (default 20). */
  readonly mediaPushDelayMs?: number;
  /** Delay before a push is tried again after an answer other than `success` (default 200). */
  readonly mediaRetryDelayMs?: number;
}

const TRIES = 3;

export class MediaCheckStandIn {
  readonly calls: MediaCheckCall[] = [];
  readonly pushes: MediaPush[] = [];
  private readonly failures = new FailureQueue();
  private pending = new Set<Promise<void>>();
  private target: { url: string; token: () => string } | undefined;

  constructor(
    private readonly tokenErrcode: (accessToken: string) => number,
    private readonly options: () => MediaStandInOptions,
  ) {}

  /** Where pushes go and the Token they are signed with. */
  setPushTarget(url: string, token: () => string): void {
    this.target = { url, token };
  }

  /** The next `times` calls answer `errcode` (500: an HTTP 500). */
  failNext(errcode: number, times = 1): void {
    this.failures.push(errcode, times);
  }

  /** Resolves once every push scheduled so far has been answered (retries included). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Sends the push of `traceId` again, as WeChat repeats one (a duplicate). */
  async repush(traceId: string): Promise<MediaPush> {
    const call = this.calls.find((c) => c.traceId === traceId);
    if (!call) throw new Error(`no call with trace ${traceId}`);
    const verdict = this.verdictOf(call);
    if (verdict === 'silent') throw new Error('a silent verdict has no push to repeat');
    return this.pushOnce(call, verdict);
  }

  reset(): void {
    this.calls.length = 0;
    this.pushes.length = 0;
    this.failures.clear();
  }

  /** Answers `wxa/media_check_async`; false for any other path. */
  async handle(
    path: string,
    url: URL,
    body: Record<string, unknown> | undefined,
    response: ServerResponse<IncomingMessage>,
  ): Promise<boolean> {
    if (path !== 'wxa/media_check_async') return false;
    const send = (payload: object) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    if (!body) {
      send({ errcode: 47001, errmsg: 'data format error' });
      return true;
    }
    const call: MediaCheckCall = {
      mediaUrl: String(body.media_url ?? ''),
      mediaType: Number(body.media_type),
      version: Number(body.version),
      scene: Number(body.scene),
      openid: String(body.openid ?? ''),
    };
    this.calls.push(call);
    const failure = this.failures.take();
    if (failure === 500) {
      serverError(response);
      return true;
    }
    if (failure !== undefined) {
      send({ errcode: failure, errmsg: `stand-in failure ${failure}` });
      return true;
    }
    const tokenError = this.tokenErrcode(url.searchParams.get('access_token') ?? '');
    if (tokenError !== 0) {
      send({ errcode: tokenError, errmsg: 'invalid credential' });
      return true;
    }
    if (call.version !== 2) return (send({ errcode: 47001, errmsg: 'data format error' }), true);
    if (call.mediaType !== 1 && call.mediaType !== 2) {
      return (send({ errcode: 47001, errmsg: 'data format error: media_type' }), true);
    }
    if (!/^https?:\/\//.test(call.mediaUrl)) {
      return (send({ errcode: 47001, errmsg: 'data format error: media_url' }), true);
    }
    if (call.openid.length === 0) return (send({ errcode: 40003, errmsg: 'invalid openid' }), true);
    if (![1, 2, 3, 4].includes(call.scene)) {
      return (send({ errcode: 40129, errmsg: 'invalid scene' }), true);
    }
    call.traceId = `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
    send({ errcode: 0, errmsg: 'ok', trace_id: call.traceId });
    const job = this.checkLater(call).finally(() => this.pending.delete(job));
    this.pending.add(job);
    return true;
  }

  private verdictOf(call: MediaCheckCall): MediaVerdict {
    const option = this.options().mediaVerdict ?? 'pass';
    return typeof option === 'function' ? option(call) : option;
  }

  private async checkLater(call: MediaCheckCall): Promise<void> {
    const { mediaPushDelayMs = 20, mediaRetryDelayMs = 200 } = this.options();
    await sleep(mediaPushDelayMs);
    try {
      const got = await fetch(call.mediaUrl);
      const bytes = (await got.arrayBuffer()).byteLength;
      call.fetched = {
        status: got.status,
        bytes,
        contentType: got.headers.get('content-type') ?? '',
      };
    } catch {
      call.fetched = { status: 0, bytes: 0, contentType: '' };
    }
    const verdict = this.verdictOf(call);
    if (verdict === 'silent') return;
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      const push = await this.pushOnce(call, verdict);
      if (push.status === 200 && push.body === 'success') return;
      if (attempt < TRIES) await sleep(mediaRetryDelayMs);
    }
  }

  private async pushOnce(
    call: MediaCheckCall,
    verdict: Exclude<MediaVerdict, 'silent'>,
  ): Promise<MediaPush> {
    const target = this.target;
    const traceId = call.traceId ?? '';
    if (!target) throw new Error('the media stand-in has no push target');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomInt(1_000_000_000));
    const url = new URL(target.url);
    url.searchParams.set('signature', pushSignature(target.token(), timestamp, nonce));
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    const label = this.options().mediaLabel ?? 20002;
    const base = {
      ToUserName: 'gh_stand_in',
      FromUserName: call.openid,
      CreateTime: Number(timestamp),
      MsgType: 'event',
      Event: 'wxa_media_check',
      appid: 'wx-local-dev',
      trace_id: traceId,
      version: 2,
    };
    const payload =
      typeof verdict === 'string'
        ? {
            ...base,
            result: { suggest: verdict, label: verdict === 'pass' ? 100 : label },
            detail: [
              {
                strategy: 'content_model',
                errcode: 0,
                suggest: verdict,
                label: verdict === 'pass' ? 100 : label,
                prob: verdict === 'pass' ? 0 : 90,
              },
            ],
          }
        : { ...base, detail: [], errcode: verdict.errcode, errmsg: `stand-in ${verdict.errcode}` };
    let push: MediaPush;
    try {
      const answer = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      push = { traceId, status: answer.status, body: await answer.text() };
    } catch {
      push = { traceId, status: 0, body: '' };
    }
    this.pushes.push(push);
    return push;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
