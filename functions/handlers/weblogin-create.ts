/** POST /weblogin (HTTP API): a new scan-to-login ticket and the code the console shows. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe } from '../domain/fan-out';
import { createTicket } from '../domain/web-login';
import { createRuntime } from '../runtime';
import { httpResult, INTERNAL_RESULT, requestOf, webLoginDeps } from './web-login-deps';

const runtime = createRuntime(process.env, { service: 'campus-chat-weblogin' });
const deps = webLoginDeps(runtime);

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const result = await createTicket(deps, requestOf(event));
    runtime.log.info('web login ticket', { status: result.status });
    return httpResult(result);
  } catch (error) {
    runtime.log.error('web login ticket failed', { error: describe(error) });
    return INTERNAL_RESULT;
  }
}
