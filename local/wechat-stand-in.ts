/**
 * A local stand-in for WeChat's code2Session endpoint (`GET /sns/jscode2session`), answering the
 * way WeChat documents it: `{openid, session_key}` on success, `{errcode, errmsg}` otherwise. Dev
 * codes are `dev-<name>` and map to the openid `<name>`. Unlike real codes they may be reused, so a
 * developer can log in as the same person again.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonObject, readBody, serverError } from './stand-in-http';
import { MediaCheckStandIn, type MediaStandInOptions } from './wechat-media-stand-in';
import { SubscribeSendStandIn } from './wechat-subscribe-stand-in';
import { WxaCodeStandIn } from './wechat-wxacode-stand-in';

const DEV_CODE = /^dev-([A-Za-z0-9_-]{1,32})$/;

/** Answers a code2Session request for the given app credentials. */
export function handleCode2Session(
  url: URL,
  response: ServerResponse<IncomingMessage>,
  credentials: { appId: string; appSecret: string },
): void {
  const send = (body: object) => {
    // WeChat labels this JSON as text/plain; the client must not depend on the content type.
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(JSON.stringify(body));
  };
  const params = url.searchParams;
  if (params.get('appid') !== credentials.appId) {
    send({ errcode: 40013, errmsg: 'invalid appid' });
  } else if (params.get('secret') !== credentials.appSecret) {
    send({ errcode: 40125, errmsg: 'invalid appsecret' });
  } else if (params.get('grant_type') !== 'authorization_code') {
    send({ errcode: 40002, errmsg: 'invalid grant_type' });
  } else {
    const match = DEV_CODE.exec(params.get('js_code') ?? '');
    if (match?.[1]) send({ openid: match[1], session_key: randomBytes(16).toString('base64') });
    else send({ errcode: 40029, errmsg: 'invalid code' });
  }
}

/** The WeChat server APIs the stand-in answers besides code2Session. */
export type StandInApi = 'stable_token' | 'msg_sec_check' | 'media_check_async';

/**
 * What the content-security stand-in flags, and how slowly it answers; the picture check's
 * verdict and push delay (wechat-media-stand-in.ts).
 */
export interface WeChatStandInOptions extends MediaStandInOptions {
  /** Words that make msgSecCheck answer `risky`, each with its label (e.g. 20006 违法犯罪). */
  readonly riskyWords?: Readonly<Record<string, number>>;
  /** Words that make it answer `review`, each with its label. */
  readonly reviewWords?: Readonly<Record<string, number>>;
  /** Delay before every msgSecCheck answer, in ms (a realistic round trip is ~80 ms). */
  readonly latencyMs?: number;
  /** Lifetime of the access tokens it issues, in seconds (WeChat: 7200). */
  readonly tokenLifetimeSeconds?: number;
}

/** The words `npm start` flags, so the behaviour can be tried by hand (README, docs/deploy.md). */
export const DEFAULT_STAND_IN_WORDS = {
  riskyWords: { 违规测试词: 20006, 'risky-test-word': 20006 },
  reviewWords: { 复核测试词: 21000, 'review-test-word': 21000 },
} as const;

/** The documented length limit of msgSecCheck's `content`: 2500 characters. */
export const MSG_SEC_CHECK_MAX_CHARS = 2500;
/** WeChat's normal mode hands out the next token in the last 5 minutes of the current one. */
const HANDOVER_MS = 5 * 60 * 1000;

interface IssuedToken {
  readonly value: string;
  readonly expiresAt: number;
  revoked: boolean;
}

/**
 * The local stand-in for `getStableAccessToken` (`POST /cgi-bin/stable_token`) and
 * `msgSecCheck` v2 (`POST /wxa/msg_sec_check`), answering with their documented shapes and error
 * codes (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html,
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html).
 * Tests steer it: `configure` (words, latency), `failNext` (an errcode, or HTTP 500 as `500`, for
 * the next N calls), `invalidateToken` (as if the token was replaced elsewhere); `calls` records
 * what it was asked.
 */
