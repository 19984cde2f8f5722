/**
 * A local stand-in for WeChat's code2Session endpoint (`GET /sns/jscode2session`), answering the
 * way WeChat documents it: `{openid, session_key}` on success, `{errcode, errmsg}` otherwise. Dev
 * codes are `dev-<name>` and map to the openid `<name>`. Unlike real codes they may be reused, so a
 * developer can log in as the same person again.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

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
