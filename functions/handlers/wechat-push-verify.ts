/**
 * GET /wechat-push (HTTP API): WeChat's check of the message-push URL when an operator saves it in
 * the mini-program's admin console. A request signed with the push Token is answered with its
 * `echostr`, exactly (plain text, nothing around it); anything else 401.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe } from '../domain/fan-out';
import { isWechatPush } from '../domain/wechat-push-signature';
import { createRuntime } from '../runtime';

const runtime = createRuntime(process.env, { service: 'campus-chat-wechat-push' });

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const query = event.queryStringParameters ?? {};
  let token: string;
  try {
    token = await runtime.secret('WECHAT_PUSH_TOKEN');
  } catch (error) {
    runtime.log.error('message push token unavailable', { error: describe(error) });
    return { statusCode: 500, headers: TEXT, body: '' };
  }
  const echostr = query.echostr ?? '';
  if (!isWechatPush(query, token, Date.now()) || !/^[A-Za-z0-9_-]{1,128}$/.test(echostr)) {
    runtime.log.warn('message push verification refused', {
      sourceIp: event.requestContext.http.sourceIp,
    });
    return { statusCode: 401, headers: TEXT, body: '' };
  }
  runtime.log.info('message push URL verified');
  return { statusCode: 200, headers: TEXT, body: echostr };
}