export class WeChatStandIn {
  private options: Required<Omit<WeChatStandInOptions, keyof MediaStandInOptions>> &
    MediaStandInOptions;
  private tokens: IssuedToken[] = [];
  private failures: { api: StandInApi; code: number }[] = [];
  readonly calls: {
    stableToken: { forceRefresh: boolean }[];
    msgSecCheck: { content: string; scene: number; openid: string; version: number }[];
  } = { stableToken: [], msgSecCheck: [] };
  /** subscribeMessage.send (issue 15): what it was sent, its own subscription counts. */
  readonly subscribe = new SubscribeSendStandIn(
    () =>
      [
        process.env.NOTIFY_TEMPLATE_DESK_REPLIED,
        process.env.NOTIFY_TEMPLATE_STUDENT_WAITING,
      ].filter((id): id is string => !!id),
    (accessToken) => this.tokenErrcode(accessToken),
  );
  /** wxacode.getUnlimited (issue 17): the scan-to-login code on AWS. */
  readonly wxacode = new WxaCodeStandIn((accessToken) => this.tokenErrcode(accessToken));

  /**
   * mediaCheckAsync (issue 16): its calls (with what downloading media_url gave) and the signed
   * pushes of the verdicts; `configure({ mediaVerdict, mediaPushDelayMs })` steers it.
   */
  readonly media = new MediaCheckStandIn(
    (accessToken) => this.tokenErrcode(accessToken),
    () => this.options,
  );

  constructor(
    private readonly credentials: { appId: string; appSecret: string },
    options: WeChatStandInOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = {
      riskyWords: DEFAULT_STAND_IN_WORDS.riskyWords,
      reviewWords: DEFAULT_STAND_IN_WORDS.reviewWords,
      latencyMs: 0,
      tokenLifetimeSeconds: 7200,
      ...options,
    };
  }

  /** Changes words, latency or token lifetime from now on. */
  configure(options: WeChatStandInOptions): void {
    this.options = { ...this.options, ...options };
  }

  /** The next `times` calls of `api` answer `errcode` (500: an HTTP 500 with no JSON). */
  failNext(api: StandInApi, errcode: number, times = 1): void {
    if (api === 'media_check_async') return this.media.failNext(errcode, times);
    for (let i = 0; i < times; i++) this.failures.push({ api, code: errcode });
  }

  /** Where the picture check's verdicts are pushed, and the push Token they are signed with. */
  setPushTarget(url: string, token: () => string): void {
    this.media.setPushTarget(url, token);
  }

  /** Resolves once every verdict push scheduled so far has been answered. */
  pushesSettled(): Promise<void> {
    return this.media.settled();
  }

  /** Every issued token stops working (40001), as after a force refresh by someone else. */
  invalidateToken(): void {
    for (const token of this.tokens) token.revoked = true;
  }

  /** Back to the options it started with, no failures queued, no calls recorded. */
  reset(options: WeChatStandInOptions = {}): void {
    this.options = {
      riskyWords: DEFAULT_STAND_IN_WORDS.riskyWords,
      reviewWords: DEFAULT_STAND_IN_WORDS.reviewWords,
      latencyMs: 0,
      tokenLifetimeSeconds: 7200,
      ...options,
    };
    this.failures = [];
    this.media.reset();
    this.calls.stableToken.length = 0;
    this.calls.msgSecCheck.length = 0;
  }

