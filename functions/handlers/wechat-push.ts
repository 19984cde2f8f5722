/**
 * POST /wechat-push (HTTP API): WeChat's message push (JSON, plain-text mode). Verifies the
 * signature (the push Token; functions/domain/wechat-push-signature.ts) before reading the body,
 * then handles `wxa_media_check` (functions/domain/image-check.ts); every other event is answered
 * `success` and ignored. WeChat waits 5 s for the answer and then pushes again (three tries), so
 * the work here is a handful of DynamoDB and S3 calls; a repeat is recognized by its trace id.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe } from '../domain/fan-out';
import { applyMediaVerdict } from '../domain/image-check';
import { parsePushBody } from '../domain/wechat-push-events';
import { isWechatPush } from '../domain/wechat-push-signature';
import { createImageCheckServices, createImageServices } from '../image-runtime';
import { createRuntime } from '../runtime';

const runtime = createRuntime(process.env, { service: 'campus-chat-wechat-push' });
const { store } = createImageServices(runtime);
const { checks } = createImageCheckServices(runtime);

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };
/** The answer WeChat expects for a push it need not repeat. */
const SUCCESS: APIGatewayProxyStructuredResultV2 = {
  statusCode: 200,
  headers: TEXT,
  body: 'success',
};
const status = (statusCode: number): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: TEXT,
  body: '',
});

/** The chat context of a push: its sender posts to the WebSocket API's @connections. */
function chatContext() {
  return runtime.eventlessChatContext();
}

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const token = await runtime.secret('WECHAT_PUSH_TOKEN');
    if (!isWechatPush(event.queryStringParameters ?? {}, token, Date.now())) {
      runtime.log.warn('message push with a bad signature refused', {
        sourceIp: event.requestContext.http.sourceIp,
      });
      return status(401);
    }
    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    const push = parsePushBody(body);
    switch (push.kind) {
      case 'encrypted':
        // The console was set to safe mode; docs/deploy.md says plain text.
        runtime.log.error('encrypted message push is not supported; choose plain-text mode');
        return status(400);
      case 'malformed':
        runtime.log.warn('malformed message push refused');
        return status(400);
      case 'other':
        runtime.log.info('message push event ignored', { event: push.event });
        return SUCCESS;
      case 'mediaCheck': {
        const outcome = await applyMediaVerdict(chatContext(), store, checks, push.verdict);
        runtime.log.info('image check verdict', {
          traceId: push.verdict.traceId,
          suggest: push.verdict.suggest,
          outcome,
        });
        // Pending: the send is still storing its message; WeChat pushes again.
        return outcome === 'pending' ? status(503) : SUCCESS;
      }
    }
  } catch (error) {
    runtime.log.error('message push failed', { error: describe(error) });
    return status(500);
  }
}
