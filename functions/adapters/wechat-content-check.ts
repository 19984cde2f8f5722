/**
 * ContentChecker over WeChat's msgSecCheck v2 (`POST /wxa/msg_sec_check`,
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html):
 * body `{content, version: 2, scene, openid}`, answer `{errcode, errmsg, result: {suggest, label},
 * detail, trace_id}`. `content` may hold at most 2500 characters, so a longer text (a message may
 * have 4000) is checked in overlapping parts, in parallel, and the worst verdict wins. The openid
 * must belong to a user who used the mini-program within the last two hours (else 61010).
 *
 * Failures become UnavailableError here (fail closed), with a retry time that fits the cause; the
 * cause itself is logged, never sent to a client.
 */
import { type ContentLabel, contentLabel } from '../../protocol/content-labels';
import { UnavailableError } from '../domain/errors';
import type { ContentChecker, ContentKind, ContentVerdict, Log } from '../domain/ports';
import type { WeChatApi } from './wechat-api';
import { WeChatApiError, type WeChatFailureReason } from './wechat-errors';

/** msgSecCheck's documented limit on `content`, in characters. */
export const MSG_SEC_CHECK_MAX_CHARS = 2500;
/**
 * Characters each part repeats from the end of the one before, so a word cut by a part boundary
 * is still whole in one part (a flagged phrase is far shorter than this).
 */
export const PART_OVERLAP_CHARS = 50;

/** The scene of each kind: 1 资料 (profile), 2 评论 (comment), 3 论坛 (forum). */
export const SCENES: Readonly<Record<ContentKind, 1 | 2 | 3 | 4>> = {
  displayName: 1,
  message: 2,
  roomTitle: 3,
};

/** How long a client should wait before retrying, by cause. */
const RETRY_AFTER_MS: Readonly<Record<WeChatFailureReason, number>> = {
  unavailable: 2_000,
  tokenInvalid: 5_000,
  quota: 60_000,
  config: 30_000,
  userNotRecent: 30_000,
  rejected: 30_000,
};

/** `text` in parts of at most `max` characters (code points), each overlapping the last. */
export function splitForCheck(
  text: string,
  max = MSG_SEC_CHECK_MAX_CHARS,
  overlap = PART_OVERLAP_CHARS,
): string[] {
  const chars = [...text];
  if (chars.length <= max) return [text];
  const parts: string[] = [];
  for (let start = 0; ; start += max - overlap) {
    parts.push(chars.slice(start, start + max).join(''));
    if (start + max >= chars.length) return parts;
  }
}

const RANK = { pass: 0, review: 1, risky: 2 } as const;

/** A ContentChecker calling msgSecCheck through `api`. */
export function createWeChatContentChecker(api: WeChatApi, log: Log): ContentChecker {
  async function checkPart(
    content: string,
    kind: ContentKind,
    openid: string,
  ): Promise<{ suggest: ContentVerdict['suggest']; label: ContentLabel; traceId: string }> {
    const reply = await api.post('wxa/msg_sec_check', {
      content,
      version: 2,
      scene: SCENES[kind],
      openid,
    });
    const result = reply.result as { suggest?: unknown; label?: unknown } | undefined;
    const suggest = result?.suggest;
    if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') {
      throw new WeChatApiError('unavailable', 'wxa/msg_sec_check', 0);
    }
    return {
      suggest,
      label: contentLabel(typeof result?.label === 'number' ? result.label : Number(result?.label)),
      traceId: typeof reply.trace_id === 'string' ? reply.trace_id : '',
    };
  }

  return {
    async check(text, kind, authorId) {
      let verdicts: Awaited<ReturnType<typeof checkPart>>[];
      try {
        verdicts = await Promise.all(
          splitForCheck(text).map((part) => checkPart(part, kind, authorId)),
        );
      } catch (error) {
        const reason = error instanceof WeChatApiError ? error.reason : 'unavailable';
        const errcode = error instanceof WeChatApiError ? error.errcode : undefined;
        // Quota and configuration need an operator: error level (the alarm's filter).
        const level = reason === 'quota' || reason === 'config' ? 'error' : 'warn';
        log[level]('content check failed', { kind, userId: authorId, reason, errcode });
        throw new UnavailableError(
          'content security cannot check this text now; retry later',
          RETRY_AFTER_MS[reason],
        );
      }
      const worst = verdicts.reduce((a, b) => (RANK[b.suggest] > RANK[a.suggest] ? b : a));
      const verdict: ContentVerdict = {
        suggest: worst.suggest,
        label: worst.label,
        traceIds: verdicts.map((v) => v.traceId),
      };
      return verdict;
    },
  };
}
