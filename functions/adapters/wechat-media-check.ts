/**
 * MediaChecker over WeChat's security.mediaCheckAsync v2 (`POST /wxa/media_check_async`,
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html):
 * body `{media_url, media_type: 2 (picture), version: 2, scene, openid}`, answer
 * `{errcode: 0, errmsg, trace_id}`. The verdict comes later (WeChat says within 30 minutes) as a
 * `wxa_media_check` message push carrying the same trace_id (functions/handlers/wechat-push.ts).
 * WeChat downloads the picture from `media_url` itself, so it must be reachable from the
 * internet: a presigned GET of the display copy. The file may have at most 10 MB (ours: the
 * display copy of an upload of at most 10 MiB, re-encoded at most 2048 px, far below).
 *
 * Failures become UnavailableError here (fail closed, as msgSecCheck's): the cause is logged,
 * never sent to a client.
 */
import { UnavailableError } from '../domain/errors';
import type { MediaChecker } from '../domain/image-ports';
import type { Log } from '../domain/ports';
import type { WeChatApi } from './wechat-api';
import { WeChatApiError } from './wechat-errors';
import { SCENES } from './wechat-content-check';

/** media_type of a picture (1 is audio). */
export const MEDIA_TYPE_IMAGE = 2;

/** A MediaChecker calling mediaCheckAsync through `api`. */
export function createWeChatMediaChecker(api: WeChatApi, log: Log): MediaChecker {
  return {
    async submit({ mediaUrl, openid }) {
      try {
        const reply = await api.post('wxa/media_check_async', {
          media_url: mediaUrl,
          media_type: MEDIA_TYPE_IMAGE,
          version: 2,
          // The same scene as a message's text (2, 评论): a chat message is user commentary.
          scene: SCENES.message,
          openid,
        });
        const traceId = reply.trace_id;
        if (typeof traceId !== 'string' || traceId.length === 0) {
          throw new WeChatApiError('unavailable', 'wxa/media_check_async', 0);
        }
        return traceId;
      } catch (error) {
        const reason = error instanceof WeChatApiError ? error.reason : 'unavailable';
        const errcode = error instanceof WeChatApiError ? error.errcode : undefined;
        const level = reason === 'quota' || reason === 'config' ? 'error' : 'warn';
        log[level]('image check submission failed', { userId: openid, reason, errcode });
        throw new UnavailableError(
          'content security cannot check this picture now; retry later',
          reason === 'quota' ? 60_000 : 5_000,
        );
      }
    },
  };
}
