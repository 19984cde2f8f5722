/**
 * The local stand-in for subscribeMessage.send (`POST /cgi-bin/message/subscribe/send`), answering
 * as WeChat documents it
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html):
 * `{errcode: 0, errmsg: 'ok', msgid}` on success; 40001/42001 for a token it did not issue or that
 * expired (checked by the shared stand-in's token check), 40003 for an empty openid, 40037 for a
 * template id it does not know, 41030 for a page that is not one of the mini-program's, 47003 for a
 * `data` value that breaks its field type's rule (thing ≤ 20 characters, time, phrase ≤ 5 Han
 * characters), 43101 for a user who holds no subscription.
 *
 * Like WeChat, it keeps its own count of each user's one-time subscriptions per template: `grant`
 * is what a user's acceptance in `wx.requestSubscribeMessage` gives, every send spends one, and a
 * send without one answers 43101. Tests read `sent` (exactly what was sent) and queue failures
 * with `failNext` (an errcode, or 500 for an HTTP 500).
 */
import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validFieldValue } from '../functions/domain/subscribe-fields';
import { MINIPROGRAM_PAGES } from './miniprogram-pages';
import { FailureQueue, readBody, serverError } from './stand-in-http';

export const SUBSCRIBE_SEND_API = 'cgi-bin/message/subscribe/send';

export interface SentSubscribeMessage {
  readonly touser: string;
  readonly templateId: string;
  readonly page: string;
  readonly data: Readonly<Record<string, string>>;
  readonly miniprogramState: string;
  readonly lang: string;
  readonly at: number;
}

/** 0 when the token is good, else the errcode WeChat answers for it (40001, 42001). */
export type TokenCheck = (accessToken: string) => number;

export class SubscribeSendStandIn {
  /** Every message accepted, in order. */
  readonly sent: SentSubscribeMessage[] = [];
  /** Every request received, accepted or not, with the errcode it got. */
  readonly calls: { touser: string; templateId: string; errcode: number }[] = [];
  private readonly grants = new Map<string, number>();
  private readonly failures = new FailureQueue();

  constructor(
    /** The template ids it knows (those created in the admin console). */
    private readonly templateIds: () => readonly string[],
    private readonly checkToken: TokenCheck,
  ) {}

  /** A user accepted a one-time subscription to a template (WeChat counts it on its side). */
  grant(openid: string, templateId: string, count = 1): void {
    const key = `${openid}\n${templateId}`;
    this.grants.set(key, (this.grants.get(key) ?? 0) + count);
  }

  /** The user's remaining subscriptions to a template, as WeChat counts them. */
  remaining(openid: string, templateId: string): number {
    return this.grants.get(`${openid}\n${templateId}`) ?? 0;
  }

  /** The next `times` sends answer `errcode` (500: an HTTP 500 without JSON). */
  failNext(errcode: number, times = 1): void {
    this.failures.push(errcode, times);
  }

  reset(): void {
    this.sent.length = 0;
    this.calls.length = 0;
    this.grants.clear();
    this.failures.clear();
  }

  /** Answers the request when its path is subscribeMessage.send; false otherwise. */
  async handle(
    path: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse<IncomingMessage>,
  ): Promise<boolean> {
    if (path !== SUBSCRIBE_SEND_API) return false;
    const raw = await readBody(request);
    const send = (body: object) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      // An unparsable body is answered like an empty one below (WeChat: 47001).
    }
    const touser = typeof body.touser === 'string' ? body.touser : '';
    const templateId = typeof body.template_id === 'string' ? body.template_id : '';
    const queued = this.failures.take();
    if (queued === 500) {
      this.calls.push({ touser, templateId, errcode: 500 });
      serverError(response);
      return true;
    }
    const errcode =
      request.method !== 'POST'
        ? 43002
        : (queued ?? this.check(url.searchParams.get('access_token') ?? '', body));
    this.calls.push({ touser, templateId, errcode });
    if (errcode !== 0) {
      send({ errcode, errmsg: `stand-in errcode ${errcode}` });
      return true;
    }
    this.grant(touser, templateId, -1);
    this.sent.push({
      touser,
      templateId,
      page: String(body.page ?? ''),
      data: Object.fromEntries(
        Object.entries(body.data as Record<string, { value: unknown }>).map(([k, v]) => [
          k,
          String(v.value),
        ]),
      ),
      miniprogramState: String(body.miniprogram_state ?? 'formal'),
      lang: String(body.lang ?? 'zh_CN'),
      at: Date.now(),
    });
    send({ errcode: 0, errmsg: 'ok', msgid: randomInt(1, 2 ** 47) });
    return true;
  }

  private check(accessToken: string, body: Record<string, unknown>): number {
    const token = this.checkToken(accessToken);
    if (token !== 0) return token;
    const { touser, template_id: templateId, page, data } = body;
    if (typeof touser !== 'string' || touser.length === 0) return 40003;
    if (typeof templateId !== 'string' || !this.templateIds().includes(templateId)) return 40037;
    if (
      page !== undefined &&
      (typeof page !== 'string' || !MINIPROGRAM_PAGES.includes(page.split('?')[0] ?? ''))
    )
      return 41030;
    if (data === null || typeof data !== 'object' || Object.keys(data).length === 0) return 47003;
    for (const [key, field] of Object.entries(data as Record<string, unknown>)) {
      const value = (field as { value?: unknown } | null)?.value;
      if (!validFieldValue(key, value)) return 47003;
    }
    if (this.remaining(touser, templateId) <= 0) return 43101;
    return 0;
  }
}