  /** Answers `POST {base}/cgi-bin/stable_token` and `{base}/wxa/msg_sec_check`; false otherwise. */
  async handle(
    path: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse<IncomingMessage>,
  ): Promise<boolean> {
    if (await this.subscribe.handle(path, url, request, response)) return true;
    if (await this.wxacode.handle(path, url, request, response)) return true;
    if (path === 'wxa/media_check_async') {
      if (request.method !== 'POST') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ errcode: 43002, errmsg: 'require POST method' }));
        return true;
      }
      return this.media.handle(path, url, jsonObject(await readBody(request)), response);
    }
    const api: StandInApi | undefined =
      path === 'cgi-bin/stable_token'
        ? 'stable_token'
        : path === 'wxa/msg_sec_check'
          ? 'msg_sec_check'
          : undefined;
    if (!api) return false;
    const raw = await readBody(request);
    const send = (body: object) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST') {
      send({ errcode: 43002, errmsg: 'require POST method' });
      return true;
    }
    const body = jsonObject(raw);
    if (!body) {
      send({ errcode: 47001, errmsg: 'data format error' });
      return true;
    }
    if (api === 'msg_sec_check') {
      this.calls.msgSecCheck.push({
        content: String(body.content ?? ''),
        scene: Number(body.scene),
        openid: String(body.openid ?? ''),
        version: Number(body.version),
      });
      if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    } else {
      this.calls.stableToken.push({ forceRefresh: body.force_refresh === true });
    }
    const failure = this.failures.findIndex((f) => f.api === api);
    if (failure >= 0) {
      const code = this.failures.splice(failure, 1)[0]?.code;
      if (code === 500) {
        serverError(response);
      } else {
        send({ errcode: code, errmsg: `stand-in failure ${code}` });
      }
      return true;
    }
    send(api === 'stable_token' ? this.stableToken(body) : this.msgSecCheck(url, body));
    return true;
  }

  private stableToken(body: Record<string, unknown>): object {
    if (body.grant_type !== 'client_credential')
      return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (body.appid !== this.credentials.appId) return { errcode: 40013, errmsg: 'invalid appid' };
    if (body.secret !== this.credentials.appSecret) {
      return { errcode: 40125, errmsg: 'invalid appsecret' };
    }
    const now = this.now();
    const current = this.tokens.at(-1);
    if (body.force_refresh === true) {
      // Force mode: the previous tokens stop working at once.
      for (const token of this.tokens) token.revoked = true;
    }
    const usable = current && !current.revoked && current.expiresAt - now > HANDOVER_MS;
    if (!usable || body.force_refresh === true) {
      this.tokens = this.tokens.filter((t) => !t.revoked && t.expiresAt > now);
      this.tokens.push({
        value: `stand-in-token-${randomBytes(12).toString('hex')}`,
        expiresAt: now + this.options.tokenLifetimeSeconds * 1000,
        revoked: false,
      });
    }
    const issued = this.tokens.at(-1) as IssuedToken;
    return {
      access_token: issued.value,
      expires_in: Math.floor((issued.expiresAt - now) / 1000),
    };
  }

  /** 0 for a token it issued that still works, else the errcode WeChat answers (40001, 42001). */
  tokenErrcode(accessToken: string): number {
    const token = this.tokens.find((t) => t.value === accessToken);
    if (!token || token.revoked) return 40001;
    if (token.expiresAt <= this.now()) return 42001;
    return 0;
  }

  private msgSecCheck(url: URL, body: Record<string, unknown>): object {
    const token = this.tokens.find((t) => t.value === url.searchParams.get('access_token'));
    if (!token || token.revoked) return { errcode: 40001, errmsg: 'invalid credential' };
    if (token.expiresAt <= this.now()) return { errcode: 42001, errmsg: 'access_token expired' };
    const { content, scene, openid, version } = body;
    if (version !== 2) return { errcode: 47001, errmsg: 'data format error: version' };
    if (typeof openid !== 'string' || openid.length === 0) {
      return { errcode: 40003, errmsg: 'invalid openid' };
    }
    if (scene !== 1 && scene !== 2 && scene !== 3 && scene !== 4) {
      return { errcode: 40129, errmsg: 'invalid scene' };
    }
    if (typeof content !== 'string' || content.length === 0) {
      return { errcode: 44002, errmsg: 'empty post data' };
    }
    if ([...content].length > MSG_SEC_CHECK_MAX_CHARS) {
      return { errcode: 47001, errmsg: 'data format error: content too long' };
    }
    const hit = (words: Readonly<Record<string, number>>) =>
      Object.entries(words).find(([word]) => content.includes(word));
    const risky = hit(this.options.riskyWords);
    const review = risky ? undefined : hit(this.options.reviewWords);
    const [suggest, label, keyword] = risky
      ? ['risky', risky[1], risky[0]]
      : review
        ? ['review', review[1], review[0]]
        : ['pass', 100, undefined];
    return {
      errcode: 0,
      errmsg: 'ok',
      result: { suggest, label },
      detail: [
        {
          strategy: 'content_model',
          errcode: 0,
          suggest,
          label,
          prob: suggest === 'pass' ? 0 : 90,
        },
        { strategy: 'keyword', errcode: 0, suggest, label, ...(keyword ? { keyword } : {}) },
      ],
      trace_id: randomBytes(8).toString('hex'),
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
