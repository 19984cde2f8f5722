/**
 * GET /weblogin/{ticket} (HTTP API) with `authorization: Bearer <poll secret>`: the ticket's
 * state, or — once, after approval — the console's login. The secret travels in a header, so it is
 * in no URL and no access log.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe } from '../domain/fan-out';
import { pollTicket } from '../domain/web-login';
import { WEB_LOGIN_TICKET_PATTERN } from '../../protocol/web-login';
import { createRuntime } from '../runtime';
import { httpResult, INTERNAL_RESULT, requestOf, webLoginDeps } from './web-login-deps';

const runtime = createRuntime(process.env, { service: 'campus-chat-weblogin' });
const deps = webLoginDeps(runtime);

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const ticket = event.pathParameters?.ticket ?? '';
  if (!WEB_LOGIN_TICKET_PATTERN.test(ticket)) {
    return httpResult({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no such login request' } },
    });
  }
  const header = event.headers.authorization ?? '';
  const secret = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(header)?.[1];
  try {
    const result = await pollTicket(deps, ticket, secret, requestOf(event));
    if (result.status !== 200)
      runtime.log.info('web login poll refused', { status: result.status });
    return httpResult(result);
  } catch (error) {
    runtime.log.error('web login poll failed', { error: describe(error) });
    return INTERNAL_RESULT;
  }
}
